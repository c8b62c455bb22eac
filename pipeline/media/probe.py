"""Probe media with PyAV: the facts ingest records and render relies on.

Facts are measured, not trusted from headers alone: frame-rate variability comes from packet
timestamps, interlacing and rotation from the first decoded frame, and truncation from demuxing
the end of the file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from pipeline.errors import MediaError

FIELD_ORDERS = {0: "unknown", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
VFR_SAMPLE_PACKETS = 300
TAIL_CHECK_S = 1.0
TRUNCATION_SLACK_MS = 1000


@dataclass(frozen=True, slots=True)
class VideoFacts:
    codec: str
    profile: str
    width: int
    height: int
    frame_rate: str  # exact fraction, "30000/1001"
    variable_frame_rate: bool
    field_order: str  # progressive, tt, bb, tb, bt, unknown
    interlaced: bool
    rotation: int  # degrees from the display matrix (ffmpeg's sign), 0 when none
    pix_fmt: str

    @property
    def fps(self) -> Fraction:
        return Fraction(self.frame_rate)

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as the picture is meant to be seen (rotation applied)."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


@dataclass(frozen=True, slots=True)
class AudioFacts:
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True, slots=True)
class MediaFacts:
    container: str
    duration_ms: int
    size_bytes: int
    video: VideoFacts | None
    audio: AudioFacts | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaFacts:
        return cls(
            container=data["container"],
            duration_ms=int(data["duration_ms"]),
            size_bytes=int(data["size_bytes"]),
            video=VideoFacts(**data["video"]) if data.get("video") else None,
            audio=AudioFacts(**data["audio"]) if data.get("audio") else None,
        )


def probe(path: Path) -> MediaFacts:
    """Probe `path`; raises MediaError naming the file when it is missing, empty, not media or broken."""
    path = Path(path)
    if not path.exists():
        raise MediaError(f"{path}: file not found; check the path")
    if path.is_dir():
        raise MediaError(f"{path}: is a folder, not a media file; name the files inside it")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(f"{path}: file is empty (0 bytes); copy it again from the camera card")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except PermissionError:
        raise MediaError(
            f"{path}: cannot be read (permission denied); check the file's permissions"
        ) from None
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError(
            f"{path}: not a readable media file ({_reason(exc)}); is it truncated or mis-named?"
        ) from None
    try:
        with container:
            return _facts(path, size, container)
    except av.error.FFmpegError as exc:
        raise MediaError(
            f"{path}: damaged media ({_reason(exc)}); copy it again from the camera card"
        ) from None


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[-1].strip() if ":" in text and len(text) > 80 else text


def _facts(path: Path, size: int, container: av.container.InputContainer) -> MediaFacts:
    video_stream = next(
        (s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)), None
    )
    audio_stream = container.streams.audio[0] if container.streams.audio else None
    main_stream = video_stream or audio_stream
    if main_stream is None:
        raise MediaError(f"{path}: has neither a video nor an audio stream; is it a media file?")
    duration_ms = _duration_ms(container, main_stream)
    if duration_ms <= 0:
        raise MediaError(f"{path}: has no measurable duration; the file is probably truncated")
    video = _video_facts(path, container, video_stream) if video_stream is not None else None
    audio = None
    if audio_stream is not None:
        cc = audio_stream.codec_context
        audio = AudioFacts(
            codec=cc.name, sample_rate=int(cc.sample_rate or 0), channels=int(cc.channels or 0)
        )
    _check_tail(path, container, main_stream, duration_ms)
    return MediaFacts(
        container=container.format.name,
        duration_ms=duration_ms,
        size_bytes=size,
        video=video,
        audio=audio,
    )


def _duration_ms(container: av.container.InputContainer, stream: av.stream.Stream) -> int:
    if container.duration:
        return int(container.duration // 1000)
    if stream.duration and stream.time_base:
        return int(stream.duration * stream.time_base * 1000)
    return 0


def _video_facts(
    path: Path, container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> VideoFacts:
    cc = stream.codec_context
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not rate:
        raise MediaError(f"{path}: video stream has no frame rate; the file is probably damaged")
    container.seek(0)
    pts = []
    for packet in container.demux(stream):
        if packet.pts is not None:
            pts.append(packet.pts)
        if len(pts) >= VFR_SAMPLE_PACKETS:
            break
    container.seek(0)
    try:
        frame = next(container.decode(stream), None)
    except av.error.FFmpegError:
        frame = None
    if frame is None:
        raise MediaError(f"{path}: no video frame could be decoded; the file is damaged or truncated")
    field_order = FIELD_ORDERS.get(int(cc.field_order or 0), "unknown")
    interlaced = bool(frame.interlaced_frame) or field_order in ("tt", "bb", "tb", "bt")
    if interlaced and field_order in ("unknown", "progressive"):
        field_order = "tt"
    return VideoFacts(
        codec=cc.name,
        profile=stream.profile or "",
        width=int(cc.width),
        height=int(cc.height),
        frame_rate=str(Fraction(rate.numerator, rate.denominator)),
        variable_frame_rate=_variable(pts),
        field_order=field_order if field_order != "unknown" else "progressive",
        interlaced=interlaced,
        rotation=int(round(frame.rotation or 0)) % 360,
        pix_fmt=str(cc.pix_fmt or ""),
    )


def _variable(pts: list[int]) -> bool:
    """True when frame durations differ by more than 10% (phones drop and stretch frames)."""
    pts = sorted(set(pts))
    deltas = [b - a for a, b in zip(pts, pts[1:]) if b > a]
    if len(deltas) < 3:
        return False
    return max(deltas) > min(deltas) * 1.1


def _check_tail(
    path: Path, container: av.container.InputContainer, stream: av.stream.Stream, duration_ms: int
) -> None:
    """A file cut short (a copy interrupted) has an index promising data that is not there.

    Demux (no decoding) from the last second: the packets must reach the stream's stated end and
    lie inside the file.
    """
    size = path.stat().st_size
    expected_ms = duration_ms
    if stream.duration and stream.time_base:
        expected_ms = int(stream.duration * stream.time_base * 1000)
    try:
        container.seek(int(max(0.0, expected_ms / 1000 - TAIL_CHECK_S) * 1_000_000), backward=True)
        reached_ms = -1
        for packet in container.demux(stream):
            if not packet.size:
                continue
            if packet.pos is not None and packet.pos >= 0 and packet.pos + packet.size > size:
                break
            if packet.pts is not None and packet.time_base:
                end = packet.pts + (packet.duration or 0)
                if stream.start_time:
                    end -= stream.start_time
                reached_ms = max(reached_ms, int(end * packet.time_base * 1000))
    except av.error.FFmpegError as exc:
        raise MediaError(f"{path}: unreadable near the end ({_reason(exc)}); the file is truncated") from None
    if reached_ms < expected_ms - TRUNCATION_SLACK_MS:
        raise MediaError(
            f"{path}: data stops at {max(reached_ms, 0) / 1000:.1f} s of {expected_ms / 1000:.1f} s; "
            "the file is truncated, copy it again from the camera card"
        )
