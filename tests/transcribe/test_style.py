"""Numbers per GB/T 15835 and full-width punctuation in Chinese transcripts, timings kept."""

from __future__ import annotations

import pytest

from pipeline.transcribe.style import number_edits, rewrite_words, style_transcript
from pipeline.transcribe.transcript import Segment, Transcript, Word


def styled(text: str) -> str:
    chars = list(text)
    for start, end, new in reversed(number_edits(text)):
        chars[start:end] = new
    return "".join(chars)


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        # counts and measures: Arabic
        ("有着十五年党龄", "有着15年党龄"),
        ("修通了三点五公里的硬化路", "修通了3.5公里的硬化路"),
        ("我们盼了三十年。", "我们盼了30年。"),
        ("二零二一年春天", "2021年春天"),
        ("一百二十户人家", "120户人家"),
        ("修了五公里", "修了5公里"),
        # approximations and fixed expressions: Chinese
        ("增加了十几万元的收入", "增加了十几万元的收入"),
        ("去了他家七八趟", "去了他家七八趟"),
        ("一户一户地敲门", "一户一户地敲门"),
        ("三四十年", "三四十年"),
        ("一来二去", "一来二去"),
        ("三会一课", "三会一课"),
        ("走两里地", "走两里地"),
        ("第一次连门都没让进", "第一次连门都没让进"),
        ("第十五届", "第十五届"),
        # single digits before a measure word, and ordinals: Chinese
        ("到村里的第1个月", "到村里的第一个月"),
        ("有3个人", "有三个人"),
        ("15年", "15年"),
        # punctuation: full-width beside Chinese; numbers keep theirs
        ("他说.好的(村里)", "他说。好的（村里）"),
        ("3.5公里，1,000元", "3.5公里，1,000元"),
    ],
)
def test_numbers_and_punctuation(heard, written):
    assert styled(heard) == written


def test_an_edit_goes_to_the_word_it_starts_in_and_timings_stay():
    words = (
        Word(0, 300, "有着", 0.9),
        Word(300, 500, "十", 0.8),
        Word(500, 700, "五年", 0.7),
        Word(700, 900, "党龄", 0.9),
    )
    assert [w.text for w in rewrite_words(words, [(2, 4, "15")])] == ["有着", "15", "年", "党龄"]
    transcript = Transcript("c", "zh", "m", (Segment(0, 900, "有着十五年党龄", words),))
    out = style_transcript(transcript)
    assert out.text == "有着15年党龄"
    assert [(w.start_ms, w.end_ms, w.text) for w in out.words] == [
        (0, 300, "有着"),
        (300, 500, "15"),
        (500, 700, "年"),
        (700, 900, "党龄"),
    ]
    whole = (Word(0, 500, "二零", 0.9), Word(500, 900, "二一", 0.9), Word(900, 1000, "年", 0.9))
    assert [w.text for w in rewrite_words(whole, [(0, 4, "2021")])] == ["2021", "年"]


def test_other_languages_are_left_alone():
    transcript = Transcript(
        "c", "en", "m", (Segment(0, 900, " 3 people.", (Word(0, 900, " 3 people.", 0.9),)),)
    )
    assert style_transcript(transcript) == transcript
