"""Stills for the article body: a few frames of the episode, as JPGs small enough for
`media/uploadimg` (JPG/PNG under 1 MB)."""

from __future__ import annotations

from pathlib import Path

from pipeline.i18n import _
from pipeline.media.runner import run_ffmpeg

STILL_WIDTH = 1080  # a phone screen's width; WeChat shows article pictures at most this wide
STILL_QUALITY = 4  # mjpeg qscale: 2 best .. 31 worst; 4 keeps a 1080p frame well under 1 MB
STILL_FRACTIONS = (0.25, 0.5, 0.75)  # where the stills are taken, as parts of the duration


def still_times_ms(duration_ms: int, count: int = len(STILL_FRACTIONS)) -> tuple[int, ...]:
    """Evenly inside the episode, away from the opening title and the closing credits."""
    fractions = STILL_FRACTIONS[:count] if count <= len(STILL_FRACTIONS) else ()
    return tuple(int(duration_ms * f) for f in fractions)


def still_args(video: Path, at_ms: int, output: Path, *, width: int = STILL_WIDTH) -> list[str]:
    """ffmpeg arguments writing the frame at `at_ms` of `video` as a JPG at most `width` wide."""
    return [
        "-y",
        "-v",
        "error",
        "-ss",
        f"{at_ms / 1000:.3f}",  # before -i: seek to the keyframe, decode to the exact time
        "-i",
        str(video),
        "-frames:v",
        "1",
        "-vf",
        f"scale='min({width},iw)':-2",
        "-q:v",
        str(STILL_QUALITY),
        "-f",
        "image2",
        str(output),
    ]


def extract_still(video: Path, at_ms: int, output: Path) -> Path:
    run_ffmpeg(
        still_args(video, at_ms, output),
        outputs=[output],
        what=_("taking a still of {video}").format(video=video.name),
    )
    return output
