"""Platform presets (`presets/platforms/*.toml`) validated into frozen dataclasses.

Values come from docs/specs.md; they live in data files so an office can correct them without a
release, and a project can override any of them under `[overrides.platforms.<name>]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from pipeline.errors import PresetError
from pipeline.i18n import _
from pipeline.presets import available, load_preset, preset_path, project_overrides, require

LAYOUTS = ("landscape", "vertical")
FILLS = ("blur", "crop")


@dataclass(frozen=True, slots=True)
class Picture:
    width: int
    height: int
    fps: Fraction
    layout: str = "landscape"
    vertical_fill: str = "blur"
    safe_width: int = 0  # 0: the whole frame
    safe_height: int = 0


@dataclass(frozen=True, slots=True)
class VideoCoding:
    codec: str
    profile: str
    pix_fmt: str
    crf: int
    maxrate: str
    bufsize: str
    gop_seconds: float
    bframes: int
    preset: str
    faststart: bool


@dataclass(frozen=True, slots=True)
class AudioCoding:
    codec: str
    bitrate: str
    sample_rate: int
    channels: int


@dataclass(frozen=True, slots=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    tolerance_lu: float
    max_lra_lu: float | None = None  # loudness range limit; None: not checked (never under 60 s)


@dataclass(frozen=True, slots=True)
class SubtitleLayout:
    burn_in: bool
    sidecar: tuple[str, ...]  # "srt", "vtt"
    qc_profile: str
    text_height_pct: float = 5.0
    margin_bottom_pct: float = 6.0


@dataclass(frozen=True, slots=True)
class Cover:
    name: str
    width: int
    height: int
    max_kb: float | None = None  # a size limit for the JPEG (WeChat API thumb material: 64 KB)


@dataclass(frozen=True, slots=True)
class SizeCap:
    max_mb: float
    max_height: int
    min_height: int
    min_video_kbps: int
    audio_bitrate: str


@dataclass(frozen=True, slots=True)
class PlatformPreset:
    name: str
    label: str
    picture: Picture
    video: VideoCoding
    audio: AudioCoding
    loudness: Loudness
    subtitles: SubtitleLayout
    min_duration_s: float
    max_duration_s: float
    covers: tuple[Cover, ...] = ()
    size_cap: SizeCap | None = None
    source: Path | None = None  # the preset file, for error messages
    mark: str = ""  # drawn across the picture (drafts: 样片), "" for none


def platform_names() -> tuple[str, ...]:
    return available("platforms")


def load_platform(name: str, project_overrides_table: Mapping[str, Any] | None = None) -> PlatformPreset:
    overrides = project_overrides(project_overrides_table or {}, "platforms", name)
    data = load_preset("platforms", name, overrides)
    return parse_platform(name, data, preset_path("platforms", name))


def _table(data: Mapping[str, Any], key: str, where: Path) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise PresetError(
            _("{path}: [{table}] table is missing; add it (see presets/platforms/web.toml)").format(
                path=where, table=key
            )
        )
    return value


def parse_platform(name: str, data: Mapping[str, Any], where: Path) -> PlatformPreset:
    num = (int, float)
    pic = _table(data, "picture", where)
    fps = require(pic, "fps", num, f"{where} [picture]")
    picture = Picture(
        width=require(pic, "width", int, f"{where} [picture]"),
        height=require(pic, "height", int, f"{where} [picture]"),
        fps=Fraction(fps).limit_denominator(1001),
        layout=pic.get("layout", "landscape"),
        vertical_fill=pic.get("vertical_fill", "blur"),
        safe_width=int(pic.get("safe_width", 0)),
        safe_height=int(pic.get("safe_height", 0)),
    )
    if picture.layout not in LAYOUTS:
        raise PresetError(
            _("{path}: [picture] layout = {value}; use one of {choices}").format(
                path=where, value=repr(picture.layout), choices=", ".join(LAYOUTS)
            )
        )
    if picture.vertical_fill not in FILLS:
        raise PresetError(
            _("{path}: [picture] vertical_fill = {value}; use blur or crop").format(
                path=where, value=repr(picture.vertical_fill)
            )
        )
    if picture.width % 2 or picture.height % 2 or picture.width <= 0 or picture.height <= 0:
        raise PresetError(
            _("{path}: [picture] width and height must be positive even numbers (yuv420p)").format(path=where)
        )
    vid = _table(data, "video", where)
    w = f"{where} [video]"
    video = VideoCoding(
        codec=require(vid, "codec", str, w),
        profile=require(vid, "profile", str, w),
        pix_fmt=require(vid, "pix_fmt", str, w),
        crf=require(vid, "crf", int, w),
        maxrate=require(vid, "maxrate", str, w),
        bufsize=require(vid, "bufsize", str, w),
        gop_seconds=float(require(vid, "gop_seconds", num, w)),
        bframes=require(vid, "bframes", int, w),
        preset=require(vid, "preset", str, w),
        faststart=bool(vid.get("faststart", True)),
    )
    aud = _table(data, "audio", where)
    w = f"{where} [audio]"
    audio = AudioCoding(
        codec=require(aud, "codec", str, w),
        bitrate=require(aud, "bitrate", str, w),
        sample_rate=require(aud, "sample_rate", int, w),
        channels=require(aud, "channels", int, w),
    )
    loud = _table(data, "loudness", where)
    w = f"{where} [loudness]"
    loudness = Loudness(
        integrated_lufs=float(require(loud, "integrated_lufs", num, w)),
        true_peak_dbtp=float(require(loud, "true_peak_dbtp", num, w)),
        tolerance_lu=float(loud.get("tolerance_lu", 1.0)),
        max_lra_lu=float(require(loud, "max_lra_lu", num, w)) if "max_lra_lu" in loud else None,
    )
    sub = _table(data, "subtitles", where)
    w = f"{where} [subtitles]"
    subtitles = SubtitleLayout(
        burn_in=require(sub, "burn_in", bool, w),
        sidecar=tuple(sub.get("sidecar", ())),
        qc_profile=sub.get("qc_profile", "zh-CN"),
        text_height_pct=float(sub.get("text_height_pct", 5.0)),
        margin_bottom_pct=float(sub.get("margin_bottom_pct", 6.0)),
    )
    for kind in subtitles.sidecar:
        if kind not in ("srt", "vtt"):
            raise PresetError(
                _("{path}: [subtitles] sidecar has {kind}; use srt and/or vtt").format(
                    path=where, kind=repr(kind)
                )
            )
    limits = data.get("limits", {})
    covers = tuple(
        Cover(
            require(c, "name", str, f"{where} [[covers]]"),
            require(c, "width", int, f"{where} [[covers]]"),
            require(c, "height", int, f"{where} [[covers]]"),
            float(require(c, "max_kb", (int, float), f"{where} [[covers]]")) if "max_kb" in c else None,
        )
        for c in data.get("covers", ())
    )
    cap = data.get("size_capped")
    size_cap = None
    if isinstance(cap, Mapping) and cap.get("enabled", False):
        w = f"{where} [size_capped]"
        size_cap = SizeCap(
            max_mb=float(require(cap, "max_mb", num, w)),
            max_height=require(cap, "max_height", int, w),
            min_height=int(cap.get("min_height", 360)),
            min_video_kbps=int(cap.get("min_video_kbps", 200)),
            audio_bitrate=str(cap.get("audio_bitrate", "64k")),
        )
    return PlatformPreset(
        name=name,
        label=str(data.get("label", name)),
        picture=picture,
        video=video,
        audio=audio,
        loudness=loudness,
        subtitles=subtitles,
        min_duration_s=float(limits.get("min_duration_s", 0)),
        max_duration_s=float(limits.get("max_duration_s", 36000)),
        covers=covers,
        size_cap=size_cap,
        source=where,
    )
