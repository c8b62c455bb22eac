"""The Timeline for editing suites (EDIUS, Premiere, Resolve), written with OpenTimelineIO.

Tracks: V1 the picture (interview and B-roll clips pointing at the footage files; the title and
credits cards as named gaps, since the cards are drawn at render time), A1 the narration, A2 the
music bed. Subtitles and the lower third travel as markers on the V1 item they start in.

Per format:
- `otio`: everything above, with the card crossfades as dissolves.
- `fcpxml`: everything above except the dissolves (the adapter does not write transitions).
- `edl` (CMX 3600): one video track and nothing else. The format has no room for several tracks,
  for markers carrying Chinese text or for file paths, so it lists the picture cuts, each with a
  reel name made from the clip id (int-001 -> INT001) and the clip name in a comment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from pipeline.edit.compile import compile_timeline, length_problem
from pipeline.edit.template import load_template
from pipeline.edit.timeline import Shot, SourceSpan, Timeline
from pipeline.errors import EditError, SubtitleError
from pipeline.project.files import atomic_write_text
from pipeline.project.footage import load_footage
from pipeline.project.model import Project


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    adapter: str
    suffix: str
    audio: bool
    markers: bool
    transitions: bool


FORMATS = {
    "otio": ExportFormat("otio", "otio_json", ".otio", audio=True, markers=True, transitions=True),
    "fcpxml": ExportFormat("fcpxml", "fcpx_xml", ".fcpxml", audio=True, markers=True, transitions=False),
    "edl": ExportFormat("edl", "cmx_3600", ".edl", audio=False, markers=False, transitions=False),
}
REEL_LENGTH = 8


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    timeline: Timeline
    length_note: str | None  # the length rule's complaint, if any (an export does not refuse for it)


def export_project(
    project: Project, format_name: str, output: Path | None = None, *, subtitles: str = "approved"
) -> ExportResult:
    """Compile the project's Timeline and write it in `format_name` (default `exports/timeline.<ext>`)."""
    spec = FORMATS[format_name]
    template = load_template(project.template, project.overrides)
    try:
        timeline = compile_timeline(project, subtitles=subtitles, template=template, check_length=False)
    except SubtitleError as exc:
        raise SubtitleError(
            f"{exc}; or export with --subtitles working (drafts) or --subtitles none"
        ) from None
    lengths = {clip.path(project): clip.facts.duration_ms for clip in load_footage(project)}
    path = Path(output) if output is not None else project.exports_dir / f"timeline{spec.suffix}"
    text = export_text(timeline, spec, lengths)
    atomic_write_text(path, text)
    return ExportResult(
        path, timeline, length_problem(timeline.duration_ms, template.length, project.cut_list)
    )


def export_text(
    timeline: Timeline, spec: ExportFormat, media_lengths: Mapping[Path, int] | None = None
) -> str:
    document = to_otio(timeline, spec, media_lengths or {})
    try:
        if spec.adapter == "cmx_3600":
            return str(
                otio.adapters.write_to_string(document, adapter_name=spec.adapter, rate=float(timeline.fps))
            )
        return str(otio.adapters.write_to_string(document, adapter_name=spec.adapter))
    except otio.exceptions.OTIOError as exc:
        raise EditError(f"cannot write the timeline as {spec.name} ({exc}); try --format otio") from None


def to_otio(
    timeline: Timeline, spec: ExportFormat, media_lengths: Mapping[Path, int]
) -> otio.schema.Timeline:
    clock = _Clock(timeline.fps)
    name = timeline.title if spec.name != "edl" else _ascii(timeline.title) or "EPISODE"
    document = otio.schema.Timeline(name=name)
    document.global_start_time = clock.time(0)
    picture = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    reels: dict[str, str] = {}
    for shot in timeline.shots:
        if spec.transitions and shot.transition_ms and len(picture):
            picture.append(
                otio.schema.Transition(
                    name="crossfade",
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=clock.time(0),
                    out_offset=clock.span(shot.start_ms, shot.start_ms + shot.transition_ms),
                )
            )
        picture.append(_picture_item(shot, clock, media_lengths, reels if spec.name == "edl" else None))
    document.tracks.append(picture)
    if spec.audio:
        document.tracks.append(_narration(timeline, clock, media_lengths))
        if timeline.music is not None:
            document.tracks.append(_music(timeline, clock, media_lengths))
    if spec.markers:
        _add_markers(timeline, picture, clock)
    return document


class _Clock:
    """Integer ms to OTIO times at the timeline rate, landing on frames."""

    def __init__(self, fps: Fraction) -> None:
        self.fps = fps
        self.rate = float(fps)

    def frames(self, ms: int) -> int:
        return round(Fraction(ms) * self.fps / 1000)

    def time(self, ms: int) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(self.frames(ms), self.rate)

    def span(self, start_ms: int, end_ms: int) -> otio.opentime.RationalTime:
        """The length of [start, end) in whole frames (boundaries rounded, so spans add up)."""
        return otio.opentime.RationalTime(self.frames(end_ms) - self.frames(start_ms), self.rate)

    def range(
        self, start_ms: int, end_ms: int, *, source_in_ms: int | None = None
    ) -> otio.opentime.TimeRange:
        start = self.time(start_ms if source_in_ms is None else source_in_ms)
        return otio.opentime.TimeRange(start, self.span(start_ms, end_ms))


