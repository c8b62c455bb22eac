"""The picture side of the render graph.

The programme picture (16:9) is composed once: every shot becomes a segment of an exact number of
frames, normalised from its probe facts (deinterlaced, constant frame rate, scaled by its display
aspect and padded to the programme size, square pixels, SDR BT.709 yuv420p, see `colour`); two shots joined by a crossfade are `xfade`d (just those
two segments, so the blend touches seconds of frames, not the whole programme), and all of it is
concatenated once. Each output shape then takes its own copy: scaled for landscape platforms, or
framed for vertical ones, with the lower thirds drawn at that size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.edit.timeline import Card, Overlay, SourceSpan, Timeline
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.media.probe import VideoFacts
from pipeline.render.colour import BT709_TAGS, hdr_to_sdr, is_hdr, scale_colour_options
from pipeline.render.filters import FilterGraph, InputSpec, f, number, rate, stream, text
from pipeline.render.sources import (
    Facts,
    facts_for,
    frame_at,
    needed_lengths,
    runs_short,
    span_input,
    transition_frames,
)

BLUR_SHRINK = 10  # the vertical fill is blurred at 1/10 size, then enlarged: cheap and very soft
BLUR_RADIUS = 6
FILL_BRIGHTNESS = 0.55  # the fill is darkened so the framed picture stands out


@dataclass(frozen=True, slots=True)
class PlacedImage:
    """A drawn graphic and where its top-left corner goes on the picture."""

    path: Path
    x: int = 0
    y: int = 0


@dataclass(frozen=True, slots=True)
class Shape:
    """One output picture shape: outputs of the same shape share framing and lower thirds."""

    layout: str  # "landscape" or "vertical"
    width: int
    height: int
    fill: str = "blur"  # vertical: "blur" or "crop"


def even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def programme_picture(
    graph: FilterGraph, timeline: Timeline, facts: Facts, size: tuple[int, int], cards: Mapping[Card, Path]
) -> str:
    """Compose the programme picture; returns its pad name."""
    if not timeline.shots:
        raise RenderError(_("the timeline has no shots; check the cut list (cut.md) and run `pipeline cut`"))
    fps = timeline.fps
    needed = needed_lengths(timeline)
    starts = [frame_at(shot.start_ms, fps) for shot in timeline.shots] + [frame_at(timeline.duration_ms, fps)]
    pieces: list[tuple[str, int]] = []  # (label, frames it fills before the next piece starts)
    for i, shot in enumerate(timeline.shots):
        frames = starts[i + 1] - starts[i]
        following = timeline.shots[i + 1] if i + 1 < len(timeline.shots) else None
        extra = transition_frames(following.transition_ms, fps) if following else 0
        if frames <= 0:
            raise RenderError(
                _("shot {number} at {start} s is shorter than one frame; fix the cut list").format(
                    number=i + 1, start=f"{shot.start_ms / 1000:.3f}"
                )
            )
        if shot.source is not None:
            label = _source_segment(graph, shot.source, frames + extra, needed, facts, size, fps)
        elif shot.card is not None:
            label = _card_segment(graph, shot.card, frames + extra, cards, fps)
        else:
            raise RenderError(
                _("shot {number} at {start} s has neither footage nor a card").format(
                    number=i + 1, start=f"{shot.start_ms / 1000:.3f}"
                )
            )
        if pieces and shot.transition_ms > 0:
            # the crossfade joins this shot to the previous piece only (whose segment runs on under
            # this one by the transition's length): xfade then touches seconds of frames, not the
            # whole programme, and every piece is concatenated once at the end
            previous, filled = pieces.pop()
            length = Fraction(transition_frames(shot.transition_ms, fps)) / fps
            label = graph.chain(
                (previous, label),
                (
                    f(
                        "xfade",
                        transition="fade",
                        duration=number(length),
                        offset=number(Fraction(filled) / fps),
                    ),
                ),
                "xf",
            )
            frames += filled
        pieces.append((label, frames))
    return _concat(graph, [label for label, _ in pieces], fps)


def _source_segment(
    graph: FilterGraph,
    span: SourceSpan,
    frames: int,
    needed: Mapping[tuple[Path, int], int],
    facts: Facts,
    size: tuple[int, int],
    fps: Fraction,
) -> str:
    opened = span_input(span, needed, facts)
    index = graph.input(opened.spec)
    video = facts_for(facts, span.path).video
    if video is None:
        raise RenderError(
            _("{path}: {clip} has no picture but the edit shows it; use a video clip").format(
                path=span.path, clip=span.clip_id
            )
        )
    length_ms = int(Fraction(frames * 1000) / fps)
    pad_end = runs_short(span, length_ms, facts, fps)
    steps = segment_steps(
        video.interlaced,
        video.display_size,
        size,
        fps,
        frames,
        pad_end=pad_end,
        skip_ms=opened.skip_ms,
        source=video,
    )
    return graph.chain((stream(index, "v"),), steps, "seg")


def segment_steps(
    interlaced: bool,
    display_size: tuple[int, int],
    size: tuple[int, int],
    fps: Fraction,
    frames: int,
    *,
    pad_end: bool = False,
    skip_ms: int = 0,
    source: VideoFacts | None = None,
) -> tuple[str, ...]:
    """Filters that turn one camera's frames into exactly `frames` programme frames.

    Deinterlace first (fields are only meaningful at the native size), then a constant frame rate
    (variable-rate phone footage, 50i/30p/60p cameras), then cut to length, and only then fit the
    programme frame, so frames the edit does not use are never scaled (a 4K B-roll is scaled once,
    straight to the programme size). Rotation needs no filter: ffmpeg applies the display matrix
    when it decodes (`display_size` is already turned). `pad_end` repeats the last frame when the
    file ends before the span does. `source` (its probe facts) brings in the pixel aspect and the
    colour: anamorphic pictures are scaled to their display shape, HDR is tone-mapped after the
    scale (float maths on programme-sized frames, never on 4K ones), SD's BT.601 matrix and full
    range are converted by the scale itself; every segment leaves tagged BT.709 limited.
    """
    steps: list[str] = []
    if interlaced:
        steps.append(f("bwdif", mode="send_frame", parity="auto", deint="all"))
    steps.append(f("fps", rate(fps)))
    if pad_end:
        steps.append(f("tpad", stop_mode="clone", stop=frames))
    if skip_ms:
        start = Fraction(skip_ms, 1000)
        steps.append(f("trim", start=number(start), end=number(start + Fraction(frames) / fps)))
    else:
        steps.append(f("trim", end_frame=frames))
    steps.append("setpts=PTS-STARTPTS")
    steps += _fit_steps(display_size, size, source)
    steps += ["setsar=1", f("format", "yuv420p"), BT709_TAGS]
    return tuple(steps)


def fitted_size(display_size: tuple[int, int], size: tuple[int, int]) -> tuple[int, int]:
    """The largest picture of `display_size`'s shape inside `size` (even numbers)."""
    src_w, src_h = display_size
    width, height = size
    if src_w * height == src_h * width:
        return size
    if src_w * height > src_h * width:  # wider than the frame: full width
        return width, min(height, even(width * src_h / src_w))
    return min(width, even(height * src_w / src_h)), height


