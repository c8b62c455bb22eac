"""Placing the ticked sentences in output time: the pure maths of the programme.

Every boundary lands on a frame of the timeline rate (the render cuts pictures on frames, and the
sound must cut at the same instants to stay in sync). Each sentence's narration plays whole; its
picture is the interview, except where B-roll is marked: a mark starts at the sentence's start (or
its `@` offset, or where the previous mark ended), runs for its own length and stops at the
sentence's end; an interview remainder shorter than the template's minimum shot after a mark is
covered by running the B-roll on, when the B-roll clip has the material. Pieces that continue each
other in the source (two sentences kept in a row with nothing cut between) are joined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from pipeline.edit.clock import format_clock
from pipeline.edit.timeline import AudioPiece, Shot, SourceSpan
from pipeline.errors import EditError
from pipeline.i18n import _


@dataclass(frozen=True, slots=True)
class Cutaway:
    """A B-roll mark resolved to its file."""

    span: SourceSpan
    at_ms: int | None = None  # offset from the sentence's start
    line: int = 0


@dataclass(frozen=True, slots=True)
class Beat:
    """A ticked sentence resolved to its file: its narration and the B-roll over it."""

    narration: SourceSpan
    cutaways: tuple[Cutaway, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Programme:
    shots: tuple[Shot, ...]  # contiguous from start_ms to end_ms
    audio: tuple[AudioPiece, ...]
    start_ms: int
    end_ms: int


def frame_at(ms: int, fps: Fraction) -> int:
    return round(Fraction(ms) * fps / 1000)


def ms_at(frame: int, fps: Fraction) -> int:
    return round(Fraction(frame) * 1000 / fps)


def frames_for(duration_ms: int, fps: Fraction) -> int:
    return max(1, frame_at(duration_ms, fps))


def place_programme(
    beats: Sequence[Beat],
    *,
    start_ms: int,
    fps: Fraction,
    min_shot_ms: int = 0,
    clip_lengths: Mapping[str, int] | None = None,
    source: str = "cut.md",
) -> Programme:
    """Lay the beats end to end from `start_ms` (rounded to a frame)."""
    lengths = clip_lengths or {}
    shots: list[Shot] = []
    audio: list[AudioPiece] = []
    cursor = frame_at(start_ms, fps)
    first_frame = cursor
    for beat in beats:
        f0 = cursor
        f1 = f0 + frames_for(beat.narration.duration_ms, fps)
        t0 = ms_at(f0, fps)
        audio.append(AudioPiece(start_ms=t0, source=_from(beat.narration, 0, ms_at(f1, fps) - t0)))
        shots.extend(
            _beat_shots(
                beat, f0, f1, fps, frames_for(min_shot_ms, fps) if min_shot_ms else 0, lengths, source
            )
        )
        cursor = f1
    return Programme(
        shots=join_shots(shots),
        audio=join_audio(audio),
        start_ms=ms_at(first_frame, fps),
        end_ms=ms_at(cursor, fps),
    )


def _beat_shots(
    beat: Beat, f0: int, f1: int, fps: Fraction, min_shot_frames: int, lengths: Mapping[str, int], source: str
) -> list[Shot]:
    t0 = ms_at(f0, fps)

    def interview(a: int, b: int) -> Shot:
        start, end = ms_at(a, fps), ms_at(b, fps)
        return Shot(start, end - start, source=_from(beat.narration, start - t0, end - start))

    shots: list[Shot] = []
    position = f0
    for cutaway in beat.cutaways:
        at = position if cutaway.at_ms is None else max(position, f0 + frame_at(cutaway.at_ms, fps))
        if at >= f1:
            raise EditError(
                _(
                    "{source} line {line}: the B-roll would start after its sentence ends (the sentence lasts {length}); move the mark or shorten its @ offset"
                ).format(source=source, line=cutaway.line, length=format_clock(ms_at(f1, fps) - t0))
            )
        end = min(f1, at + frames_for(cutaway.span.duration_ms, fps))
        if at > position:
            shots.append(interview(position, at))
        start_ms, end_ms = ms_at(at, fps), ms_at(end, fps)
        shots.append(Shot(start_ms, end_ms - start_ms, source=_from(cutaway.span, 0, end_ms - start_ms)))
        position = end
    if position < f1:
        last = shots[-1] if beat.cutaways and shots and shots[-1].end_ms == ms_at(position, fps) else None
        if (
            last is not None
            and f1 - position < min_shot_frames
            and _can_run_on(last, ms_at(f1, fps), lengths)
        ):
            span = last.source
            assert span is not None  # shots placed here show footage, never a card
            shots[-1] = replace(
                last,
                duration_ms=ms_at(f1, fps) - last.start_ms,
                source=_from(span, 0, ms_at(f1, fps) - last.start_ms),
            )
        else:
            shots.append(interview(position, f1))
    return shots


def _can_run_on(shot: Shot, end_ms: int, lengths: Mapping[str, int]) -> bool:
    span = shot.source
    if span is None:
        return False
    available = lengths.get(span.clip_id)
    return available is not None and span.in_ms + (end_ms - shot.start_ms) <= available


def _from(span: SourceSpan, offset_ms: int, duration_ms: int) -> SourceSpan:
    """`duration_ms` of `span`'s clip starting `offset_ms` into the span."""
    start = span.in_ms + offset_ms
    return SourceSpan(span.clip_id, span.path, start, start + duration_ms)


def _continues(a: SourceSpan, b: SourceSpan) -> bool:
    return a.clip_id == b.clip_id and a.path == b.path and a.out_ms == b.in_ms


def join_shots(shots: Sequence[Shot]) -> tuple[Shot, ...]:
    joined: list[Shot] = []
    for shot in shots:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.source is not None
            and shot.source is not None
            and shot.transition_ms == 0
            and previous.end_ms == shot.start_ms
            and _continues(previous.source, shot.source)
        ):
            span = previous.source
            joined[-1] = replace(
                previous,
                duration_ms=previous.duration_ms + shot.duration_ms,
                source=SourceSpan(span.clip_id, span.path, span.in_ms, shot.source.out_ms),
            )
        else:
            joined.append(shot)
    return tuple(joined)


def join_audio(pieces: Sequence[AudioPiece]) -> tuple[AudioPiece, ...]:
    joined: list[AudioPiece] = []
    for piece in pieces:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.end_ms == piece.start_ms
            and previous.gain_db == piece.gain_db
            and _continues(previous.source, piece.source)
        ):
            span = previous.source
            joined[-1] = replace(
                previous, source=SourceSpan(span.clip_id, span.path, span.in_ms, piece.source.out_ms)
            )
        else:
            joined.append(piece)
    return tuple(joined)