def _picture_item(
    shot: Shot, clock: _Clock, media_lengths: Mapping[Path, int], reels: dict[str, str] | None
) -> Any:
    if shot.card is not None:
        gap = _gap(shot.start_ms, shot.end_ms, clock)
        gap.name = f"{shot.card.kind} card"
        gap.metadata["pipeline"] = {"card": shot.card.kind, "lines": list(shot.card.lines)}
        return gap
    assert shot.source is not None  # a shot shows a card or footage
    return _clip(shot.source, shot.start_ms, shot.end_ms, clock, media_lengths, reels)


def _clip(
    span: SourceSpan,
    start_ms: int,
    end_ms: int,
    clock: _Clock,
    media_lengths: Mapping[Path, int],
    reels: dict[str, str] | None = None,
) -> otio.schema.Clip:
    length = media_lengths.get(span.path)
    available = clock.range(0, length) if length else None
    reference = otio.schema.ExternalReference(target_url=span.path.as_uri(), available_range=available)
    clip = otio.schema.Clip(
        name=span.clip_id,
        media_reference=reference,
        source_range=clock.range(start_ms, end_ms, source_in_ms=span.in_ms),
    )
    clip.metadata["pipeline"] = {"clip_id": span.clip_id}
    if reels is not None:
        clip.metadata["cmx_3600"] = {"reel": reel_name(span.clip_id, reels)}
    return clip


def reel_name(clip_id: str, reels: dict[str, str]) -> str:
    """CMX 3600 reels are at most 8 letters and digits: int-001 -> INT001, unique per clip."""
    if clip_id in reels:
        return reels[clip_id]
    reel = re.sub(r"[^A-Za-z0-9]", "", clip_id).upper()[:REEL_LENGTH] or "AX"
    if reel in reels.values():
        reel = f"R{len(reels) + 1:03d}"
    reels[clip_id] = reel
    return reel


def _gap(start_ms: int, end_ms: int, clock: _Clock) -> otio.schema.Gap:
    return otio.schema.Gap(source_range=otio.opentime.TimeRange(clock.time(0), clock.span(start_ms, end_ms)))


def _narration(timeline: Timeline, clock: _Clock, media_lengths: Mapping[Path, int]) -> otio.schema.Track:
    track = otio.schema.Track(name="A1 narration", kind=otio.schema.TrackKind.Audio)
    position = 0
    for piece in timeline.audio:
        if piece.start_ms > position:
            track.append(_gap(position, piece.start_ms, clock))
        track.append(_clip(piece.source, piece.start_ms, piece.end_ms, clock, media_lengths))
        position = piece.end_ms
    if timeline.duration_ms > position:
        track.append(_gap(position, timeline.duration_ms, clock))
    return track


def _music(timeline: Timeline, clock: _Clock, media_lengths: Mapping[Path, int]) -> otio.schema.Track:
    music = timeline.music
    assert music is not None  # called only for a timeline with a music bed
    track = otio.schema.Track(name="A2 music", kind=otio.schema.TrackKind.Audio)
    if music.start_ms > 0:
        track.append(_gap(0, music.start_ms, clock))
    span = SourceSpan("music", music.path, 0, music.end_ms - music.start_ms)
    clip = _clip(span, music.start_ms, music.end_ms, clock, media_lengths)
    clip.name = music.path.stem
    clip.metadata["pipeline"].update({"gain_db": music.gain_db, "duck": music.duck, "fade_ms": music.fade_ms})
    track.append(clip)
    return track


def _add_markers(timeline: Timeline, picture: otio.schema.Track, clock: _Clock) -> None:
    """Subtitles and the lower third as markers on the picture item each starts in."""
    notes = [
        (cue.start_ms, cue.end_ms, cue.flat, otio.schema.MarkerColor.YELLOW, "subtitle")
        for cue in timeline.cues
    ]
    notes += [
        (o.start_ms, o.start_ms + o.duration_ms, " / ".join(o.lines), otio.schema.MarkerColor.BLUE, o.kind)
        for o in timeline.overlays
    ]
    items = [item for item in picture if not isinstance(item, otio.schema.Transition)]
    for start_ms, end_ms, text, colour, kind in sorted(notes):
        frame = clock.frames(start_ms)
        for item in items:
            placed = picture.range_of_child(item)
            first = placed.start_time.value
            last = first + placed.duration.value
            if first <= frame < last:
                length = max(1, min(clock.frames(end_ms), last) - frame)
                marked = otio.opentime.TimeRange(
                    otio.opentime.RationalTime(
                        item.source_range.start_time.value + frame - first, clock.rate
                    ),
                    otio.opentime.RationalTime(length, clock.rate),
                )
                item.markers.append(
                    otio.schema.Marker(
                        name=text, marked_range=marked, color=colour, metadata={"pipeline": {"kind": kind}}
                    )
                )
                break


def _ascii(text: str) -> str:
    return re.sub(r"[^ -~]", "", text).strip()
