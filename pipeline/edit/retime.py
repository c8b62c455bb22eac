"""Subtitle cues from each clip's own (source) time into the episode's (output) time.

A cue follows the narration that carries its words: where the cut keeps its sound, it is shown at
the output time of that sound; where the cut removes its sound, it goes. A cue straddling a cut is
trimmed to what is kept (its approved text unchanged): the pieces of one cue that play back to back
in the output stay one cue; a trimmed remainder shorter than `min_ms` is dropped, as it could not
be read. A sentence used twice shows its cues twice. The result lies inside [0, duration_ms) and is
in order with no overlaps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.edit.timeline import AudioPiece
from pipeline.subtitles.cue import Cue

MIN_CUE_MS = 300


@dataclass(frozen=True, slots=True)
class _Fragment:
    key: tuple[str, int]  # (clip id, index of the cue in its clip)
    start_ms: int  # output time
    end_ms: int
    source_start_ms: int  # the part of the cue it shows, in source time
    source_end_ms: int
    trimmed: bool


def retime_cues(
    cues_by_clip: Mapping[str, Sequence[Cue]],
    pieces: Sequence[AudioPiece],
    duration_ms: int,
    *,
    min_ms: int = MIN_CUE_MS,
) -> tuple[Cue, ...]:
    fragments: list[_Fragment] = []
    originals: dict[tuple[str, int], Cue] = {}
    for piece in sorted(pieces, key=lambda p: p.start_ms):
        span = piece.source
        for index, cue in enumerate(cues_by_clip.get(span.clip_id, ())):
            start, end = max(cue.start_ms, span.in_ms), min(cue.end_ms, span.out_ms)
            if end <= start:
                continue
            key = (span.clip_id, index)
            originals[key] = cue
            offset = piece.start_ms - span.in_ms
            fragments.append(
                _Fragment(
                    key, start + offset, end + offset, start, end, (start, end) != (cue.start_ms, cue.end_ms)
                )
            )
    placed: list[tuple[Cue, bool]] = []
    for fragment in _join_back_to_back(fragments, originals):
        cue = originals[fragment.key]
        placed.append(
            (cue.with_times(max(0, fragment.start_ms), min(duration_ms, fragment.end_ms)), fragment.trimmed)
        )
    return _in_order([(cue, trimmed) for cue, trimmed in placed if cue.end_ms > cue.start_ms], min_ms)


def _join_back_to_back(
    fragments: Sequence[_Fragment], originals: Mapping[tuple[str, int], Cue]
) -> list[_Fragment]:
    """One cue whose middle was cut out, its two parts playing one after the other, stays one cue."""
    joined: list[_Fragment] = []
    for fragment in fragments:
        previous = joined[-1] if joined else None
        if previous is not None and previous.key == fragment.key and previous.end_ms == fragment.start_ms:
            cue = originals[fragment.key]
            cut_inside = previous.source_end_ms < cue.end_ms and fragment.source_start_ms > cue.start_ms
            if cut_inside and fragment.source_start_ms >= previous.source_end_ms:
                joined[-1] = _Fragment(
                    previous.key,
                    previous.start_ms,
                    fragment.end_ms,
                    previous.source_start_ms,
                    fragment.source_end_ms,
                    True,
                )
                continue
        joined.append(fragment)
    return joined


def _in_order(placed: list[tuple[Cue, bool]], min_ms: int) -> tuple[Cue, ...]:
    """Sort by time, end each cue no later than the next one starts, drop unreadable trimmed remainders."""
    placed.sort(key=lambda item: (item[0].start_ms, item[0].end_ms))
    result: list[Cue] = []
    for i, (cue, trimmed) in enumerate(placed):
        if i + 1 < len(placed) and placed[i + 1][0].start_ms < cue.end_ms:
            trimmed = True
            cue = cue.with_times(cue.start_ms, placed[i + 1][0].start_ms)
        if cue.end_ms <= cue.start_ms or (trimmed and cue.duration_ms < min_ms):
            continue
        result.append(cue)
    return tuple(result)
