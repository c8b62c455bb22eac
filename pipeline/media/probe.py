"""Probe media with PyAV: the facts ingest records and render relies on.

Facts are measured, not trusted from headers alone: frame-rate variability comes from packet
timestamps, interlacing, rotation and colour from the first decoded frame, and truncation from
demuxing the end of the file.

Besides size and rate, a clip's picture carries what a finishing editor checks before trusting it:
the sample aspect ratio (1440x1080 HDV/AVCHD LP is stored with SAR 4:3 and shows as 16:9), the
colour primaries, transfer, matrix and range, the bit depth, and from these its HDR kind (HLG
`arib-std-b67`, PQ `smpte2084`, or SDR). Every audio stream is listed with its channel count and
layout, and the camera's start timecode is read from the QuickTime `tmcd` track or a stream's or
the container's `timecode` tag.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from pipeline.errors import MediaError
from pipeline.i18n import _

FIELD_ORDERS = {0: "unknown", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
VFR_SAMPLE_PACKETS = 300
TAIL_CHECK_S = 1.0
TRUNCATION_SLACK_MS = 1000

# FFmpeg's colour enums (libavutil/pixfmt.h, fixed by ITU-T H.273) under the names ffmpeg's options use
PRIMARIES = {
    1: "bt709",
    4: "bt470m",
    5: "bt470bg",
    6: "smpte170m",
    7: "smpte240m",
    9: "bt2020",
    11: "smpte431",
    12: "smpte432",
}
TRANSFERS = {
    1: "bt709", 4: "gamma22", 5: "gamma28", 6: "smpte170m", 7: "smpte240m", 8: "linear",
    13: "iec61966-2-1", 14: "bt2020-10", 15: "bt2020-12", 16: "smpte2084", 18: "arib-std-b67",
}  # fmt: skip
MATRICES = {0: "gbr", 1: "bt709", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 9: "bt2020nc", 10: "bt2020c"}
RANGES = {1: "tv", 2: "pc"}
HDR_KINDS = {"arib-std-b67": "HLG", "smpte2084": "PQ"}
SD_MAX_HEIGHT = 576  # PAL/NTSC standard definition: BT.601 when untagged (as mpv and browsers guess)
HD_MIN_WIDTH = 1280


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
    sar: str = "1:1"  # sample (pixel) aspect ratio, "4:3" for anamorphic 1440x1080
    dar: str = ""  # display aspect ratio of the stored picture, "16:9"
    color_primaries: str = ""  # ffmpeg names: bt709, bt2020, smpte170m...; "" when not tagged
    color_transfer: str = ""  # bt709, arib-std-b67 (HLG), smpte2084 (PQ)...
    color_matrix: str = ""  # bt709, bt2020nc, smpte170m, bt470bg...
    color_range: str = ""  # tv (limited) or pc (full); "" when not tagged
    bit_depth: int = 8
    hdr: str = "SDR"  # HLG, PQ or SDR

    @property
    def fps(self) -> Fraction:
        return Fraction(self.frame_rate)

    @property
    def pixel_aspect(self) -> Fraction:
        num, _sep, den = self.sar.partition(":")
        try:
            value = Fraction(int(num), int(den or 1))
        except (ValueError, ZeroDivisionError):
            return Fraction(1)
        return value if value > 0 else Fraction(1)

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as the picture is meant to be seen: non-square pixels widened (or
        narrowed) to square ones, then rotation applied. 1440x1080 at SAR 4:3 shows as 1920x1080."""
        width = self.width
        if self.pixel_aspect != 1:
            width = max(2, int(round(self.width * self.pixel_aspect / 2)) * 2)
        if self.rotation % 180:
            return self.height, width
        return width, self.height

    @property
    def matrix(self) -> str:
        """The YUV matrix the pixels were made with: as tagged, else BT.601 for SD, BT.709 above."""
        if self.color_matrix:
            return self.color_matrix
        if self.hdr != "SDR":
            return "bt2020nc"
        sd = self.height <= SD_MAX_HEIGHT and self.width < HD_MIN_WIDTH
        return "smpte170m" if sd else "bt709"


@dataclass(frozen=True, slots=True)
class AudioFacts:
    codec: str
    sample_rate: int
    channels: int
    layout: str = ""  # ffmpeg's channel layout name: mono, stereo, 5.1(side)...


