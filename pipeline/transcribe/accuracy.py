"""How close a transcript is to what was said: character and word error rates.

Chinese is scored by character, in simplified script, with punctuation, symbols and whitespace
removed (the model's punctuation is not what is being measured), and numbers as they are read:
15 and 十五, 2021年 and 二零二一年, 3.5 and 三点五 count as the same (GB/T 15835 chooses between them
by style, not by what was said). English is scored by word,
lower-cased, punctuation removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pipeline.project.glossary import to_simplified


def _is_noise(char: str) -> bool:
    category = unicodedata.category(char)
    return char.isspace() or category[0] in ("P", "S", "Z", "C")


_YEAR = re.compile(r"(?<![\d.])(\d{4})(?=年)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_DIGITS = "零一二三四五六七八九"


def spoken_numbers(text: str) -> str:
    """Arabic numbers as Chinese numerals, as they are read: 2021年 -> 二零二一年, 3.5 -> 三点五."""
    if not any(c.isdigit() for c in text):
        return text
    import cn2an

    text = _THOUSANDS.sub("", text)
    text = _YEAR.sub(lambda m: "".join(_DIGITS[int(d)] for d in m.group(1)), text)
    text = _PERCENT.sub(lambda m: "百分之" + cn2an.an2cn(m.group(1)), text)
    return _NUMBER.sub(lambda m: cn2an.an2cn(m.group()), text)


def chinese_characters(text: str) -> str:
    """`text` as scored for CER: simplified script, numbers as read, no punctuation or whitespace."""
    return "".join(c for c in spoken_numbers(to_simplified(text)) if not _is_noise(c))


def english_words(text: str) -> tuple[str, ...]:
    """`text` as scored for WER: lower case, punctuation dropped (apostrophes kept), split on space."""
    kept = "".join(c if (c == "'" or not _is_noise(c)) else " " for c in text.lower())
    return tuple(kept.split())


def edit_distance(reference: Sequence, hypothesis: Sequence) -> int:
    """Levenshtein distance (substitutions, insertions, deletions each cost 1)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def character_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference length) in scored characters; sum these over takes for an overall CER."""
    ref, hyp = chinese_characters(reference), chinese_characters(hypothesis)
    return edit_distance(ref, hyp), len(ref)


def character_error_rate(reference: str, hypothesis: str) -> float:
    errors, length = character_errors(reference, hypothesis)
    return errors / length if length else float(bool(chinese_characters(hypothesis)))


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = english_words(reference), english_words(hypothesis)
    return edit_distance(ref, hyp) / len(ref) if ref else float(bool(hyp))
