"""Script and glossary: simplified characters only, and the transcriber's known wrong forms corrected.

OpenCC converts whole phrases (乾隆 stays, 乾淨 becomes 干净), so traditional characters are found by
converting a whole line and comparing position by position, never character by character.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.project.glossary import to_simplified
from pipeline.project.model import Glossary


def traditional_chars(text: str) -> tuple[str, ...]:
    """The traditional characters in `text`, in order of appearance, each once."""
    converted = to_simplified(text)
    if len(converted) == len(text):
        changed = (a for a, b in zip(text, converted) if a != b)
    else:  # a phrase changed length: fall back to the characters the phrase-level result lacks
        changed = (c for c in text if c not in converted)
    return tuple(dict.fromkeys(changed))


@dataclass(frozen=True, slots=True)
class TermHit:
    wrong: str
    right: str
    count: int


def _wrong_positions(text: str, wrong: str, right: str) -> list[int]:
    """Where `wrong` occurs outside any occurrence of `right` (王建 inside 王建华 is not a mistake)."""
    protected: set[int] = set()
    start = text.find(right)
    while start >= 0:
        protected.update(range(start, start + len(right)))
        start = text.find(right, start + 1)
    hits = []
    start = text.find(wrong)
    while start >= 0:
        if not protected.intersection(range(start, start + len(wrong))):
            hits.append(start)
            start = text.find(wrong, start + len(wrong))
        else:
            start = text.find(wrong, start + 1)
    return hits


def wrong_forms_in(text: str, glossary: Glossary | None) -> tuple[TermHit, ...]:
    """The glossary's wrong forms that occur in `text`."""
    if glossary is None:
        return ()
    hits = []
    for wrong, right in glossary.wrong_forms:
        count = len(_wrong_positions(text, wrong, right))
        if count:
            hits.append(TermHit(wrong, right, count))
    return tuple(hits)


def correct_terms(text: str, glossary: Glossary | None) -> str:
    """`text` with every glossary wrong form replaced by its right form (longest wrong forms first)."""
    if glossary is None:
        return text
    for wrong, right in sorted(glossary.wrong_forms, key=lambda pair: -len(pair[0])):
        positions = _wrong_positions(text, wrong, right)
        for start in reversed(positions):
            text = text[:start] + right + text[start + len(wrong) :]
    return text


def protected_terms(glossary: Glossary | None) -> tuple[str, ...]:
    """Names and terms that line breaking must keep on one line (王建华, 第一书记...)."""
    if glossary is None:
        return ()
    return tuple(dict.fromkeys((*glossary.terms, *(right for _, right in glossary.wrong_forms))))
