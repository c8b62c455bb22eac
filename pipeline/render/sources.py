"""How the render opens its source files: one input per used span, seeked on the input side.

Each span of footage is opened with `-ss IN -t LENGTH -i FILE`: ffmpeg seeks to the keyframe before
IN and decodes only what the edit uses. The alternative (open each file once and `trim` inside the
graph) decodes every frame from the file's start to the last used one and, when the editor reorders
sentences, holds the early-decoded spans in memory until their turn: a 30-minute interview cut to
4 minutes would be decoded whole. A picture span and a narration span starting at the same source
point share one input (one demux, one decode per stream).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.edit.timeline import SourceSpan, Timeline
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts
from pipeline.render.filters import InputSpec, seconds

# decoded beyond the span's end, so frame rounding and resampling never run short
INPUT_MARGIN_MS = 120
# Containers without a seek index (AVCHD's MPEG-TS): ffmpeg's seek lands on any packet, and the
# decoder shows nothing until the next keyframe, so the picture would start late. Seek this much
# earlier (longer than any camera's GOP) and cut the pre-roll inside the graph.
UNINDEXED_CONTAINERS = frozenset({"mpegts", "mpeg", "mpegvideo", "h264", "hevc", "m4v"})
PRE_ROLL_MS = 3000

Facts = Mapping[Path, MediaFacts]  # probe facts of every file the timeline uses


def frame_at(ms: int, fps: Fraction) -> int:
    """The output frame that starts at (or nearest to) `ms`: frame counts are taken from the
    rounded start times of shots, so they add up to the programme's length exactly."""
    exact = Fraction(ms) * fps / 1000
    return math.floor(exact + Fraction(1, 2))  # floor: a chunk's lower third may start before 0


def transition_frames(ms: int, fps: Fraction) -> int:
    return frame_at(ms, fps) if ms > 0 else 0


def facts_for(facts: Facts, path: Path) -> MediaFacts:
    try:
        return facts[path]
    except KeyError:
        raise RenderError(
            _("{path}: no probe facts for this source; re-ingest it with `pipeline ingest`").format(path=path)
        ) from None


def needed_lengths(timeline: Timeline) -> dict[tuple[Path, int], int]:
    """How much of each (file, in point) the timeline reads, in ms: picture spans include the
    extra material a crossfade to the next shot plays under the incoming picture."""
    needed: dict[tuple[Path, int], int] = {}

    def need(span: SourceSpan, length_ms: int) -> None:
        key = (span.path, span.in_ms)
        needed[key] = max(needed.get(key, 0), length_ms)

    shots = timeline.shots
    for i, shot in enumerate(shots):
        if shot.source is None:
            continue
        following = shots[i + 1].transition_ms if i + 1 < len(shots) else 0
        need(shot.source, shot.duration_ms + following)
    for piece in timeline.audio:
        need(piece.source, piece.source.duration_ms)
    return needed


@dataclass(frozen=True, slots=True)
class SpanInput:
    """How a span is opened: the input, and how much decoded material precedes the span's in point."""

    spec: InputSpec
    skip_ms: int = 0


def span_input(span: SourceSpan, needed: Mapping[tuple[Path, int], int], facts: Facts) -> SpanInput:
    """The `-ss/-t/-i` of a span; the same arguments for its picture and its sound."""
    clip = facts_for(facts, span.path)
    if span.in_ms >= clip.duration_ms:
        raise RenderError(
            _(
                "{path}: the edit starts at {start} s but {clip} lasts only {length} s; fix the cut list (cut.md)"
            ).format(
                path=span.path,
                start=f"{span.in_ms / 1000:.3f}",
                clip=span.clip_id,
                length=f"{clip.duration_ms / 1000:.3f}",
            )
        )
    skip = min(span.in_ms, PRE_ROLL_MS) if clip.container in UNINDEXED_CONTAINERS else 0
    seek = span.in_ms - skip
    length = needed.get((span.path, span.in_ms), span.duration_ms) + INPUT_MARGIN_MS + skip
    length = min(length, clip.duration_ms - seek)
    options: tuple[str, ...] = ("-t", seconds(length))
    if seek > 0:
        options = ("-ss", seconds(seek), *options)
    return SpanInput(InputSpec(span.path, options), skip)


def runs_short(span: SourceSpan, length_ms: int, facts: Facts, fps: Fraction) -> bool:
    """True when the file ends within a frame of what the span needs (pad by repeating the last frame)."""
    frame_ms = Fraction(1000) / fps
    return span.in_ms + length_ms + frame_ms > facts_for(facts, span.path).duration_ms
