"""Error rates used by the slow tests and bench/transcribe.py."""

from __future__ import annotations

import pytest

from pipeline.transcribe.accuracy import (
    character_error_rate,
    character_errors,
    chinese_characters,
    edit_distance,
    english_words,
    word_error_rate,
)


def test_edit_distance():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance(("a", "b"), ("a", "b")) == 0


def test_chinese_is_scored_in_simplified_script_without_punctuation_or_spaces():
    assert chinese_characters("我是黨員， 在村裡。“好！”") == "我是党员在村里好"


def test_numbers_count_as_they_are_read_and_punctuation_is_ignored():
    assert chinese_characters("有着15年党龄，2021年春天，3.5公里，1,000元，15%") == (
        "有着十五年党龄二零二一年春天三点五公里一千元百分之十五"
    )
    assert character_error_rate("十五年党龄，二零二一年。", "15年党龄 2021年") == 0.0
    assert character_error_rate("十五年", "16年") == pytest.approx(1 / 3)


def test_character_error_rate():
    assert character_error_rate("我是党员。", "我是黨員") == 0.0
    assert character_error_rate("我是党员", "我是当员") == pytest.approx(0.25)
    assert character_errors("一二三四", "一三四五") == (2, 4)


def test_word_error_rate_ignores_case_and_punctuation():
    assert english_words("And so, my fellow Americans: don't!") == (
        "and",
        "so",
        "my",
        "fellow",
        "americans",
        "don't",
    )
    assert word_error_rate("ask not what your country", "Ask not, what our country") == pytest.approx(0.2)
