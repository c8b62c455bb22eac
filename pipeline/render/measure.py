"""Measure a written output: the facts QC and the manifest rely on, taken from the file itself.

Stream facts come from PyAV (demux only, no decoding); faststart from the file's top-level MP4
atoms; loudness from one pass of ffmpeg's `ebur128` filter (the BS.1770 / EBU R128 meter ffmpeg
ships), run through the one ffmpeg runner.
"""

from __future__ import annotations

import dataclasses
import math
import re
import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import av

from pipeline.errors import MediaError
from pipeline.i18n import _
from pipeline.media.runner import run_ffmpeg
from pipeline.project.digest import sha256_file

# the ISO BMFF boxes that may legitimately sit at the top level of an MP4/MOV file
TOP_LEVEL_ATOMS = frozenset(
    {
        b"ftyp",
        b"moov",
        b"mdat",
        b"free",
        b"skip",
        b"wide",
        b"uuid",
        b"pdin",
        b"meta",
        b"moof",
        b"mfra",
        b"styp",
        b"sidx",
        b"pnot",
        b"junk",
    }
)
LOUDNESS_FILTER = "ebur128=peak=true:framelog=verbose"  # framelog=verbose: only the summary at info level


@dataclass(frozen=True, slots=True)
class LoudnessFacts:
    """EBU R128 figures of a file's first audio stream."""

    integrated_lufs: float  # -70.0 (the meter's floor) for silence
    true_peak_dbtp: float  # -inf for digital silence
    lra_lu: float


@dataclass(frozen=True, slots=True)
class OutputFacts:
    """What a rendered file really is. Stream fields are None when the file has no such stream."""

    path: Path
    container: str  # PyAV format name, "mov,mp4,m4a,3gp,3g2,mj2" for MP4
    duration_s: float  # the container's duration (the longest stream)
    size_bytes: int
    sha256: str
    faststart: bool | None  # moov before mdat; None when the file is not MP4/MOV
    # video
    video_codec: str | None  # decoder name: "h264", "hevc"
    video_profile: str | None  # "High", "High 4:4:4 Predictive", "Constrained Baseline"
    width: int | None
    height: int | None
    pix_fmt: str | None
    frame_rate: Fraction | None
    video_duration_s: float | None
    keyframe_interval_s: float | None  # the longest stretch without a keyframe (the tail included)
    # audio
    audio_codec: str | None  # "aac"
    audio_profile: str | None  # "LC"
    sample_rate: int | None
    channels: int | None
    audio_duration_s: float | None
    loudness: LoudnessFacts | None  # None when there is no audio stream or it was not measured


class ImageFacts(NamedTuple):
    """A cover's facts; a tuple so `width, height, fmt, size = measure_image(p)` also works."""

    width: int
    height: int
    format: str  # Pillow's name: "JPEG", "PNG"
    size_bytes: int


def measure_output(path: Path, *, loudness: bool = True) -> OutputFacts:
    """Measure `path`. `loudness=False` skips the ebur128 pass (seconds on a long programme)."""
    path = Path(path)
    size = _existing_size(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError(
            _("{path}: not a readable media file ({reason}); render it again").format(path=path, reason=exc)
        ) from None
    with container:
        facts = _stream_facts(path, size, container)
    if loudness and facts.audio_codec is not None:
        facts = dataclasses.replace(facts, loudness=_ebur128(path))
    return facts


def measure_loudness(path: Path) -> LoudnessFacts:
    """Integrated loudness, true peak and loudness range of the first audio stream of `path`."""
    path = Path(path)
    _existing_size(path)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            has_audio = bool(container.streams.audio)
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError(
            _("{path}: not a readable media file ({reason}); render it again").format(path=path, reason=exc)
        ) from None
    if not has_audio:
        raise MediaError(
            _("{path}: has no audio stream, so no loudness to measure; render it with sound").format(
                path=path
            )
        )
    return _ebur128(path)


def _stream_facts(path: Path, size: int, container: av.container.InputContainer) -> OutputFacts:
    video = next(
        (s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)), None
    )
    audio = container.streams.audio[0] if container.streams.audio else None
    if video is None and audio is None:
        raise MediaError(_("{path}: has neither video nor audio; render it again").format(path=path))
    vcc = video.codec_context if video is not None else None
    acc = audio.codec_context if audio is not None else None
    rate = (video.average_rate or video.base_rate) if video is not None else None
    video_duration, audio_duration = _stream_duration_s(video), _stream_duration_s(audio)
    duration = container.duration / av.time_base if container.duration else 0.0
    return OutputFacts(
        path=path,
        container=container.format.name,
        duration_s=duration or max(video_duration or 0.0, audio_duration or 0.0),
        size_bytes=size,
        sha256=sha256_file(path),
        faststart=mp4_faststart(path),
        video_codec=vcc.name if vcc else None,
        video_profile=(video.profile or "") if video is not None else None,
        width=int(vcc.width) if vcc else None,
        height=int(vcc.height) if vcc else None,
        pix_fmt=str(vcc.pix_fmt or "") if vcc else None,
        frame_rate=Fraction(rate.numerator, rate.denominator) if rate else None,
        video_duration_s=video_duration,
        keyframe_interval_s=_keyframe_interval_s(path, container, video) if video is not None else None,
        audio_codec=acc.name if acc else None,
        audio_profile=(audio.profile or "") if audio is not None else None,
        sample_rate=int(acc.sample_rate or 0) if acc else None,
        channels=int(acc.channels or 0) if acc else None,
        audio_duration_s=audio_duration,
        loudness=None,
    )