@dataclass(frozen=True, slots=True)
class MediaFacts:
    container: str
    duration_ms: int
    size_bytes: int
    video: VideoFacts | None
    audio: AudioFacts | None  # the first audio stream
    audio_streams: tuple[AudioFacts, ...] = ()  # every audio stream, in file order
    timecode: str = ""  # the camera's start timecode, "10:00:00:00" ("10:00:00;00" drop-frame)
    start_ms: int = 0  # the container's first timestamp (MPEG-TS runs on across a spanned recording)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaFacts:
        audio = AudioFacts(**data["audio"]) if data.get("audio") else None
        streams = tuple(AudioFacts(**a) for a in data.get("audio_streams") or ())
        return cls(
            container=data["container"],
            duration_ms=int(data["duration_ms"]),
            size_bytes=int(data["size_bytes"]),
            video=VideoFacts(**data["video"]) if data.get("video") else None,
            audio=audio,
            audio_streams=streams or ((audio,) if audio is not None else ()),
            timecode=data.get("timecode", ""),
            start_ms=int(data.get("start_ms", 0)),
        )

    def describe(self) -> str:
        """One line of what a finishing editor checks: shape, colour, sound, timecode."""
        parts = []
        v = self.video
        if v is not None:
            shape = f"{v.width}x{v.height}"
            if v.sar != "1:1":
                shown = f"{v.display_size[0]}x{v.display_size[1]}"
                shape += " " + _("SAR {sar} (shows {size})").format(sar=v.sar, size=shown)
            parts.append(f"{shape} DAR {v.dar}")
            colour = "/".join(x or "?" for x in (v.color_primaries, v.color_transfer, v.color_matrix))
            parts.append(f"{v.hdr} {v.bit_depth}-bit {colour} {v.color_range or '?'}-range")
        for i, a in enumerate(self.audio_streams, 1):
            parts.append(
                _("audio {number}: {channels} ch {layout}").format(
                    number=i, channels=a.channels, layout=a.layout or "?"
                )
            )
        if self.timecode:
            parts.append(f"TC {self.timecode}")
        return ", ".join(parts)


def probe(path: Path) -> MediaFacts:
    """Probe `path`; raises MediaError naming the file when it is missing, empty, not media or broken."""
    path = Path(path)
    if not path.exists():
        raise MediaError(_("{path}: file not found; check the path").format(path=path))
    if path.is_dir():
        raise MediaError(
            _("{path}: is a folder, not a media file; name the files inside it").format(path=path)
        )
    size = path.stat().st_size
    if size == 0:
        raise MediaError(
            _("{path}: file is empty (0 bytes); copy it again from the camera card").format(path=path)
        )
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except PermissionError:
        raise MediaError(
            _("{path}: cannot be read (permission denied); check the file's permissions").format(path=path)
        ) from None
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError(
            _("{path}: not a readable media file ({reason}); is it truncated or mis-named?").format(
                path=path, reason=_reason(exc)
            )
        ) from None
    try:
        with container:
            return _facts(path, size, container)
    except av.error.FFmpegError as exc:
        raise MediaError(
            _("{path}: damaged media ({reason}); copy it again from the camera card").format(
                path=path, reason=_reason(exc)
            )
        ) from None


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[-1].strip() if ":" in text and len(text) > 80 else text


