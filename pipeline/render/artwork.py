"""The pictures a render composes or derives: title cards and lower thirds drawn with Pillow for
every shape the platforms need, and the still frame the covers are built on. All cached by content."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pipeline.edit.timeline import Card, Overlay, Timeline
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts
from pipeline.media.runner import run_ffmpeg
from pipeline.project.digest import content_key
from pipeline.project.files import atomic_output
from pipeline.render import fingerprint
from pipeline.render.colour import still_filters
from pipeline.render.filters import seconds
from pipeline.render.graph import Artwork, shape_of
from pipeline.render.graphics import Canvas, card_image, lower_third_image
from pipeline.render.platforms import PlatformPreset
from pipeline.render.video import PlacedImage


def draw_artwork(
    timeline: Timeline, presets: Sequence[PlatformPreset], size: tuple[int, int], cache: Path
) -> Artwork:
    cards: dict[Card, Path] = {}
    for shot in timeline.shots:
        if shot.card is not None and shot.card not in cards:
            cards[shot.card] = card_image(shot.card, timeline.style, Canvas(*size), cache)
    thirds: dict[tuple[Overlay, int, int], PlacedImage] = {}
    for preset in presets:
        shape = shape_of(preset)
        for overlay in timeline.overlays:
            key = (overlay, shape.width, shape.height)
            if key not in thirds:
                thirds[key] = lower_third_image(
                    overlay, timeline.style, Canvas(shape.width, shape.height, shape.layout), cache
                )
    return Artwork(cards, thirds)


def cover_frame(
    timeline: Timeline,
    facts: Mapping[Path, MediaFacts],
    stamps: Mapping[Path, fingerprint.FileStamp],
    cache: Path,
) -> tuple[Path | None, str]:
    """A still of the first narration shot, from its middle, for the covers (cached in `cache`)."""
    narrated = {piece.source.clip_id for piece in timeline.audio}
    spans = [s.source for s in timeline.shots if s.source is not None]
    span = next((s for s in spans if s.clip_id in narrated), spans[0] if spans else None)
    if span is None:
        return None, "no-frame"
    at_ms = span.in_ms + span.duration_ms // 2
    still = still_filters(facts[span.path].video)  # display aspect, SDR BT.709 (anamorphic, HDR too)
    key = content_key({"source": stamps[span.path], "at_ms": at_ms, "look": still})[:16]
    path = cache / f"frame-{key}.png"
    if not path.exists():
        with atomic_output(path) as temp:
            run_ffmpeg(
                cover_frame_args(span.path, at_ms, temp, filters=still),
                outputs=[temp],
                what=_("taking a cover frame from {clip}").format(clip=span.clip_id),
            )
    return path, key


def cover_frame_args(source: Path, at_ms: int, target: Path, *, filters: Sequence[str] = ()) -> list[str]:
    """ffmpeg arguments for one still of `source` at `at_ms`, through `filters` (see
    `colour.still_filters`: deinterlaced, at the display aspect, in SDR BT.709)."""
    steps = ["-vf", ",".join(filters)] if filters else []
    return [
        "-y",
        "-ss",
        seconds(at_ms),
        "-i",
        str(source),
        *steps,
        "-frames:v",
        "1",
        "-update",
        "1",
        str(target),
    ]
