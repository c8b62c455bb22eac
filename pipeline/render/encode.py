"""Encoder settings of one output file, from its platform preset."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.render.colour import encoder_tags
from pipeline.render.platforms import PlatformPreset


@dataclass(frozen=True, slots=True)
class CappedSize:
    """A size-capped variant (the WeChat API's 10 MB file): its picture and average bitrates."""

    width: int
    height: int
    video_kbps: int
    audio_bitrate: str


def gop_frames(preset: PlatformPreset) -> int:
    return max(
        1, round(Fraction(preset.picture.fps) * Fraction(preset.video.gop_seconds).limit_denominator(1000))
    )


def video_args(preset: PlatformPreset, capped: CappedSize | None = None) -> list[str]:
    """libx264 settings: High profile, yuv420p always (an RGB card would otherwise make the encoder
    pick 4:4:4), a fixed GOP of `gop_seconds` (no scene-cut keyframes: HLS segments stay exact),
    tagged SDR BT.709 limited range in the stream and the container."""
    v = preset.video
    gop = str(gop_frames(preset))
    args = ["-c:v", v.codec, "-preset", v.preset, "-profile:v", v.profile, "-pix_fmt", v.pix_fmt]
    if capped is None:
        args += ["-crf", str(v.crf), "-maxrate", v.maxrate, "-bufsize", v.bufsize]
    else:
        k = capped.video_kbps
        args += ["-b:v", f"{k}k", "-maxrate", f"{k * 3 // 2}k", "-bufsize", f"{k * 2}k"]
    args += ["-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-bf", str(v.bframes)]
    return args + encoder_tags()


def audio_args(preset: PlatformPreset, capped: CappedSize | None = None) -> list[str]:
    a = preset.audio
    bitrate = capped.audio_bitrate if capped is not None else a.bitrate
    return ["-c:a", a.codec, "-b:a", bitrate, "-ar", str(a.sample_rate), "-ac", str(a.channels)]


def output_args(
    preset: PlatformPreset,
    path: Path,
    video_pad: str,
    audio_pad: str,
    *,
    title: str = "",
    capped: CappedSize | None = None,
) -> list[str]:
    args = [
        "-map",
        f"[{video_pad}]",
        "-map",
        f"[{audio_pad}]",
        *video_args(preset, capped),
        *audio_args(preset, capped),
    ]
    if preset.video.faststart:
        args += ["-movflags", "+faststart"]
    if title:
        args += ["-metadata", f"title={title}"]
    return [*args, str(path)]


def chunk_output_args(
    preset: PlatformPreset, path: Path, video_pad: str, *, capped: CappedSize | None = None
) -> list[str]:
    """One chunk of an output's picture: the output's encoder settings exactly (the chunks of an
    output are joined without re-encoding), no sound, MP4 (its index gives the concat demuxer
    exact frame times)."""
    return ["-map", f"[{video_pad}]", *video_args(preset, capped), "-an", "-f", "mp4", str(path)]


def sound_output_args(
    preset: PlatformPreset, path: Path, audio_pad: str, *, capped: CappedSize | None = None
) -> list[str]:
    """An output's whole-programme sound, encoded once, muxed with the joined picture."""
    return ["-map", f"[{audio_pad}]", *audio_args(preset, capped), "-vn", "-f", "mp4", str(path)]


def join_args(
    concat_list: Path, sound: Path, preset: PlatformPreset, path: Path, *, title: str = ""
) -> list[str]:
    """The joined chunks (concat demuxer, stream copy) and the sound into the output file."""
    args = ["-y", "-f", "concat", "-safe", "0", "-i", str(concat_list), "-i", str(sound)]
    args += ["-map", "0:v:0", "-map", "1:a:0", "-c", "copy"]
    if preset.video.faststart:
        args += ["-movflags", "+faststart"]
    if title:
        args += ["-metadata", f"title={title}"]
    return [*args, "-f", "mp4", str(path)]
