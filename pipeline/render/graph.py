"""Timeline + platform presets -> ffmpeg arguments. Pure: no files are read, nothing is run.

One ffmpeg process renders every requested output of an episode: each source span is opened once,
the programme picture and the programme mix are built once, then `split`/`asplit` into per-output
branches (shape, lower thirds, burned subtitles, loudness target), each with its own encoder.

    inputs ─▶ segments ─▶ concat/xfade ─▶ [prog] ─split─▶ shape (scale | vertical framing)
                                                         └▶ lower thirds ─split─▶ (ass) ─▶ encoder
    inputs ─▶ narration + ducked music ─▶ [mix] ─asplit─▶ loudnorm per target ─asplit─▶ encoder
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.edit.timeline import Card, Overlay, Timeline
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.media.fonts import CJK_FAMILY
from pipeline.render.audio import programme_audio
from pipeline.render.encode import CappedSize, chunk_output_args, output_args, sound_output_args
from pipeline.render.filters import FilterGraph, f, rate, text
from pipeline.render.loudness import Normalisation, measure_filter
from pipeline.render.platforms import Loudness, PlatformPreset
from pipeline.render.sources import Facts
from pipeline.render.video import (
    PlacedImage,
    Shape,
    burn_subtitles,
    even,
    frame_shape,
    overlay_graphics,
    programme_picture,
)

LoudnessKey = tuple[float, float]  # (integrated LUFS, true peak dBTP)


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """One file the render writes."""

    name: str  # "web", "wechat", "wechat-api": names the pads of its branch
    preset: PlatformPreset
    path: Path  # where ffmpeg writes it (a temporary name beside the final one)
    subtitles: Path | None = None  # the ASS file burned into the picture, None for none
    capped: CappedSize | None = None  # a size-capped variant of its platform's picture


@dataclass(frozen=True, slots=True)
class Artwork:
    """The drawn graphics: cards at the programme size, lower thirds at each output shape's size."""

    cards: Mapping[Card, Path]
    lower_thirds: Mapping[tuple[Overlay, int, int], PlacedImage]


def loudness_key(target: Loudness) -> LoudnessKey:
    return (target.integrated_lufs, target.true_peak_dbtp)


def shape_of(preset: PlatformPreset) -> Shape:
    pic = preset.picture
    return Shape(pic.layout, pic.width, pic.height, pic.vertical_fill if pic.layout == "vertical" else "blur")


def programme_size(presets: Sequence[PlatformPreset]) -> tuple[int, int]:
    """The 16:9 size the programme is composed at: the largest landscape output, or (vertical only)
    16:9 as tall as the vertical frame is wide, which is all a vertical framing takes from it."""
    landscape = [(p.picture.width, p.picture.height) for p in presets if p.picture.layout == "landscape"]
    if landscape:
        return max(landscape, key=lambda wh: wh[0] * wh[1])
    height = max(p.picture.width for p in presets)
    return even(height * 16 / 9), height


def render_args(
    timeline: Timeline,
    outputs: Sequence[OutputPlan],
    *,
    facts: Facts,
    artwork: Artwork,
    loudness: Mapping[LoudnessKey, Normalisation],
    fonts_dir: Path,
    programme: tuple[int, int] | None = None,
) -> list[str]:
    """The full ffmpeg argument list (after `ffmpeg`) that writes every output in `outputs`.

    `programme`: the size the programme picture is composed at (default: from the outputs' presets;
    an engine rendering a subset of an episode's outputs passes the episode's, so every output is
    made the same way whichever others share its run).
    """
    if not outputs:
        raise RenderError(_("nothing to render: no outputs were asked for"))
    graph = FilterGraph()
    size = programme or programme_size([o.preset for o in outputs])
    picture = programme_picture(graph, timeline, facts, size, artwork.cards)
    video_pads = _picture_branches(graph, picture, timeline, outputs, artwork, size, fonts_dir)
    graph.new_section()
    audio_pads = _sound_branches(graph, timeline, outputs, facts, loudness)
    args = ["-y", *graph.args()]
    for out in outputs:
        args += output_args(
            out.preset,
            out.path,
            video_pads[out.name],
            audio_pads[out.name],
            title=timeline.title,
            capped=out.capped,
        )
    return args


def chunk_args(
    timeline: Timeline,
    outputs: Sequence[OutputPlan],
    *,
    facts: Facts,
    artwork: Artwork,
    fonts_dir: Path,
    programme: tuple[int, int],
) -> list[str]:
    """One chunk's picture for every output in `outputs` (video only): the whole-programme graph's
    picture side, given a chunk's timeline (`chunks.chunk_timeline`), its lower thirds' drawings
    and each output's chunk of the burn-in subtitles as `OutputPlan.subtitles`."""
    if not outputs:
        raise RenderError(_("nothing to render: no outputs were asked for"))
    graph = FilterGraph()
    picture = programme_picture(graph, timeline, facts, programme, artwork.cards)
    video_pads = _picture_branches(graph, picture, timeline, outputs, artwork, programme, fonts_dir)
    args = ["-y", *graph.args()]
    for out in outputs:
        args += chunk_output_args(out.preset, out.path, video_pads[out.name], capped=out.capped)
    return args