def _ebur128(path: Path) -> LoudnessFacts:
    result = run_ffmpeg(
        ["-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", LOUDNESS_FILTER, "-f", "null", "-"],
        what=_("measuring the loudness of {file}").format(file=path.name),
    )
    return parse_ebur128_summary(result.stderr, source=path)


_SUMMARY_VALUE = r"^\s*{key}:\s+(-?(?:inf|\d+(?:\.\d+)?))\s+{unit}\s*$"


def parse_ebur128_summary(stderr: str, *, source: Path | str = "output") -> LoudnessFacts:
    """Read the `Summary:` block ebur128 logs at the end of a run.

    The block looks like (ffmpeg 4 to 9):
        Integrated loudness:
          I:         -15.1 LUFS
          Threshold: -25.3 LUFS
        Loudness range:
          LRA:         4.2 LU
          ...
        True peak:
          Peak:       -1.4 dBFS
    """
    _head, found, summary = stderr.rpartition("Summary:")
    if not found:
        raise MediaError(
            _("{path}: ffmpeg's ebur128 printed no loudness summary; run `pipeline doctor`").format(
                path=source
            )
        )

    def value(key: str, unit: str) -> float:
        match = re.search(_SUMMARY_VALUE.format(key=key, unit=unit), summary, re.MULTILINE)
        if match is None:
            raise MediaError(
                _("{path}: no '{key}' in ffmpeg's ebur128 summary; run `pipeline doctor`").format(
                    path=source, key=key
                )
            )
        return float(match.group(1))  # float() reads "-inf"

    return LoudnessFacts(
        integrated_lufs=value("I", "LUFS"),
        true_peak_dbtp=value("Peak", "dBFS"),  # with peak=true the summary's dBFS is true peak (dBTP)
        lra_lu=value("LRA", "LU"),
    )


def measure_image(path: Path) -> ImageFacts:
    """Size and format of an image (reads the header only)."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    size = _existing_size(path)
    try:
        with Image.open(path) as image:
            return ImageFacts(image.width, image.height, str(image.format or ""), size)
    except (UnidentifiedImageError, OSError) as exc:
        raise MediaError(
            _("{path}: not a readable image ({reason}); render the cover again").format(path=path, reason=exc)
        ) from None


def mp4_faststart(path: Path) -> bool | None:
    """True when the `moov` atom precedes `mdat` at the top level of an MP4/MOV file.

    Walks the top-level atoms (4-byte big-endian size, 4-byte type; size 1 means a 64-bit size
    follows, size 0 means "to the end of the file"), seeking over their bodies. Returns None when
    the file does not start like an ISO BMFF file, or has no moov or no mdat.
    """
    file_size = Path(path).stat().st_size
    order: list[bytes] = []
    with open(path, "rb") as fh:
        offset = 0
        while offset + 8 <= file_size and not (b"moov" in order and b"mdat" in order):
            fh.seek(offset)
            size, kind = struct.unpack(">I4s", fh.read(8))
            header = 8
            if size == 1:
                (size,) = struct.unpack(">Q", fh.read(8))
                header = 16
            elif size == 0:
                size = file_size - offset
            if kind not in TOP_LEVEL_ATOMS or size < header:
                break  # not an MP4 (or damaged): stop rather than guess
            order.append(kind)
            offset += size
    if b"moov" not in order or b"mdat" not in order:
        return None
    return order.index(b"moov") < order.index(b"mdat")


def _existing_size(path: Path) -> int:
    if not path.is_file():
        raise MediaError(_("{path}: output file not found; render it again").format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise MediaError(_("{path}: output file is empty (0 bytes); render it again").format(path=path))
    return size


def _stream_duration_s(stream: av.stream.Stream | None) -> float | None:
    if stream is None or not stream.duration or not stream.time_base:
        return None
    return float(stream.duration * stream.time_base)


def _keyframe_interval_s(
    path: Path, container: av.container.InputContainer, stream: av.stream.Stream
) -> float | None:
    """The longest distance between keyframes, from packet flags (demuxed, never decoded)."""
    if not stream.time_base:
        return None
    keyframes: list[int] = []
    end = 0
    try:
        container.seek(0)
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            end = max(end, packet.pts + (packet.duration or 0))
            if packet.is_keyframe:
                keyframes.append(packet.pts)
    except av.error.FFmpegError as exc:
        raise MediaError(
            _("{path}: damaged video stream ({reason}); render it again").format(path=path, reason=exc)
        ) from None
    if not keyframes:
        return math.inf  # no keyframe at all: nothing can start playing
    marks = sorted(set(keyframes)) + [end]
    longest = max(b - a for a, b in zip(marks, marks[1:])) if len(marks) > 1 else 0
    return float(longest * stream.time_base)
