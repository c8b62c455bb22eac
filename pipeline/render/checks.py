"""Output QC: compare what a written file measures (`OutputFacts`) with what its preset asks for.

Pure functions over facts: every check returns `Problem`s (empty when the output passed), each with
a one-line message that names the file, so `pipeline render` can fail with a clear reason and the
manifest can list every miss.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from pipeline.errors import MediaError
from pipeline.i18n import _
from pipeline.render.measure import OutputFacts, measure_image
from pipeline.render.platforms import Cover, PlatformPreset

# The stricter reading of "10 MB": a file under 10,000,000 bytes passes whether the platform means
# 10^6 or 2^20 bytes per MB. Size-capped encodes must aim below the same figure.
BYTES_PER_MB = 1_000_000
TRUE_PEAK_SLACK_DB = 0.1  # meters disagree by about this much on oversampled true peak
LRA_MIN_PROGRAMME_S = 60.0  # loudness range means little on shorter programmes (docs/specs.md)
FRAME_RATE_TOLERANCE = 0.002  # relative: 25 passes as 25.05, 29.97 never passes as 30
# encoder names in presets -> codec names a demuxer reports
ENCODER_CODECS = {
    "libx264": "h264",
    "libx264rgb": "h264",
    "libopenh264": "h264",
    "h264_nvenc": "h264",
    "h264_qsv": "h264",
    "h264_vaapi": "h264",
    "h264_videotoolbox": "h264",
    "libx265": "hevc",
    "hevc_nvenc": "hevc",
    "hevc_qsv": "hevc",
    "hevc_vaapi": "hevc",
    "aac": "aac",
    "libfdk_aac": "aac",
    "aac_at": "aac",
    "libopus": "opus",
    "libmp3lame": "mp3",
}
Miss = Callable[[str, str, str, str], None]  # (field, expected, measured, message without the file name)


@dataclass(frozen=True, slots=True)
class Problem:
    """One way an output misses its preset."""

    field: str  # "loudness", "resolution", "pix_fmt", ... (stable names, scripts may match them)
    expected: str
    measured: str
    message: str  # one line naming the file: "exports/web/x.mp4: loudness -17.3 LUFS, target -15 ±1 LU"

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "expected": self.expected,
            "measured": self.measured,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        return cls(str(data["field"]), str(data["expected"]), str(data["measured"]), str(data["message"]))


def codec_of(encoder: str) -> str:
    """The codec name a probe reports for files made by `encoder` ("libx264" -> "h264")."""
    return ENCODER_CODECS.get(encoder, encoder)


def check_output(
    facts: OutputFacts,
    preset: PlatformPreset,
    *,
    expected_duration_s: float,
    frame_tolerance: int = 2,
    size_capped_mb: float | None = None,
    expected_size: tuple[int, int] | None = None,
    name: str | None = None,
) -> tuple[Problem, ...]:
    """Every way `facts` misses `preset`; empty when the output passes.

    `expected_duration_s` is the timeline's length; the file (and each of its streams) may differ by
    `frame_tolerance` frames. `size_capped_mb` checks a size-capped variant against its cap.
    `expected_size` is the variant's (width, height) when it differs from the preset's picture
    (size-capped or draft outputs). `name` is how messages name the file (default: its path);
    pass the project-relative path.
    """
    shown = name or str(facts.path)
    found: list[Problem] = []

    def miss(field: str, expected: str, measured: str, message: str) -> None:
        found.append(Problem(field, expected, measured, f"{shown}: {message}"))

    fps = preset.picture.fps
    _check_picture(facts, preset, expected_size or (preset.picture.width, preset.picture.height), miss)
    _check_sound(facts, preset, miss)
    _check_loudness(facts, preset, miss)

    slack = frame_tolerance / fps if fps else 0
    lasts = {
        "duration": _(
            "the file lasts {measured} s, the timeline {expected} s (±{frames} frames = {slack} s)"
        ),
        "video_duration": _(
            "the video stream lasts {measured} s, the timeline {expected} s (±{frames} frames = {slack} s)"
        ),
        "audio_duration": _(
            "the audio stream lasts {measured} s, the timeline {expected} s (±{frames} frames = {slack} s)"
        ),
    }
    for field, measured in (
        ("duration", facts.duration_s),
        ("video_duration", facts.video_duration_s),
        ("audio_duration", facts.audio_duration_s),
    ):
        if measured is not None and abs(measured - expected_duration_s) > float(slack) + 1e-6:
            miss(
                field,
                f"{expected_duration_s:.3f} s ±{frame_tolerance} frames",
                f"{measured:.3f} s",
                lasts[field].format(
                    measured=f"{measured:.3f}",
                    expected=f"{expected_duration_s:.3f}",
                    frames=frame_tolerance,
                    slack=f"{float(slack):.3f}",
                ),
            )
    if facts.duration_s < preset.min_duration_s:
        miss(
            "min_duration",
            f">= {_num(preset.min_duration_s)} s",
            f"{facts.duration_s:.3f} s",
            _("duration {measured} s, {platform} accepts at least {limit} s").format(
                measured=f"{facts.duration_s:.1f}", platform=preset.name, limit=_num(preset.min_duration_s)
            ),
        )
    if facts.duration_s > preset.max_duration_s:
        miss(
            "max_duration",
            f"<= {_num(preset.max_duration_s)} s",
            f"{facts.duration_s:.3f} s",
            _("duration {measured} s, {platform} accepts at most {limit} s").format(
                measured=f"{facts.duration_s:.1f}", platform=preset.name, limit=_num(preset.max_duration_s)
            ),
        )

    if preset.video.faststart and facts.faststart is not True:
        order = "not an MP4" if facts.faststart is None else "moov after mdat"
        miss(
            "faststart",
            "moov before mdat",
            order,
            (
                _("not an MP4 (no faststart): web playback cannot start before the download ends")
                if facts.faststart is None
                else _("moov after mdat (no faststart): web playback cannot start before the download ends")
            ),
        )
    if size_capped_mb is not None and facts.size_bytes > size_capped_mb * BYTES_PER_MB:
        measured_mb = facts.size_bytes / BYTES_PER_MB
        miss(
            "size",
            f"<= {_num(size_capped_mb)} MB",
            f"{facts.size_bytes} bytes",
            _("size {measured} MB, cap {cap} MB").format(
                measured=f"{measured_mb:.2f}", cap=_num(size_capped_mb)
            ),
        )
    return tuple(found)


def _check_picture(facts: OutputFacts, preset: PlatformPreset, size: tuple[int, int], miss: Miss) -> None:
    video = preset.video
    if facts.video_codec is None:
        miss("video", codec_of(video.codec), "none", _("has no video stream"))
        return
    if (facts.width, facts.height) != size:
        miss(
            "resolution",
            f"{size[0]}x{size[1]}",
            f"{facts.width}x{facts.height}",
            _("resolution {measured}, expected {expected}").format(
                measured=f"{facts.width}x{facts.height}", expected=f"{size[0]}x{size[1]}"
            ),
        )
    codec = codec_of(video.codec)
    if facts.video_codec != codec:
        miss(
            "video_codec",
            codec,
            facts.video_codec,
            _("video codec {measured}, expected {expected}").format(
                measured=facts.video_codec, expected=codec
            ),
        )
    elif (facts.video_profile or "").lower() != video.profile.lower():
        measured = facts.video_profile or "unknown"
        miss(
            "profile",
            video.profile,
            measured,
            _("{codec} profile {measured}, expected {expected}").format(
                codec=codec, measured=measured, expected=video.profile.title()
            ),
        )
    if facts.pix_fmt != video.pix_fmt:
        miss(
            "pix_fmt",
            video.pix_fmt,
            str(facts.pix_fmt),
            _("pixel format {measured}, expected {expected} (most players outside ffmpeg need it)").format(
                measured=facts.pix_fmt, expected=video.pix_fmt
            ),
        )
    expected_fps = preset.picture.fps
    if facts.frame_rate is None or abs(facts.frame_rate - expected_fps) > expected_fps * FRAME_RATE_TOLERANCE:
        shown = _fps(facts.frame_rate) if facts.frame_rate is not None else "unknown"
        miss(
            "frame_rate",
            _fps(expected_fps),
            shown,
            _("frame rate {measured} fps, expected {expected} fps").format(
                measured=shown, expected=_fps(expected_fps)
            ),
        )
    gop = video.gop_seconds
    if gop > 0 and facts.keyframe_interval_s is not None:
        limit = gop + 1 / float(expected_fps)  # one frame of slack for timestamp rounding
        if facts.keyframe_interval_s > limit:
            measured = (
                "no keyframe"
                if math.isinf(facts.keyframe_interval_s)
                else f"{facts.keyframe_interval_s:.2f} s"
            )
            miss(
                "gop",
                f"keyframe every {_num(gop)} s",
                measured,
                _("keyframes up to {measured} apart, expected one every {gop} s").format(
                    measured=measured, gop=_num(gop)
                ),
            )


def _check_sound(facts: OutputFacts, preset: PlatformPreset, miss: Miss) -> None:
    audio = preset.audio
    codec = codec_of(audio.codec)
    if facts.audio_codec is None:
        miss(
            "audio",
            codec,
            "none",
            _("has no audio stream, expected {codec} {rate} Hz").format(codec=codec, rate=audio.sample_rate),
        )
        return
    if facts.audio_codec != codec:
        miss(
            "audio_codec",
            codec,
            facts.audio_codec,
            _("audio codec {measured}, expected {expected}").format(
                measured=facts.audio_codec, expected=codec
            ),
        )
    if facts.sample_rate != audio.sample_rate:
        miss(
            "sample_rate",
            f"{audio.sample_rate} Hz",
            f"{facts.sample_rate} Hz",
            _("audio sample rate {measured} Hz, expected {expected} Hz").format(
                measured=facts.sample_rate, expected=audio.sample_rate
            ),
        )
    if facts.channels != audio.channels:
        miss(
            "channels",
            str(audio.channels),
            str(facts.channels),
            _("{measured} audio channels, expected {expected}").format(
                measured=facts.channels, expected=audio.channels
            ),
        )


def _check_loudness(facts: OutputFacts, preset: PlatformPreset, miss: Miss) -> None:
    if facts.audio_codec is None:
        return  # already reported as a missing audio stream
    target = preset.loudness
    if facts.loudness is None:
        miss(
            "loudness",
            f"{_num(target.integrated_lufs)} LUFS",
            "not measured",
            _("loudness was not measured; measure the output with loudness on"),
        )
        return
    measured = facts.loudness
    if abs(measured.integrated_lufs - target.integrated_lufs) > target.tolerance_lu + 1e-9:
        miss(
            "loudness",
            f"{_num(target.integrated_lufs)} ±{_num(target.tolerance_lu)} LUFS",
            f"{measured.integrated_lufs:.1f} LUFS",
            _("loudness {measured} LUFS, target {target} ±{tolerance} LU").format(
                measured=f"{measured.integrated_lufs:.1f}",
                target=_num(target.integrated_lufs),
                tolerance=_num(target.tolerance_lu),
            ),
        )
    if measured.true_peak_dbtp > target.true_peak_dbtp + TRUE_PEAK_SLACK_DB:
        miss(
            "true_peak",
            f"<= {_num(target.true_peak_dbtp)} dBTP",
            f"{measured.true_peak_dbtp:.1f} dBTP",
            _("true peak {measured} dBTP, limit {limit} dBTP").format(
                measured=f"{measured.true_peak_dbtp:.1f}", limit=_num(target.true_peak_dbtp)
            ),
        )
    long_enough = facts.duration_s >= LRA_MIN_PROGRAMME_S
    if target.max_lra_lu is not None and long_enough and measured.lra_lu > target.max_lra_lu:
        miss(
            "lra",
            f"<= {_num(target.max_lra_lu)} LU",
            f"{measured.lra_lu:.1f} LU",
            _("loudness range {measured} LU, limit {limit} LU").format(
                measured=f"{measured.lra_lu:.1f}", limit=_num(target.max_lra_lu)
            ),
        )


def check_cover(
    path: Path,
    cover: Cover,
    *,
    name: str | None = None,
    image_format: str = "JPEG",
    max_kb: float | None = None,
) -> tuple[Problem, ...]:
    """Problems of a cover image: missing, unreadable, wrong size or format, over `max_kb` (1 KB = 1000 bytes)."""
    shown = name or str(path)
    expected = f"{cover.width}x{cover.height} {image_format}"
    try:
        image = measure_image(Path(path))
    except MediaError as exc:
        missing = not Path(path).is_file()
        measured = "missing" if missing else "unreadable"
        text = (
            _("{file}: {cover} cover missing ({reason})")
            if missing
            else _("{file}: {cover} cover unreadable ({reason})")
        )
        return (
            Problem(
                "cover", expected, measured, text.format(file=shown, cover=cover.name, reason=exc.message)
            ),
        )
    found = []
    if (image.width, image.height) != (cover.width, cover.height):
        found.append(
            Problem(
                "cover_resolution",
                f"{cover.width}x{cover.height}",
                f"{image.width}x{image.height}",
                _("{file}: {cover} cover is {measured}, expected {expected}").format(
                    file=shown,
                    cover=cover.name,
                    measured=f"{image.width}x{image.height}",
                    expected=f"{cover.width}x{cover.height}",
                ),
            )
        )
    if image.format != image_format:
        found.append(
            Problem(
                "cover_format",
                image_format,
                image.format,
                _("{file}: {cover} cover is {measured}, expected {expected}").format(
                    file=shown, cover=cover.name, measured=image.format, expected=image_format
                ),
            )
        )
    if max_kb is not None and image.size_bytes > max_kb * 1000:
        found.append(
            Problem(
                "cover_bytes",
                f"<= {_num(max_kb)} KB",
                f"{image.size_bytes} bytes",
                _("{file}: {cover} cover is {measured} KB, limit {limit} KB").format(
                    file=shown,
                    cover=cover.name,
                    measured=f"{image.size_bytes / 1000:.1f}",
                    limit=_num(max_kb),
                ),
            )
        )
    return tuple(found)


def failure_message(problems: tuple[Problem, ...], *, listed_in: str = "exports/manifest.json") -> str:
    """One line for `Error: ...`: the first problem, and how many more there are and where."""
    if not problems:
        return ""
    more = len(problems) - 1
    if not more:
        return problems[0].message
    # one message, not ngettext: tests/test_i18n.py looks plural forms up by their singular only
    if more == 1:
        return _("{problem} (and 1 more problem, listed in {listed_in})").format(
            problem=problems[0].message, listed_in=listed_in
        )
    return _("{problem} (and {count} more problems, listed in {listed_in})").format(
        problem=problems[0].message, count=more, listed_in=listed_in
    )


def _num(value: float) -> str:
    """-15.0 -> "-15", 0.5 -> "0.5": figures as a person writes them."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _fps(rate: Fraction) -> str:
    return str(rate.numerator) if rate.denominator == 1 else f"{float(rate):.3f}".rstrip("0").rstrip(".")
