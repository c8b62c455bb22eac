"""The Timeline for editing suites (EDIUS, Premiere, Resolve), written with OpenTimelineIO.

Tracks: V1 the picture (interview and B-roll clips pointing at the footage files; the title and
credits cards as stills, PNGs written beside the export, or as generators when no drawing is given),
A1 the narration, A2 the music bed. Subtitles and the lower third travel as markers on the V1 item
they start in.

Source times are the camera's: a clip whose file carries a start timecode (QuickTime `tmcd`, the
`timecode` tag) is referenced from that timecode, so EDIUS or Premiere relinks to the camera
originals; the available range of each file starts there too. Each clip's real frame size and rate
travel in its metadata, and in FCPXML as a `<format>` per source (width, height, frameDuration).

Per format:
- `otio`: everything above, with the crossfades as dissolves.
- `fcpxml`: everything above; the adapter writes no transitions, so the dissolves are added to the
  spine afterwards (`<transition>` at the cut), with formats carrying width and height.
- `edl` (CMX 3600): one video track: cuts and dissolves (D), reel names made from the clip id
  (int-001 -> INT001), the cards as TITLE/CREDITS events; no audio, markers or Chinese text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from pipeline.edit.compile import compile_timeline, length_problem
from pipeline.edit.fcpxml import fcpxml_finish
from pipeline.edit.template import load_template
from pipeline.edit.timeline import Card, Shot, SourceSpan, Timeline
from pipeline.errors import EditError, SubtitleError
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts
from pipeline.project.files import atomic_write_bytes, atomic_write_text
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
    "fcpxml": ExportFormat("fcpxml", "fcpx_xml", ".fcpxml", audio=True, markers=True, transitions=True),
    "edl": ExportFormat("edl", "cmx_3600", ".edl", audio=False, markers=False, transitions=True),
}
STILL_HOURS = 1  # a card still's available range (any length an editor may stretch it to)
REEL_LENGTH = 8


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    timeline: Timeline
    length_note: str | None  # the length rule's complaint, if any (an export does not refuse for it)


def export_project(
    project: Project,
    format_name: str,
    output: Path | None = None,
    *,
    subtitles: str = "approved",
    draw_card: Callable[[Card, Timeline], Path] | None = None,
) -> ExportResult:
    """Compile the project's Timeline and write it in `format_name` (default `exports/timeline.<ext>`).

    `draw_card`: draws a card as a PNG (the render stage's painter, passed in by the command); the
    cards are then copied beside the export as `<name>-title.png`, `<name>-credits.png`."""
    spec = FORMATS[format_name]
    template = load_template(project.template, project.overrides)
    try:
        timeline = compile_timeline(project, subtitles=subtitles, template=template, check_length=False)
    except SubtitleError as exc:
        raise SubtitleError(
            _("{exc}; or export with --subtitles working (drafts) or --subtitles none").format(exc=exc)
        ) from None
    footage = load_footage(project)
    lengths = {clip.path(project): clip.facts.duration_ms for clip in footage}
    facts = {clip.path(project): clip.facts for clip in footage}
    path = Path(output) if output is not None else project.exports_dir / f"timeline{spec.suffix}"
    stills = {}
    if draw_card is not None:
        for card in dict.fromkeys(shot.card for shot in timeline.shots if shot.card is not None):
            still = path.with_name(f"{path.stem}-{card.kind}.png")
            data = draw_card(card, timeline).read_bytes()
            if not still.exists() or still.read_bytes() != data:
                atomic_write_bytes(still, data)
            stills[card] = still
    text = export_text(timeline, spec, lengths, facts=facts, stills=stills)
    atomic_write_text(path, text)
    return ExportResult(
        path, timeline, length_problem(timeline.duration_ms, template.length, project.cut_list)
    )


def export_text(
    timeline: Timeline,
    spec: ExportFormat,
    media_lengths: Mapping[Path, int] | None = None,
    *,
    facts: Mapping[Path, MediaFacts] | None = None,
    stills: Mapping[Card, Path] | None = None,
) -> str:
    facts = facts or {}
    lengths = dict(media_lengths or {})
    lengths.update({path: f.duration_ms for path, f in facts.items() if path not in lengths})
    document = to_otio(timeline, spec, lengths, facts=facts, stills=stills or {})
    try:
        if spec.adapter == "cmx_3600":
            return str(
                otio.adapters.write_to_string(document, adapter_name=spec.adapter, rate=float(timeline.fps))
            )
        if spec.adapter == "fcpx_xml":
            xml = otio.adapters.write_to_string(document, adapter_name=spec.adapter)
            return fcpxml_finish(xml, document, facts, timeline)
        return str(otio.adapters.write_to_string(document, adapter_name=spec.adapter))
    except otio.exceptions.OTIOError as exc:
        raise EditError(
            _("cannot write the timeline as {name} ({exc}); try --format otio").format(
                name=spec.name, exc=exc
            )
        ) from None


def to_otio(
    timeline: Timeline,
    spec: ExportFormat,
    media_lengths: Mapping[Path, int],
    *,
    facts: Mapping[Path, MediaFacts] | None = None,
    stills: Mapping[Card, Path] | None = None,
) -> otio.schema.Timeline:
    clock = _Clock(timeline.fps, facts or {})
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
        picture.append(
            _picture_item(
                shot, clock, media_lengths, reels if spec.name == "edl" else None, stills or {}, spec.name
            )
        )
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

    def __init__(self, fps: Fraction, facts: Mapping[Path, MediaFacts] | None = None) -> None:
        self.fps = fps
        self.rate = float(fps)
        self.facts = facts or {}

    def timecode_ms(self, path: Path) -> int:
        """The file's start timecode in ms (0 when it carries none), read at the file's own rate."""
        facts = self.facts.get(path)
        if facts is None or not facts.timecode:
            return 0
        rate = float(facts.video.fps) if facts.video is not None else self.rate
        try:
            start = otio.opentime.from_timecode(facts.timecode, rate)
        except (ValueError, otio.exceptions.OTIOError):
            return 0
        return int(round(start.to_seconds() * 1000))

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
    shot: Shot,
    clock: _Clock,
    media_lengths: Mapping[Path, int],
    reels: dict[str, str] | None,
    stills: Mapping[Card, Path],
    format_name: str = "otio",
) -> Any:
    if shot.card is not None:
        return _card_clip(shot, clock, reels, stills.get(shot.card), generator=format_name != "fcpxml")
    assert shot.source is not None  # a shot shows a card or footage
    return _clip(shot.source, shot.start_ms, shot.end_ms, clock, media_lengths, reels)


def _card_clip(
    shot: Shot, clock: _Clock, reels: dict[str, str] | None, still: Path | None, *, generator: bool = True
) -> otio.schema.Clip:
    """A card as a still (the drawn PNG) or, with no drawing, a generator the editor replaces (FCPXML's
    writer takes no generators: an offline clip named after the card)."""
    card = shot.card
    assert card is not None  # called for card shots only
    available = otio.opentime.TimeRange(clock.time(0), clock.span(0, STILL_HOURS * 3_600_000))
    if still is not None:
        reference = otio.schema.ExternalReference(
            target_url=still.resolve().as_uri(), available_range=available
        )
    elif not generator:
        reference = otio.schema.MissingReference(name=f"{card.kind} card", available_range=available)
    else:
        reference = otio.schema.GeneratorReference(
            name=f"{card.kind} card",
            generator_kind=f"pipeline.{card.kind}_card",
            parameters={"lines": list(card.lines)},
            available_range=available,
        )
    clip = otio.schema.Clip(
        name=f"{card.kind} card",
        media_reference=reference,
        source_range=otio.opentime.TimeRange(clock.time(0), clock.span(shot.start_ms, shot.end_ms)),
    )
    clip.metadata["pipeline"] = {"card": card.kind, "lines": list(card.lines)}
    if reels is not None:
        clip.metadata["cmx_3600"] = {"reel": card.kind.upper()[:REEL_LENGTH]}
    return clip


def _clip(
    span: SourceSpan,
    start_ms: int,
    end_ms: int,
    clock: _Clock,
    media_lengths: Mapping[Path, int],
    reels: dict[str, str] | None = None,
) -> otio.schema.Clip:
    length = media_lengths.get(span.path)
    timecode = clock.timecode_ms(span.path)
    available = None
    if length:
        available = otio.opentime.TimeRange(clock.time(timecode), clock.span(0, length))
    reference = otio.schema.ExternalReference(target_url=span.path.as_uri(), available_range=available)
    clip = otio.schema.Clip(
        name=span.clip_id,
        media_reference=reference,
        source_range=clock.range(start_ms, end_ms, source_in_ms=timecode + span.in_ms),
    )
    clip.metadata["pipeline"] = {"clip_id": span.clip_id}
    facts = clock.facts.get(span.path)
    if facts is not None and facts.video is not None:
        width, height = facts.video.display_size
        clip.metadata["pipeline"]["source"] = {
            "width": facts.video.width,
            "height": facts.video.height,
            "sample_aspect": facts.video.sar,
            "display_width": width,
            "display_height": height,
            "frame_rate": facts.video.frame_rate,
            "timecode": facts.timecode,
        }
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
