"""B-roll the machine proposes in a new cut list: a cutaway every so often, over a long sentence.

Pure: kept sentences in play order plus the B-roll clips (id, length) in index order give the cut
list with `broll` marks added. The rules (how often, how long, how much of the speaker stays on
screen at each end of the sentence) come from the template's `[broll]` table. The first kept
sentence is never covered: it carries the lower third. A sentence the editor already marked is
left as it is and counts as a cutaway. Clips are used in turn and each one plays on from where its
last cutaway ended (the last piece of a clip may be shorter), so the same picture does not come
back until a clip has been shown whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.edit.cut_list import BrollMark, CutList

STEP_MS = 100  # proposed times are round tenths, as an editor would type them


@dataclass(frozen=True, slots=True)
class BrollRules:
    every_ms: int  # programme time between cutaways (0: propose none)
    length_ms: int  # length of a proposed cutaway
    min_length_ms: int  # shorter room than this in a sentence: not covered
    margin_ms: int  # the speaker stays on screen this long at each end of a covered sentence


@dataclass(frozen=True, slots=True)
class BrollClip:
    clip_id: str
    duration_ms: int


def suggest_broll(cut: CutList, clips: Sequence[BrollClip], rules: BrollRules) -> tuple[CutList, int]:
    """The cut list with proposed B-roll marks, and how many were added."""
    usable = [clip for clip in clips if clip.duration_ms >= rules.min_length_ms]
    if rules.every_ms <= 0 or not usable:
        return cut, 0
    resume = {clip.clip_id: 0 for clip in usable}
    entries = list(cut.entries)
    since, turn, added, first = 0, 0, 0, True
    for k, entry in enumerate(entries):
        if not entry.keep:
            continue
        if first or entry.broll:
            first = False
            since = 0 if entry.broll else since + entry.duration_ms
            continue
        room = _down(entry.duration_ms - 2 * rules.margin_ms)
        length = min(rules.length_ms, room)
        if since < rules.every_ms or length < rules.min_length_ms:
            since += entry.duration_ms
            continue
        clip = usable[turn % len(usable)]
        in_ms, length = _take(clip, resume[clip.clip_id], length, rules.min_length_ms)
        resume[clip.clip_id] = in_ms + length
        at_ms = _down(rules.margin_ms + (room - length) // 2)
        entries[k] = replace(entry, broll=(BrollMark(clip.clip_id, in_ms, in_ms + length, at_ms),))
        since = entry.duration_ms - at_ms - length
        turn += 1
        added += 1
    return CutList(tuple(entries)), added


def _take(clip: BrollClip, resume_ms: int, length_ms: int, min_length_ms: int) -> tuple[int, int]:
    """(in, length) of the next cutaway from `clip`: on from `resume_ms`, shortened to what is left
    when that is still long enough, else from the clip's start again."""
    left = _down(clip.duration_ms - resume_ms)
    if left >= min_length_ms:
        return resume_ms, min(length_ms, left)
    return 0, min(length_ms, _down(clip.duration_ms))


def _down(ms: int) -> int:
    return max(0, ms) // STEP_MS * STEP_MS
