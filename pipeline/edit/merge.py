"""Rerunning `pipeline cut`: keep the editor's choices, refresh from the transcript.

A line of the edited cut list is the same sentence as a proposed one when both have the same clip
and the same words (punctuation and spaces aside); the editor's tick, place, times and B-roll marks
are kept and only the text and the machine's note are refreshed. A line whose words are no longer
in the transcript is matched to the sentences its times overlap and reported as changed; one that
overlaps nothing is kept as written and reported. Proposed sentences no line claims are new: they
are added unticked next to their neighbours in the clip, so a rerun never changes the episode
behind the editor's back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.edit.clock import format_clock
from pipeline.edit.cut_list import CutEntry, CutList
from pipeline.edit.sentences import normalise
from pipeline.i18n import _


def new_note() -> str:
    """The note on a line the transcript gained since the cut list was written."""
    return _("new in the transcript")


@dataclass(frozen=True, slots=True)
class MergeResult:
    cut: CutList
    changed: tuple[str, ...] = ()  # lines whose sentence changed in the transcript
    missing: tuple[str, ...] = ()  # lines whose sentence is gone (kept as written)
    added: int = 0  # new sentences, added unticked


def merge_cut_lists(edited: CutList, proposed: CutList) -> MergeResult:
    candidates = list(proposed.entries)
    claimed = [False] * len(candidates)
    by_words: dict[tuple[str, str], list[int]] = {}
    for i, entry in enumerate(candidates):
        by_words.setdefault((entry.clip_id, normalise(entry.text)), []).append(i)

    merged: list[CutEntry] = []
    changed: list[str] = []
    missing: list[str] = []
    for line in edited.entries:
        same = by_words.get((line.clip_id, normalise(line.text)), [])
        if same and normalise(line.text):
            free = [i for i in same if not claimed[i]] or same  # a line used twice matches twice
            i = min(free, key=lambda k: abs(candidates[k].in_ms - line.in_ms))
            claimed[i] = True
            merged.append(_refreshed(line, candidates[i], candidates[i].text))
            continue
        overlapping = _overlapping(line, candidates)
        if overlapping:
            for i in overlapping:
                claimed[i] = True
            text = "".join(candidates[i].text for i in overlapping)
            changed.append(
                _("line {line}: {clip} {at} now reads 「{text}」 (was 「{was}」); check its times").format(
                    line=line.line, clip=line.clip_id, at=format_clock(line.in_ms), text=text, was=line.text
                )
            )
            merged.append(_refreshed(line, candidates[overlapping[0]], text))
            continue
        missing.append(
            _(
                "line {line}: {clip} {at} 「{text}」 is not in the transcript any more; kept as you wrote it"
            ).format(line=line.line, clip=line.clip_id, at=format_clock(line.in_ms), text=line.text)
        )
        merged.append(line)

    added = 0
    for i, entry in enumerate(candidates):
        if claimed[i]:
            continue
        merged.insert(
            _insertion_point(merged, entry), replace(entry, keep=False, note=entry.note or new_note())
        )
        added += 1
    return MergeResult(CutList(tuple(merged)), tuple(changed), tuple(missing), added)


def _refreshed(line: CutEntry, proposed: CutEntry, text: str) -> CutEntry:
    # the machine's note only explains a line that both the machine and the editor leave out
    note = proposed.note if not line.keep and not proposed.keep else ""
    return replace(line, text=text, note=note)


def _overlapping(line: CutEntry, candidates: list[CutEntry]) -> list[int]:
    """Sentences of the same clip mostly inside the line's times (or the one it overlaps most)."""
    overlaps = []
    for i, entry in enumerate(candidates):
        if entry.clip_id != line.clip_id:
            continue
        shared = min(entry.out_ms, line.out_ms) - max(entry.in_ms, line.in_ms)
        if shared > 0:
            overlaps.append((i, shared, entry.duration_ms))
    mostly = [i for i, shared, length in overlaps if shared * 2 > length]
    if mostly:
        return mostly
    return [max(overlaps, key=lambda o: o[1])[0]] if overlaps else []


def _insertion_point(merged: list[CutEntry], entry: CutEntry) -> int:
    """After the last line of the same clip that starts no later; else before its first line; else at the end."""
    same_clip = [k for k, line in enumerate(merged) if line.clip_id == entry.clip_id]
    earlier = [k for k in same_clip if merged[k].in_ms <= entry.in_ms]
    if earlier:
        latest = max(merged[k].in_ms for k in earlier)
        return max(k for k in earlier if merged[k].in_ms == latest) + 1
    if same_clip:
        return same_clip[0]
    return len(merged)
