"""Tiny outputs in the shapes a render can go wrong in, generated once per test session."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from media import make_clip

from pipeline.media.runner import run_ffmpeg
from pipeline.render.measure import OutputFacts, measure_output
from pipeline.render.platforms import PlatformPreset, load_platform

SMALL = "320x240"
# what the web preset asks of the encoder, at a test-sized picture
WEB_LIKE = (
    "-preset",
    "veryfast",
    "-profile:v",
    "high",
    "-g",
    "50",
    "-keyint_min",
    "50",
    "-sc_threshold",
    "0",
)
# lavfi's sine is 1/8 full scale (-18 dBFS), -21 dBFS per channel once upmixed to stereo: +6 dB reads
# about -15 LUFS at 1 kHz, the web target
AT_TARGET = ("-af", "volume=6dB")


@pytest.fixture(scope="session")
def outputs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("render_outputs")


@pytest.fixture(scope="session")
def good_mp4(outputs_dir: Path) -> Path:
    """Passes a 320x240 web preset: High, yuv420p, 25 fps, 2 s GOP, AAC 48 kHz stereo, -15 LUFS, faststart."""
    return make_clip(
        outputs_dir / "good.mp4",
        size=SMALL,
        duration=2.0,
        tone_hz=1000,
        extra=(*WEB_LIKE, *AT_TARGET, "-movflags", "+faststart"),
    )


@pytest.fixture(scope="session")
def no_faststart_mp4(outputs_dir: Path, good_mp4: Path) -> Path:
    """The same streams with moov written after mdat (ffmpeg's default)."""
    path = outputs_dir / "no-faststart.mp4"
    run_ffmpeg(["-y", "-i", str(good_mp4), "-c", "copy", str(path)], outputs=[path], what="remuxing")
    return path


@pytest.fixture(scope="session")
def yuv444_mp4(outputs_dir: Path) -> Path:
    """What an RGB title card yields without -pix_fmt yuv420p: H.264 "High 4:4:4 Predictive"."""
    return make_clip(
        outputs_dir / "yuv444.mp4",
        size=SMALL,
        duration=2.0,
        tone_hz=1000,
        extra=(
            "-preset",
            "veryfast",
            "-g",
            "50",
            *AT_TARGET,
            "-pix_fmt",
            "yuv444p",
            "-movflags",
            "+faststart",
        ),
    )


@pytest.fixture(scope="session")
def wrong_size_mp4(outputs_dir: Path) -> Path:
    return make_clip(
        outputs_dir / "wrong-size.mp4",
        size="352x288",
        duration=2.0,
        tone_hz=1000,
        extra=(*WEB_LIKE, *AT_TARGET, "-movflags", "+faststart"),
    )


@pytest.fixture(scope="session")
def long_gop_mp4(outputs_dir: Path) -> Path:
    """3 s with one keyframe (x264's default keyint 250): no 2 s GOP."""
    return make_clip(
        outputs_dir / "long-gop.mp4",
        size="160x120",
        duration=3.0,
        audio=False,
        extra=("-preset", "veryfast", "-profile:v", "high"),
    )


@pytest.fixture(scope="session")
def sine_minus20_wav(outputs_dir: Path) -> Path:
    """3 s of a 1 kHz sine at exactly -20 dBFS peak, mono: BS.1770 reads it at -23.0 LUFS
    (a 0 dBFS 1 kHz sine in one channel measures -3.01 LUFS), true peak -20 dBTP."""
    path = outputs_dir / "sine-20dbfs.wav"
    run_ffmpeg(
        [
            "-y",
            "-f",
            "lavfi",
            "-i",
            "aevalsrc=0.1*sin(2*PI*1000*t):s=48000:d=3",
            "-c:a",
            "pcm_s16le",
            str(path),
        ],
        outputs=[path],
        what="generating a sine",
    )
    return path


@pytest.fixture(scope="session")
def small_web() -> PlatformPreset:
    """The web preset with a 320x240 picture, so test files stay tiny."""
    web = load_platform("web")
    return dataclasses.replace(web, picture=dataclasses.replace(web.picture, width=320, height=240))


@pytest.fixture(scope="session")
def good_facts(good_mp4: Path) -> OutputFacts:
    return measure_output(good_mp4)
