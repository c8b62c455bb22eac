"""Simplified script and Chinese punctuation for Chinese transcripts.

Whisper writes Mandarin in traditional characters much of the time (its training data mixes both
under the one `zh` code), and often with half-width commas (`立会,`). OpenCC's t2s converts by
phrase, so each segment is converted as a whole, and its words are converted together and cut back
at their old boundaries: a word then reads the same as the sentence it came from, and every timing
stays where it was. Half-width marks touching a Chinese character become full-width (，？！：；),
as simplified-Chinese subtitles write them; `3.5` and `1,000` between digits stay.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.project.glossary import to_simplified  # one OpenCC converter for the whole pipeline
from pipeline.transcribe.engine import Transcription
from pipeline.transcribe.transcript import Segment, Word

CHINESE_CODES = ("zh", "yue")  # Whisper's codes for Mandarin and Cantonese
FULL_WIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_HAN = r"[\u3400-\u9fff\uf900-\ufaff]"
_HALF_WIDTH_BY_HAN = re.compile(rf"(?<={_HAN})[,?!:;]|[,?!:;](?={_HAN})")


def chinese_punctuation(text: str) -> str:
    """Half-width , ? ! : ; next to a Chinese character made full-width (one character for one)."""
    return _HALF_WIDTH_BY_HAN.sub(lambda m: FULL_WIDTH[m.group()], text)


def normalise_chinese(text: str) -> str:
    return chinese_punctuation(to_simplified(text))


def has_traditional(text: str) -> bool:
    return to_simplified(text) != text


def simplify_words(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """The words in simplified script and Chinese punctuation, converted in context, timings untouched."""
    if not words:
        return words
    joined = "".join(w.text for w in words)
    converted = normalise_chinese(joined)
    if len(converted) != len(joined):  # a phrase changed length: fall back to word by word
        return tuple(replace(w, text=normalise_chinese(w.text)) for w in words)
    out, at = [], 0
    for w in words:
        out.append(replace(w, text=converted[at : at + len(w.text)]))
        at += len(w.text)
    return tuple(out)


def simplify_segment(segment: Segment) -> Segment:
    return replace(segment, text=normalise_chinese(segment.text), words=simplify_words(segment.words))


def simplify_transcription(transcription: Transcription) -> Transcription:
    """For Chinese: every segment and word in simplified script and Chinese punctuation.

    Other languages pass unchanged."""
    if transcription.language not in CHINESE_CODES:
        return transcription
    return replace(transcription, segments=tuple(simplify_segment(s) for s in transcription.segments))
