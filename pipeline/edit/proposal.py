"""The machine's proposal for the cut list: every sentence, ticked unless it should go.

Left out (unticked, with the reason as a note): sentences that are only filler (嗯, 那个 …), false
starts (a sentence the speaker says again, complete, right after), and, when the material runs
over the target, the sentences of lowest value (short and unsure) until the episode fits.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.edit.cut_list import CutEntry, CutList
from pipeline.edit.sentences import Sentence, normalise
from pipeline.edit.template import Template
from pipeline.i18n import _


# the notes on unticked lines say why, in the interface language of the run that wrote the cut list
def filler_note() -> str:
    return _("filler")


def false_start_note() -> str:
    return _("false start: said again in the next sentence")


def over_target_note() -> str:
    return _("over target: lowest value")


SHORT_SENTENCE_MS = 2000  # below this a sentence carries less of the story


@dataclass(frozen=True, slots=True)
class Proposal:
    cut: CutList
    material_ms: int  # all sentences that are not filler or false starts
    target_ms: int


def propose(sentences: Sequence[Sentence], template: Template, target_ms: int) -> Proposal:
    """Sentences in play order (clips in index order, each in source order) to a ticked cut list."""
    notes = [filler_note() if s.filler else "" for s in sentences]
    for i, j in _next_spoken(sentences, notes):
        if is_false_start(sentences[i].text, sentences[j].text, template.cut.near_duplicate):
            notes[i] = false_start_note()
    material = sum(s.duration_ms for s, note in zip(sentences, notes) if not note)
    for i in _over_target(sentences, notes, template, target_ms):
        notes[i] = over_target_note()
    entries = tuple(
        CutEntry(clip_id=s.clip_id, in_ms=s.in_ms, out_ms=s.out_ms, text=s.text, keep=not note, note=note)
        for s, note in zip(sentences, notes)
    )
    return Proposal(cut=CutList(entries), material_ms=material, target_ms=target_ms)


def _next_spoken(sentences: Sequence[Sentence], notes: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j): j is the next non-filler sentence after i in the same clip."""
    pairs = []
    spoken = [i for i, note in enumerate(notes) if not note]
    for i, j in zip(spoken, spoken[1:]):
        if sentences[i].clip_id == sentences[j].clip_id:
            pairs.append((i, j))
    return pairs


def is_false_start(first: str, second: str, near: float) -> bool:
    """True when `first` is an abandoned try at `second`: a prefix of it, or nearly the same words."""
    a, b = normalise(first), normalise(second)
    if not a or not b:
        return False
    if len(a) < len(b) and b.startswith(a):
        return True
    if len(a) < 2:
        return False
    if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= near:
        return True
    # a restart that breaks off differently: "我们村里的" before "我们村的路修好了"
    return len(a) < len(b) and difflib.SequenceMatcher(None, a, b[: len(a)], autojunk=False).ratio() >= near


def sentence_value(sentence: Sentence) -> float:
    """How much a sentence is worth keeping: the model's confidence, less for very short ones."""
    return sentence.confidence * min(1.0, sentence.duration_ms / SHORT_SENTENCE_MS)


def episode_ms(narration_ms: int, template: Template) -> int:
    return narration_ms + template.cards_ms


def _over_target(
    sentences: Sequence[Sentence], notes: list[str], template: Template, target_ms: int
) -> list[int]:
    """Indices to untick, lowest value first, until the episode fits the target (never below the minimum)."""
    kept = [i for i, note in enumerate(notes) if not note]
    length = episode_ms(sum(sentences[i].duration_ms for i in kept), template)
    dropped: list[int] = []
    # the opening sentence introduces the speaker: it stays
    candidates = sorted(kept[1:], key=lambda i: (sentence_value(sentences[i]), -i))
    for i in candidates:
        if length <= target_ms:
            break
        shorter = length - sentences[i].duration_ms
        if shorter < template.length.min_ms:
            continue
        dropped.append(i)
        length = shorter
    return dropped
