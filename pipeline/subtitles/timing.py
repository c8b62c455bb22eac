"""Cue timing against the profile: long enough to read, never crowding the next cue, never too long.

Used by drafting (after cues are cut from word timings) and by the safe fixes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import QCProfile
from pipeline.subtitles.width import reading_length

# A cue may appear this much before its first word when there is no room after its last one
# (viewers accept a subtitle slightly early far better than one that flashes).
MAX_LEAD_IN_MS = 250


def needed_ms(cue: Cue, profile: QCProfile) -> int:
    """How long `cue` must stay up: the minimum duration or its reading time, within the maximum."""
    reading = profile.reading_time_ms(reading_length(cue.flat))
    return min(max(profile.min_duration_ms, reading), profile.max_duration_ms)


def settle_timing(cues: Sequence[Cue], profile: QCProfile) -> tuple[Cue, ...]:
    """Adjust the times of cues (in start order) to the profile where that is possible.

    Each cue ends at least the minimum gap before the next starts; a cue too short to read is
    extended into the following silence, and if that is not enough, starts up to
    MAX_LEAD_IN_MS earlier when that is enough; a cue longer than the maximum is cut to it. Cues that cannot be made
    valid without moving a neighbour's start (two cues starting together) keep their problem for
    lint to report.
    """
    gap = profile.min_gap_ms
    out = list(cues)
    for i, cue in enumerate(out):
        start, end = cue.start_ms, cue.end_ms
        next_start = out[i + 1].start_ms if i + 1 < len(out) else None
        prev_end = out[i - 1].end_ms if i > 0 else None
        if next_start is not None and end > next_start - gap:
            if next_start - gap > start:
                end = next_start - gap
            elif next_start > start:
                end = min(end, next_start)
        need = needed_ms(cue, profile)
        if end - start < need:
            room_end = next_start - gap if next_start is not None else start + need
            end = max(end, min(start + need, room_end))
        if end - start < need:
            # only when that is enough: a partial move would be repeated by the next run
            earliest = max(0, start - MAX_LEAD_IN_MS, prev_end + gap if prev_end is not None else 0)
            if end - earliest >= need:
                start = min(start, end - need)
        if end - start > profile.max_duration_ms:
            end = start + profile.max_duration_ms
        out[i] = cue.with_times(start, end)
    return tuple(out)