def sound_args(
    timeline: Timeline,
    outputs: Sequence[OutputPlan],
    *,
    facts: Facts,
    loudness: Mapping[LoudnessKey, Normalisation],
) -> list[str]:
    """The whole programme's sound for every output in `outputs` (sound only, `OutputPlan.path`):
    the mix once, then each loudness target, encoded as each output encodes it."""
    if not outputs:
        raise RenderError(_("nothing to render: no outputs were asked for"))
    graph = FilterGraph()
    audio_pads = _sound_branches(graph, timeline, outputs, facts, loudness)
    args = ["-y", *graph.args()]
    for out in outputs:
        args += sound_output_args(out.preset, out.path, audio_pads[out.name], capped=out.capped)
    return args


def _picture_branches(
    graph: FilterGraph,
    picture: str,
    timeline: Timeline,
    outputs: Sequence[OutputPlan],
    artwork: Artwork,
    programme: tuple[int, int],
    fonts_dir: Path,
) -> dict[str, str]:
    pads: dict[str, str] = {}
    shapes = _unique([shape_of(o.preset) for o in outputs])
    shaped_pads = graph.fan_out(picture, len(shapes), [s.layout for s in shapes])
    for shape, pad in zip(shapes, shaped_pads):
        framed = frame_shape(graph, pad, shape, programme)
        overlays = []
        for overlay in timeline.overlays:
            placed = artwork.lower_thirds.get((overlay, shape.width, shape.height))
            if placed is None:
                raise RenderError(
                    _("no drawn {kind} for {width}x{height}; this is a bug in the render stage").format(
                        kind=overlay.kind, width=shape.width, height=shape.height
                    )
                )
            overlays.append((overlay, placed))
        framed = overlay_graphics(graph, framed, overlays, timeline.fps)
        members = [o for o in outputs if shape_of(o.preset) == shape]
        looks = _unique([o.subtitles for o in members])
        look_pads = graph.fan_out(framed, len(looks), ["look"])
        for look, look_pad in zip(looks, look_pads):
            users = [o for o in members if o.subtitles == look]
            if look is not None:
                look_pad = burn_subtitles(graph, look_pad, look, fonts_dir, "subs")
            for out, pad_out in zip(
                users, graph.fan_out(look_pad, len(users), [f"{o.name}_pic" for o in users])
            ):
                steps = []
                if out.capped is not None:
                    steps.append(f("scale", w=out.capped.width, h=out.capped.height))
                if Fraction(out.preset.picture.fps) != timeline.fps:
                    steps.append(f("fps", rate(out.preset.picture.fps)))
                if out.preset.mark:
                    steps.append(mark_filter(out.preset.mark, shape.height))
                pads[out.name] = graph.chain((pad_out,), steps, f"{out.name}_v") if steps else pad_out
    return pads


def mark_filter(mark: str, height: int) -> str:
    """A large, half-transparent mark (a draft's 样片) in the top-right corner, outlined so it shows
    on light and dark pictures alike; the CJK family by name (fontconfig), as the subtitles use."""
    margin = even(height / 20)
    return f(
        "drawtext",
        text=text(mark),
        font=text(CJK_FAMILY),
        fontsize=even(height / 6),
        fontcolor="white@0.7",
        borderw=max(2, height // 200),
        bordercolor="black@0.7",
        x=f"w-tw-{margin}",
        y=margin,
    )


def _sound_branches(
    graph: FilterGraph,
    timeline: Timeline,
    outputs: Sequence[OutputPlan],
    facts: Facts,
    loudness: Mapping[LoudnessKey, Normalisation],
) -> dict[str, str]:
    mix = programme_audio(graph, timeline, facts)
    keys = _unique([loudness_key(o.preset.loudness) for o in outputs])
    pads: dict[str, str] = {}
    for key, pad in zip(keys, graph.fan_out(mix, len(keys), ["tomix"], audio=True)):
        plan = loudness.get(key)
        if plan is None:
            raise RenderError(
                _(
                    "no loudness measurement for the {lufs} LUFS target; this is a bug in the render stage"
                ).format(lufs=key[0])
            )
        level = graph.chain((pad,), plan.filters(), "level")
        users = [o for o in outputs if loudness_key(o.preset.loudness) == key]
        for out, pad_out in zip(
            users, graph.fan_out(level, len(users), [f"{o.name}_a" for o in users], audio=True)
        ):
            pads[out.name] = pad_out
    return pads


def loudness_args(
    timeline: Timeline, *, facts: Facts, target: Loudness, limit_db: float | None = None
) -> list[str]:
    """Pass 1: the programme mix alone (no picture decoded) through loudnorm's meter."""
    graph = FilterGraph()
    mix = programme_audio(graph, timeline, facts)
    measured = graph.chain((mix,), measure_filter(target, limit_db), "measured")
    return [*graph.args(), "-map", f"[{measured}]", "-f", "null", "-"]


def _unique(items: Sequence) -> list:
    """`items` without repeats, in first-seen order (deterministic arguments)."""
    out: list = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
