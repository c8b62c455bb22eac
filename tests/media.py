"""Tiny media generated with ffmpeg's lavfi sources, in the shapes cameras produce.

Used by fixtures across the test suite; every clip is seconds long and encodes in well under a second
(except the 4K one).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.media.runner import run_ffmpeg


def make_clip(
    path: Path,
    *,
    size: str = "320x240",
    rate: str = "25",
    duration: float = 2.0,
    audio: bool = True,
    video: bool = True,
    vcodec: str = "libx264",
    acodec: str = "aac",
    sample_rate: int = 48000,
    channels: int = 2,
    interlaced: bool = False,
    vfr: bool = False,
    rotation: int = 0,
    tone_hz: int = 440,
    audio_source: Path | None = None,
    extra: tuple[str, ...] = (),
) -> Path:
    """Write a clip to `path`; the container comes from the suffix (.MTS is written as MPEG-TS)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    args: list[str] = ["-y"]
    if video:
        args += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}"]
    if audio:
        if audio_source is not None:
            args += ["-i", str(audio_source)]
        else:
            args += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate={sample_rate}"]
    args += ["-t", f"{duration:.3f}"]
    if video:
        filters = []
        if interlaced:
            filters.append("setfield=tff")
        if vfr:
            filters.append(r"select='not(eq(mod(n\,3)\,1))'")
        if filters:
            args += ["-vf", ",".join(filters)]
        args += ["-c:v", vcodec, "-pix_fmt", "yuv420p"]
        if vcodec == "libx264":
            args += ["-preset", "ultrafast"]
            if interlaced:
                args += ["-flags", "+ilme+ildct", "-x264-params", "tff=1"]
        elif vcodec == "libx265":
            args += ["-preset", "ultrafast", "-x265-params", "log-level=error"]
        if vfr:
            args += ["-fps_mode", "vfr"]
    else:
        args += ["-vn"]
    if audio:
        args += ["-c:a", acodec, "-ar", str(sample_rate), "-ac", str(channels)]
    else:
        args += ["-an"]
    if path.suffix.lower() == ".mts":
        args += ["-f", "mpegts"]
    args += list(extra)
    if rotation:
        tmp = path.with_name(path.stem + ".norot" + path.suffix)
        run_ffmpeg([*args, str(tmp)], outputs=[tmp], what=f"generating {path.name}")
        run_ffmpeg(
            ["-y", "-display_rotation", str(rotation), "-i", str(tmp), "-c", "copy", str(path)],
            outputs=[path],
            what=f"rotating {path.name}",
        )
        tmp.unlink()
    else:
        run_ffmpeg([*args, str(path)], outputs=[path], what=f"generating {path.name}")
    return path


# the camera shapes of docs/specs.md, small enough for tests unless `full_size`
def avchd_mts(path: Path, duration: float = 2.0, full_size: bool = True) -> Path:
    """AVCHD: MPEG-TS, H.264 1080i50 (25 fps, top field first), AC-3 stereo."""
    return make_clip(
        path,
        size="1920x1080" if full_size else "640x360",
        rate="25",
        duration=duration,
        interlaced=True,
        acodec="ac3",
    )


def dslr_mov(path: Path, duration: float = 2.0) -> Path:
    """DSLR: QuickTime, H.264 progressive, PCM audio."""
    return make_clip(path, size="1280x720", rate="25", duration=duration, acodec="pcm_s16le")


def phone_mp4(path: Path, duration: float = 2.0) -> Path:
    """Phone: MP4, HEVC, variable frame rate, rotation metadata (portrait held)."""
    return make_clip(
        path,
        size="640x360",
        rate="30",
        duration=duration,
        vcodec="libx265",
        vfr=True,
        rotation=90,
        sample_rate=44100,
        channels=1,
    )


def broll_4k_hevc(path: Path, duration: float = 0.5) -> Path:
    """4K HEVC B-roll without an audio track."""
    return make_clip(path, size="3840x2160", rate="25", duration=duration, vcodec="libx265", audio=False)


def audio_only(path: Path, duration: float = 2.0) -> Path:
    return make_clip(
        path, video=False, duration=duration, acodec="pcm_s16le" if path.suffix == ".wav" else "aac"
    )
