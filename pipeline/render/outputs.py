"""What the render delivers beside the picture, and where: file names, draft presets, the
size-capped WeChat variant's bitrate, sidecar subtitles and covers."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.edit.timeline import Style, Timeline
from pipeline.i18n import _
from pipeline.project.files import atomic_write_bytes
from pipeline.project.model import Project
from pipeline.render.checks import BYTES_PER_MB
from pipeline.render.encode import CappedSize
from pipeline.render.graphics import Canvas, cache_key, cover_jpeg, draw_cover
from pipeline.render.platforms import Cover, PlatformPreset, SizeCap
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import srt_text, vtt_text

UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')
MAX_STEM = 80
DRAFT_LANDSCAPE = (640, 360)
DRAFT_VERTICAL = (360, 640)
DRAFT_MARK = "样片"  # "sample, not for release": drafts may show people whose consent is not recorded yet
DRAFT_CRF_STEP = 8  # drafts are for checking the edit, not the picture
# x264's fastest preset that still makes High profile (ultrafast turns CABAC and 8x8 transforms off,
# so the stream reads Constrained Baseline and a draft would fail its platform's profile check)
DRAFT_X264_PRESET = "superfast"
# the size cap: aim this far below it (one-pass ABR drifts a few per cent; MP4 headers)
CAP_MARGIN = 0.92
SENSIBLE_BITS_PER_PIXEL = 0.035  # below this H.264 talking heads turn to mush; pick a smaller picture
CAP_HEIGHTS = (1080, 720, 540, 480, 360, 270)


def safe_name(text: str) -> str:
    """A file-name-safe version of `text` (CJK kept; separators, quotes, spaces become `_`)."""
    cleaned = UNSAFE.sub("_", text).strip("._")
    return cleaned[:MAX_STEM] or "episode"


def output_stem(project: Project) -> str:
    """`<series>-<number>-<title>`, e.g. 我是党员-03-驻村路上."""
    ep = project.episode
    return safe_name(f"{ep.series}-{ep.number:02d}-{ep.title}")


def platform_dir(project: Project, platform: str, *, draft: bool = False) -> Path:
    base = project.exports_dir / "draft" if draft else project.exports_dir
    return base / platform


def video_path(project: Project, platform: str, *, draft: bool = False, variant: str = "") -> Path:
    suffix = f"-{variant}" if variant else ""
    return platform_dir(project, platform, draft=draft) / f"{output_stem(project)}{suffix}.mp4"


def draft_preset(preset: PlatformPreset) -> PlatformPreset:
    """A fast, small preview of `preset`: low resolution, a fast x264 preset, a higher CRF."""
    vertical = preset.picture.layout == "vertical"
    width, height = DRAFT_VERTICAL if vertical else DRAFT_LANDSCAPE
    picture = dataclasses.replace(preset.picture, width=width, height=height, safe_width=0, safe_height=0)
    video = dataclasses.replace(
        preset.video, preset=DRAFT_X264_PRESET, crf=min(51, preset.video.crf + DRAFT_CRF_STEP)
    )
    return dataclasses.replace(
        preset, picture=picture, video=video, covers=(), size_cap=None, mark=DRAFT_MARK
    )


@dataclass(frozen=True, slots=True)
class CapDecision:
    """The size-capped variant's encode, or why there is none."""

    size: CappedSize | None
    message: str = ""  # when `size` is None: why no sensible bitrate fits, and how long may fit


def kbps(bitrate: str) -> int:
    """ "64k" -> 64, "1M" -> 1000, "128000" -> 128."""
    text = bitrate.strip().lower()
    factor = {"k": 1, "m": 1000}.get(text[-1:], None)
    return int(float(text[:-1]) * factor) if factor else int(float(text) / 1000)


def capped_size(cap: SizeCap, preset: PlatformPreset, duration_ms: int) -> CapDecision:
    """Bitrate and picture size of a file that must stay under `cap.max_mb` for `duration_ms`.

    The video gets what the cap leaves after the audio; the picture is the largest height up to
    `max_height` at which that bitrate still gives sensible bits per pixel.
    """
    seconds = duration_ms / 1000
    budget_kbps = cap.max_mb * BYTES_PER_MB * 8 * CAP_MARGIN / 1000 / seconds
    audio = kbps(cap.audio_bitrate)
    video = int(budget_kbps - audio)
    if video < cap.min_video_kbps:
        longest = cap.max_mb * BYTES_PER_MB * 8 * CAP_MARGIN / 1000 / (cap.min_video_kbps + audio)
        return CapDecision(
            None,
            _(
                "no sensible bitrate fits {cap} MB for {seconds} s: {kbps} kbit/s of video is below the "
                "preset's min_video_kbps ({minimum}); episodes up to {longest} s fit, so the API-sized "
                "variant was not made"
            ).format(
                cap=f"{cap.max_mb:g}",
                seconds=f"{seconds:.0f}",
                kbps=max(video, 0),
                minimum=cap.min_video_kbps,
                longest=math.floor(longest),
            ),
        )
    fps = float(preset.picture.fps)
    heights = [h for h in CAP_HEIGHTS if cap.min_height <= h <= cap.max_height] or [cap.min_height]
    chosen = heights[-1]
    for height in heights:  # largest first
        width = _even(height * 16 / 9)
        if video * 1000 / (width * height * fps) >= SENSIBLE_BITS_PER_PIXEL:
            chosen = height
            break
    return CapDecision(CappedSize(_even(chosen * 16 / 9), chosen, video, cap.audio_bitrate))


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` atomically unless `path` already holds exactly it; True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write_bytes(path, data)
    return True


def write_sidecars(
    preset: PlatformPreset, cues: Sequence[Cue], video: Path, duration_ms: int
) -> tuple[Path, ...]:
    """The preset's SRT/VTT files beside `video` (rewritten only when their text changed)."""
    if not cues or not preset.subtitles.sidecar:
        return ()
    shown = tuple(
        c.with_times(c.start_ms, min(c.end_ms, duration_ms)) for c in cues if c.start_ms < duration_ms
    )
    written = []
    for kind in preset.subtitles.sidecar:
        path = video.with_suffix(f".{kind}")
        body = srt_text(shown, str(path)) if kind == "srt" else vtt_text(shown, str(path))
        write_if_changed(path, body.encode("utf-8"))
        written.append(path)
    return tuple(written)


def cover_path(video: Path, cover: Cover) -> Path:
    return video.with_name(f"{video.stem}-{cover.name}.jpg")


def write_covers(
    project: Project,
    preset: PlatformPreset,
    timeline: Timeline,
    video: Path,
    frame: Path | None,
    frame_key: str,
    cache_dir: Path,
) -> tuple[tuple[Cover, Path], ...]:
    """Every cover the preset asks for, beside `video`. Drawn once into the cache (keyed by the
    titles, the style, the frame's identity and the size), copied out when it differs."""
    written = []
    style: Style = timeline.style
    series, title = project.episode.series, project.episode.title
    for cover in preset.covers:
        key = cache_key(
            "cover",
            (series, title),
            style,
            Canvas(cover.width, cover.height),
            extra=f"{frame_key}:{cover.max_kb}",
        )
        cached = cache_dir / f"cover-{cover.width}x{cover.height}-{key}.jpg"
        if not cached.exists():
            image = draw_cover(series, title, style, cover.width, cover.height, frame)
            atomic_write_bytes(cached, cover_jpeg(image, max_kb=cover.max_kb, where=cover_path(video, cover)))
        target = cover_path(video, cover)
        write_if_changed(target, cached.read_bytes())
        written.append((cover, target))
    return tuple(written)