def _fit_steps(
    display_size: tuple[int, int], size: tuple[int, int], source: VideoFacts | None = None
) -> list[str]:
    """Scale to the display shape (never the stored one: 1440x1080 at SAR 4:3 is 16:9), centred on
    black when the shape differs (a phone held upright, 4:3)."""
    width, height = size
    fit_w, fit_h = fitted_size(display_size, size)
    stored = display_size
    if source is not None:
        stored = (source.height, source.width) if source.rotation % 180 else (source.width, source.height)
    options = scale_colour_options(source)
    steps = []
    if stored != (fit_w, fit_h) or options or (source is not None and source.pixel_aspect != 1):
        steps.append(f("scale", w=fit_w, h=fit_h, **options))
    if source is not None and is_hdr(source):
        steps += hdr_to_sdr(source)
    if (fit_w, fit_h) != size:
        steps.append(f("pad", w=width, h=height, x="(ow-iw)/2", y="(oh-ih)/2", color="black"))
    return steps


def card_input(path: Path, fps: Fraction) -> InputSpec:
    return InputSpec(path, ("-framerate", rate(fps)))


def hold_steps(frames: int, fps: Fraction) -> tuple[str, ...]:
    """A still image held for `frames` frames: decoded and converted once, then repeated."""
    return (f("loop", loop=frames - 1, size=1, start=0), f"setpts=N/({rate(fps)})/TB")


