"""How wide subtitle text is, in the units the Chinese subtitle rules count.

docs/specs.md counts a Chinese character (and full-width punctuation) as 1 and a Latin letter, digit,
space or half-width punctuation mark as 0.5, both for characters per line and for reading speed.
"""

from __future__ import annotations

import unicodedata

# docs/specs.md "Chinese subtitles": Latin letters and half-width punctuation count 0.5
HALF_WIDTH_WEIGHT = 0.5

# Opening marks stay with what follows, closing marks with what precedes: never break next to them.
OPENING = "《“‘（(「『【〈[{"
CLOSING = "》”’）)」』】〉]}，。、；：？！…—,.;:?!%"
# A break right after one of these reads as a natural pause.
PAUSE_PUNCTUATION = "，。、；：？！…,.;:?!"
SENTENCE_END = "。！？!?…."
CLAUSE_END = "，、；：,;:—"


def char_weight(char: str) -> float:
    """1 for wide (CJK) characters, 0.5 for half-width ones, 0 for combining marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Cf"):
        return 0.0
    # "A" (ambiguous) covers “” · … —, which Chinese fonts draw full-width
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F", "A") else HALF_WIDTH_WEIGHT


def display_width(text: str) -> float:
    """The width of one line as the characters-per-line rule counts it (spaces included)."""
    return sum(char_weight(c) for c in text)


def reading_length(text: str) -> float:
    """The characters a viewer reads, as the reading-speed rule counts them (whitespace excluded)."""
    return sum(char_weight(c) for c in text if not c.isspace())


def is_wide(char: str) -> bool:
    """A Chinese character or full-width mark."""
    return char_weight(char) == 1.0


def is_half_width_word_char(char: str) -> bool:
    """A Latin letter or digit: runs of these form words that are never split."""
    return (char.isascii() and char.isalnum()) or (char.isalpha() and not is_wide(char))


def format_width(width: float) -> str:
    """16 or 15.5, never 16.0."""
    return f"{width:g}"
