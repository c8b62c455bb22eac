"""Numbers and punctuation in a Chinese transcript as Chinese editors write them.

Numbers follow GB/T 15835-2011 (出版物上数字用法):

- Arabic numerals for counts and measures: a number of ten or more, or a decimal, before a unit or
  measure word (十五年 -> 15年, 三点五公里 -> 3.5公里, 三十年 -> 30年), any number before a unit
  of measurement (五公里 -> 5公里), and years read digit by digit (二零二一年 -> 2021年);
- Chinese numerals for approximations and fixed expressions: two neighbouring digits (七八趟), a
  number with 几/多/余 (十几万), single digits before a measure word, which in narration are mostly
  set phrases (一户一户, 一家一家, 第一次), and ordinals after 第 (第1个月 -> 第一个月); 两 stays.

The conversion of one number uses cn2an; which numbers to convert is decided here. Punctuation:
a half-width full stop or brackets around Chinese text become full-width (。（）), beside the
commas and question marks `chinese.py` already converts; `3.5` and `1,000` stay.

Edits may change a word's length (十五 -> 15); each edit goes to the word it starts in, so every
word keeps its timing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pipeline.transcribe.transcript import Segment, Transcript, Word

CN_DIGITS = "零一二三四五六七八九"
YEAR_DIGITS = {c: str(i) for i, c in enumerate(CN_DIGITS)} | {"〇": "0"}
# units of measurement: a number before one is a measure, written in Arabic numerals
MEASURE_UNITS = (
    "平方公里",
    "平方米",
    "立方米",
    "公里",
    "千米",
    "厘米",
    "毫米",
    "公斤",
    "千克",
    "公顷",
    "万元",
    "亿元",
    "元",
    "米",
    "斤",
    "吨",
    "亩",
    "%",
)
# measure words of counting: Arabic from ten up, Chinese below
COUNT_WORDS = (
    "年",
    "个",
    "户",
    "家",
    "次",
    "趟",
    "人",
    "天",
    "岁",
    "名",
    "位",
    "条",
    "项",
    "所",
    "座",
    "间",
    "棵",
    "头",
    "只",
    "辆",
    "台",
    "场",
    "批",
    "支",
    "套",
    "倍",
    "届",
    "期",
    "周",
)
_UNITS_LONGEST_FIRST = tuple(sorted((*MEASURE_UNITS, *COUNT_WORDS), key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in _UNITS_LONGEST_FIRST)
_CN_NUMBER = re.compile(
    rf"(?<![零〇一二三四五六七八九十百千万亿两点几多余])([零〇一二三四五六七八九十百千万亿点]+)(?={_UNIT})"
)
_SINGLE_ARABIC = re.compile(rf"(?<![\d.,])([1-9])(?![\d.,%])(?={'|'.join(COUNT_WORDS)})")
_HAN = r"[\u3400-\u9fff]"
_HALF_STOP = re.compile(rf"(?<={_HAN})\.(?!\d)")
_BRACKETS = re.compile(rf"\(([^()]*{_HAN}[^()]*)\)")


def _arabic(numeral: str) -> str | None:
    """A Chinese numeral as Arabic digits, or None when it is no exact number (七八, 三四十)."""
    import cn2an

    if len(numeral) == 1 and numeral in CN_DIGITS:
        return str(CN_DIGITS.index(numeral))
    if all(c in CN_DIGITS + "〇" for c in numeral):
        return None  # digit by digit: only years are converted, by the caller
    try:
        value = cn2an.cn2an(numeral.replace("〇", "零"), "strict")
    except (ValueError, KeyError, IndexError):
        return None
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def number_edits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every number to rewrite in `text`, in order."""
    edits = []
    for match in _CN_NUMBER.finditer(text):
        numeral, start, end = match.group(1), match.start(1), match.end(1)
        if text[start - 1 : start] == "第":
            continue  # an ordinal: Chinese
        unit = next(u for u in _UNITS_LONGEST_FIRST if text.startswith(u, end))
        if len(numeral) > 1 and all(c in CN_DIGITS + "〇" for c in numeral):
            if unit == "年" and len(numeral) == 4:  # a year read digit by digit
                edits.append((start, end, "".join(YEAR_DIGITS[c] for c in numeral)))
            continue
        arabic = _arabic(numeral)
        if arabic is None or text[end : end + 1] in "几多余":
            continue
        if unit in MEASURE_UNITS or "." in arabic or int(float(arabic)) >= 10:
            edits.append((start, end, arabic))
    for match in _SINGLE_ARABIC.finditer(text):
        edits.append((match.start(1), match.end(1), CN_DIGITS[int(match.group(1))]))
    for match in _HALF_STOP.finditer(text):
        edits.append((match.start(), match.end(), "。"))
    for match in _BRACKETS.finditer(text):
        edits.append((match.start(), match.start() + 1, "（"))
        edits.append((match.end() - 1, match.end(), "）"))
    return sorted(edits)


def rewrite_words(words: Sequence[Word], edits: Sequence[tuple[int, int, str]]) -> tuple[Word, ...]:
    """The words with non-overlapping replacements (offsets in their joined text, end > start)
    applied; a replacement goes to the word it starts in, and the characters it replaces in later
    words leave those words. A word left with no text is dropped."""
    owner = [k for k, word in enumerate(words) for _ in word.text]
    joined = "".join(w.text for w in words)
    texts = [""] * len(words)
    starts = {start: (end, new) for start, end, new in edits}
    at = 0
    while at < len(joined):
        if at in starts:
            end, new = starts[at]
            texts[owner[at]] += new
            at = end
        else:
            texts[owner[at]] += joined[at]
            at += 1
    return tuple(replace(w, text=t) for w, t in zip(words, texts, strict=True) if t.strip())


def style_segment(segment: Segment) -> Segment:
    if not segment.words:
        return segment
    joined = "".join(w.text for w in segment.words)
    edits = number_edits(joined)
    if not edits:
        return segment
    words = rewrite_words(segment.words, edits)
    new = "".join(w.text for w in words)
    text = segment.text
    if text.strip() == joined.strip():
        text = text[: len(text) - len(text.lstrip())] + new.strip()
    else:
        chars = list(text)
        for start, end, replacement in reversed(number_edits(text)):
            chars[start:end] = replacement
        text = "".join(chars)
    return replace(segment, text=text, words=words)


def style_transcript(transcript: Transcript) -> Transcript:
    """A Chinese transcript with numbers and punctuation as GB/T 15835 and editors have them."""
    if transcript.language not in ("zh", "yue"):
        return transcript
    return replace(transcript, segments=tuple(style_segment(s) for s in transcript.segments))
