"""Simplified script for Chinese transcripts, timings untouched."""

from __future__ import annotations

import pytest

from pipeline.transcribe.chinese import (
    chinese_punctuation,
    has_traditional,
    simplify_transcription,
    simplify_words,
    to_simplified,
)
from pipeline.transcribe.engine import Transcription
from pipeline.transcribe.transcript import Segment, Word


def test_traditional_becomes_simplified():
    assert to_simplified("我是黨員，在村裡工作。") == "我是党员，在村里工作。"
    assert to_simplified("") == ""


def test_has_traditional():
    assert has_traditional("鄉村振興")
    assert not has_traditional("乡村振兴")
    assert not has_traditional("ask not what your country can do")


def test_words_are_converted_with_their_timings_kept():
    words = (Word(0, 300, "鄉村", 0.5), Word(300, 700, "振興，", 0.6), Word(700, 900, "好", 0.7))
    out = simplify_words(words)
    assert [w.text for w in out] == ["乡村", "振兴，", "好"]
    assert [(w.start_ms, w.end_ms, w.probability) for w in out] == [
        (0, 300, 0.5),
        (300, 700, 0.6),
        (700, 900, 0.7),
    ]


def test_words_are_converted_in_context():
    # OpenCC converts by phrase: 乾隆 is a name and keeps 乾; 乾淨 (clean) becomes 干净. A word
    # split like 乾|隆 must come out as the phrase does, not as 干|隆.
    assert [w.text for w in simplify_words((Word(0, 100, "乾"), Word(100, 200, "隆")))] == ["乾", "隆"]
    assert [w.text for w in simplify_words((Word(0, 100, "乾"), Word(100, 200, "淨")))] == ["干", "净"]


def test_a_chinese_transcription_is_converted_segment_and_words():
    words = (Word(0, 500, "為人民"), Word(500, 900, "服務。"))
    heard = Transcription("zh", 1000, (Segment(0, 900, "為人民服務。", words),))
    out = simplify_transcription(heard)
    assert out.segments[0].text == "为人民服务。"
    assert "".join(w.text for w in out.segments[0].words) == "为人民服务。"
    assert (out.segments[0].start_ms, out.segments[0].end_ms, out.duration_ms) == (0, 900, 1000)


def test_other_languages_are_left_alone():
    heard = Transcription("ja", 1000, (Segment(0, 900, "東京に行く", (Word(0, 900, "東京に行く"),)),))
    assert simplify_transcription(heard) is heard


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("一次立会,每个季度", "一次立会，每个季度"),
        ("好吗?", "好吗？"),
        ("问题:一是", "问题：一是"),
        ("修通了3.5公里", "修通了3.5公里"),  # digits keep their point
        ("1,000元", "1,000元"),  # and their thousands comma
        ("Hello, world", "Hello, world"),  # Latin text keeps half-width marks
    ],
)
def test_half_width_marks_next_to_chinese_become_full_width(raw, expected):
    assert chinese_punctuation(raw) == expected


def test_words_get_chinese_punctuation_too():
    words = (Word(0, 500, "一次立会,"), Word(600, 900, "每个"))
    assert [w.text for w in simplify_words(words)] == ["一次立会，", "每个"]