def _card_segment(
    graph: FilterGraph, card: Card, frames: int, cards: Mapping[Card, Path], fps: Fraction
) -> str:
    try:
        path = cards[card]
    except KeyError:
        raise RenderError(
            _("no drawn image for the {kind} card; this is a bug in the render stage").format(kind=card.kind)
        ) from None
    index = graph.input(card_input(path, fps))
    # a drawn RGB card to YUV with the BT.709 matrix (swscale's default for RGB is BT.601)
    steps = (
        f("scale", out_color_matrix="bt709", out_range="tv"),
        f("format", "yuv420p"),
        "setsar=1",
        BT709_TAGS,
        *hold_steps(frames, fps),
    )
    return graph.chain((stream(index, "v"),), steps, "card")


def _concat(graph: FilterGraph, labels: Sequence[str], fps: Fraction) -> str:
    if len(labels) == 1:
        return labels[0]
    # concat counts time in microseconds; later filters count frames in the frame time base
    return graph.chain(labels, (f("concat", n=len(labels), v=1, a=0), f"settb=1/({rate(fps)})"), "run")


def frame_shape(graph: FilterGraph, picture: str, shape: Shape, programme: tuple[int, int]) -> str:
    """The programme picture in one output shape."""
    width, height = shape.width, shape.height
    if shape.layout == "landscape":
        if (width, height) == programme:
            return picture
        return graph.chain((picture,), (f("scale", w=width, h=height),), "land")
    if shape.fill == "crop":
        steps = (f("crop", w=f"trunc(ih*{width}/{height}/2)*2", h="ih"), f("scale", w=width, h=height))
        return graph.chain((picture,), steps, "vert")
    return vertical_blur(graph, picture, width, height)


def vertical_blur(graph: FilterGraph, picture: str, width: int, height: int) -> str:
    """The whole 16:9 picture across the vertical frame's width, centred (inside the safe area), over a
    blurred, darkened, enlarged copy of its centre. The blur is done at a tenth of the size."""
    fore, back = graph.fan_out(picture, 2, ("fore", "back"))
    small_w, small_h = even(width / BLUR_SHRINK), even(height / BLUR_SHRINK)
    fill = graph.chain(
        (back,),
        (
            f("crop", w=f"trunc(ih*{width}/{height}/2)*2", h="ih"),
            f("scale", w=small_w, h=small_h),
            f("boxblur", luma_radius=BLUR_RADIUS, luma_power=2),
            f("lutyuv", y=f"val*{FILL_BRIGHTNESS}"),
            f("scale", w=width, h=height),
        ),
        "fill",
    )
    framed = graph.chain((fore,), (f("scale", w=width, h=-2),), "framed")
    return graph.chain((fill, framed), (f("overlay", x="(W-w)/2", y="(H-h)/2"),), "vert")


def overlay_graphics(
    graph: FilterGraph, picture: str, overlays: Sequence[tuple[Overlay, PlacedImage]], fps: Fraction
) -> str:
    """Lower thirds over a shaped picture, each faded in and out at its time."""
    for overlay, placed in overlays:
        start = frame_at(overlay.start_ms, fps)
        frames = frame_at(overlay.start_ms + overlay.duration_ms, fps) - start
        if frames <= 0:
            continue
        index = graph.input(card_input(placed.path, fps))
        length = Fraction(frames) / fps
        fade = min(Fraction(overlay.fade_ms, 1000), length / 2)
        steps = [
            f("scale", out_color_matrix="bt709", out_range="tv"),
            f("format", "yuva420p"),
            *hold_steps(frames, fps),
        ]
        if fade > 0:
            steps += [
                f("fade", t="in", st=0, d=number(fade), alpha=1),
                f("fade", t="out", st=number(length - fade), d=number(fade), alpha=1),
            ]
        if start >= 0:
            steps.append(f"setpts=PTS+{number(Fraction(start) / fps)}/TB")
        else:  # a chunk of the programme starting in the middle of the graphic: drop what came before
            steps += [f"setpts=PTS-{number(Fraction(-start) / fps)}/TB", f("trim", start=0)]
        graphic = graph.chain((stream(index, "v"),), steps, "gfx")
        picture = graph.chain(
            (picture, graphic), (f("overlay", x=placed.x, y=placed.y, eof_action="pass"),), "ov"
        )
    return picture


def burn_subtitles(graph: FilterGraph, picture: str, ass_file: Path, fonts_dir: Path, stem: str) -> str:
    """Subtitles from a generated ASS file, with fonts looked up in `fonts_dir` (never the system default)."""
    return graph.chain((picture,), (f("ass", filename=text(ass_file), fontsdir=text(fonts_dir)),), stem)