def _facts(path: Path, size: int, container: av.container.InputContainer) -> MediaFacts:
    video_stream = next(
        (s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)), None
    )
    audio_stream = container.streams.audio[0] if container.streams.audio else None
    audio_streams = tuple(_audio_facts(s) for s in container.streams.audio)
    main_stream = video_stream or audio_stream
    if main_stream is None:
        raise MediaError(
            _("{path}: has neither a video nor an audio stream; is it a media file?").format(path=path)
        )
    duration_ms = _duration_ms(container, main_stream)
    if duration_ms <= 0:
        raise MediaError(
            _("{path}: has no measurable duration; the file is probably truncated").format(path=path)
        )
    video = _video_facts(path, container, video_stream) if video_stream is not None else None
    _check_tail(path, container, main_stream, duration_ms)
    return MediaFacts(
        container=container.format.name,
        duration_ms=duration_ms,
        size_bytes=size,
        video=video,
        audio=audio_streams[0] if audio_streams else None,
        audio_streams=audio_streams,
        timecode=_timecode(container, video_stream),
        start_ms=int((container.start_time or 0) // 1000),
    )


def _audio_facts(stream: av.audio.stream.AudioStream) -> AudioFacts:
    cc = stream.codec_context
    layout = ""
    try:
        layout = cc.layout.name or ""
    except (AttributeError, ValueError):
        pass
    return AudioFacts(
        codec=cc.name, sample_rate=int(cc.sample_rate or 0), channels=int(cc.channels or 0), layout=layout
    )


def _timecode(container: av.container.InputContainer, video: av.stream.Stream | None) -> str:
    """The start timecode: the QuickTime/MP4 `tmcd` track (a data stream), the video stream's tag, any
    stream's, then the container's (MXF, some MPEG-TS muxers)."""
    streams = list(container.streams.data) + ([video] if video is not None else []) + list(container.streams)
    for source in [*(s.metadata for s in streams), container.metadata]:
        value = (source or {}).get("timecode", "")
        if value and _is_timecode(value):
            return value
    return ""


def _is_timecode(value: str) -> bool:
    parts = value.replace(";", ":").replace(".", ":").split(":")
    return len(parts) == 4 and all(p.isdigit() for p in parts)


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
        raise MediaError(
            _("{path}: video stream has no frame rate; the file is probably damaged").format(path=path)
        )
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
        raise MediaError(
            _("{path}: no video frame could be decoded; the file is damaged or truncated").format(path=path)
        )
    colour = _colour(cc, frame)
    field_order = FIELD_ORDERS.get(int(cc.field_order or 0), "unknown")
    sar = _sample_aspect(cc, stream)
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
        sar=f"{sar.numerator}:{sar.denominator}",
        dar=_ratio(Fraction(int(cc.width)) * sar / int(cc.height)),
        bit_depth=_bit_depth(cc, frame),
        **colour,
    )


def _sample_aspect(cc: av.video.codeccontext.VideoCodecContext, stream: av.stream.Stream) -> Fraction:
    # PyAV's stubs do not declare the stream's own sample_aspect_ratio (it is on video streams)
    for value in (cc.sample_aspect_ratio, getattr(stream, "sample_aspect_ratio", None)):
        if value and value > 0:
            return Fraction(value.numerator, value.denominator)
    return Fraction(1)


def _ratio(value: Fraction) -> str:
    """An aspect ratio as a editor writes it: 16:9, 4:3, 9:16; else the reduced fraction."""
    return f"{value.numerator}:{value.denominator}"


def _colour(cc: av.video.codeccontext.VideoCodecContext, frame: av.VideoFrame) -> dict[str, str]:
    """Colour tags from the decoded frame (what the bitstream and container say), else the decoder's."""

    def pick(attr: str, names: dict[int, str]) -> str:
        for source in (frame, cc):
            value = getattr(source, attr, None)
            if value is not None and int(value) in names:
                return names[int(value)]
        return ""

    transfer = pick("color_trc", TRANSFERS)
    return {
        "color_primaries": pick("color_primaries", PRIMARIES),
        "color_transfer": transfer,
        "color_matrix": pick("colorspace", MATRICES),
        "color_range": pick("color_range", RANGES),
        "hdr": HDR_KINDS.get(transfer, "SDR"),
    }


def _bit_depth(cc: av.video.codeccontext.VideoCodecContext, frame: av.VideoFrame) -> int:
    try:
        return max(int(c.bits) for c in frame.format.components)
    except (AttributeError, ValueError):
        return 8


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
        raise MediaError(
            _("{path}: unreadable near the end ({reason}); the file is truncated").format(
                path=path, reason=_reason(exc)
            )
        ) from None
    if reached_ms < expected_ms - TRUNCATION_SLACK_MS:
        raise MediaError(
            _(
                "{path}: data stops at {reached:.1f} s of {expected:.1f} s; the file is truncated, copy it again from the camera card"
            ).format(path=path, reached=max(reached_ms, 0) / 1000, expected=expected_ms / 1000)
        )
