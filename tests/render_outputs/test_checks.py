"""check_output fires on each way an output misses its preset, and stays silent when it does not."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from pipeline.render.checks import (
    BYTES_PER_MB,
    Problem,
    check_cover,
    check_output,
    codec_of,
    failure_message,
)
from pipeline.render.measure import OutputFacts, measure_output
from pipeline.render.platforms import Cover, load_platform

NAME = "exports/web/x.mp4"


def facts_like(good: OutputFacts, **changes) -> OutputFacts:
    return dataclasses.replace(good, **changes)


def loud(good: OutputFacts, **changes) -> OutputFacts:
    return dataclasses.replace(good, loudness=dataclasses.replace(good.loudness, **changes))


def fields(problems: tuple[Problem, ...]) -> list[str]:
    return [p.field for p in problems]


def test_a_good_output_passes(good_facts, small_web) -> None:
    assert check_output(good_facts, small_web, expected_duration_s=2.0, name=NAME) == ()


@pytest.mark.parametrize(
    "change, field",
    [
        (dict(width=352, height=288), "resolution"),
        (dict(video_codec="hevc"), "video_codec"),
        (dict(video_profile="Constrained Baseline"), "profile"),
        (dict(pix_fmt="yuv422p"), "pix_fmt"),
        (dict(frame_rate=Fraction(30000, 1001)), "frame_rate"),
        (dict(frame_rate=None), "frame_rate"),
        (dict(keyframe_interval_s=4.0), "gop"),
        (dict(keyframe_interval_s=math.inf), "gop"),
        (dict(audio_codec="mp3"), "audio_codec"),
        (dict(sample_rate=44100), "sample_rate"),
        (dict(channels=1), "channels"),
        (dict(faststart=False), "faststart"),
        (dict(faststart=None), "faststart"),
        (dict(loudness=None), "loudness"),
    ],
)
def test_each_check_fires_alone(good_facts, small_web, change, field) -> None:
    problems = check_output(facts_like(good_facts, **change), small_web, expected_duration_s=2.0, name=NAME)
    assert fields(problems) == [field]
    assert all(p.message.startswith(f"{NAME}: ") and "\n" not in p.message for p in problems)


def test_missing_streams(good_facts, small_web) -> None:
    no_video = facts_like(
        good_facts,
        video_codec=None,
        video_profile=None,
        width=None,
        height=None,
        pix_fmt=None,
        frame_rate=None,
        video_duration_s=None,
        keyframe_interval_s=None,
    )
    assert fields(check_output(no_video, small_web, expected_duration_s=2.0)) == ["video"]
    no_audio = facts_like(
        good_facts,
        audio_codec=None,
        audio_profile=None,
        sample_rate=None,
        channels=None,
        audio_duration_s=None,
        loudness=None,
    )
    problems = check_output(no_audio, small_web, expected_duration_s=2.0, name=NAME)
    assert fields(problems) == ["audio"]
    assert problems[0].message == f"{NAME}: has no audio stream, expected aac 48000 Hz"


def test_messages_read_as_one_line(good_facts, small_web) -> None:
    problems = check_output(
        loud(good_facts, integrated_lufs=-17.3), small_web, expected_duration_s=2.0, name=NAME
    )
    assert problems == (
        Problem(
            "loudness",
            "-15 ±1 LUFS",
            "-17.3 LUFS",
            "exports/web/x.mp4: loudness -17.3 LUFS, target -15 ±1 LU",
        ),
    )
    (profile,) = check_output(
        facts_like(good_facts, video_profile="High 4:4:4 Predictive"),
        small_web,
        expected_duration_s=2.0,
        name=NAME,
    )
    assert profile.message == f"{NAME}: h264 profile High 4:4:4 Predictive, expected High"


@pytest.mark.parametrize(
    "lufs, fires", [(-15.0, False), (-16.0, False), (-14.0, False), (-16.2, True), (-13.8, True)]
)
def test_loudness_tolerance(good_facts, small_web, lufs, fires) -> None:
    problems = check_output(loud(good_facts, integrated_lufs=lufs), small_web, expected_duration_s=2.0)
    assert fields(problems) == (["loudness"] if fires else [])


@pytest.mark.parametrize(
    "peak, fires", [(-1.0, False), (-0.95, False), (-0.9, False), (-0.8, True), (float("-inf"), False)]
)
def test_true_peak_limit_with_measurement_slack(good_facts, small_web, peak, fires) -> None:
    problems = check_output(loud(good_facts, true_peak_dbtp=peak), small_web, expected_duration_s=2.0)
    assert fields(problems) == (["true_peak"] if fires else [])


def test_loudness_range_only_on_programmes_of_a_minute_or_more(good_facts, small_web) -> None:
    assert small_web.loudness.max_lra_lu == 20.0
    wide = loud(good_facts, lra_lu=25.0)
    assert check_output(wide, small_web, expected_duration_s=2.0) == ()
    long = dataclasses.replace(wide, duration_s=61.0, video_duration_s=61.0, audio_duration_s=61.0)
    assert fields(check_output(long, small_web, expected_duration_s=61.0)) == ["lra"]
    narrow = loud(long, lra_lu=8.0)
    assert check_output(narrow, small_web, expected_duration_s=61.0) == ()


@pytest.mark.parametrize(
    "timeline_s, fires", [(2.0, False), (2.079, False), (1.921, False), (2.1, True), (1.9, True)]
)
def test_duration_within_two_frames_of_the_timeline(good_facts, small_web, timeline_s, fires) -> None:
    exact = facts_like(good_facts, duration_s=2.0, video_duration_s=2.0, audio_duration_s=2.0)
    problems = check_output(exact, small_web, expected_duration_s=timeline_s)
    assert fields(problems) == (["duration", "video_duration", "audio_duration"] if fires else [])


def test_a_short_video_stream_is_caught_even_when_the_container_is_right(good_facts, small_web) -> None:
    short_picture = facts_like(good_facts, duration_s=2.0, video_duration_s=1.5, audio_duration_s=2.0)
    assert fields(check_output(short_picture, small_web, expected_duration_s=2.0)) == ["video_duration"]


def test_frame_tolerance_is_a_parameter(good_facts, small_web) -> None:
    off = facts_like(good_facts, duration_s=2.1, video_duration_s=2.1, audio_duration_s=2.1)
    assert check_output(off, small_web, expected_duration_s=2.0, frame_tolerance=3) == ()
    assert "duration" in fields(check_output(off, small_web, expected_duration_s=2.0, frame_tolerance=2))


def test_platform_duration_limits(good_facts) -> None:
    wechat = load_platform("wechat")  # accepts 3 s to 3599 s
    small = dataclasses.replace(wechat, picture=dataclasses.replace(wechat.picture, width=320, height=240))
    short = check_output(good_facts, small, expected_duration_s=2.0, name=NAME)
    assert fields(short) == ["min_duration"]
    assert short[0].message == f"{NAME}: duration 2.0 s, wechat accepts at least 3 s"
    very_long = facts_like(good_facts, duration_s=3600.0, video_duration_s=3600.0, audio_duration_s=3600.0)
    assert fields(check_output(very_long, small, expected_duration_s=3600.0)) == ["max_duration"]


def test_size_cap(good_facts, small_web) -> None:
    under = facts_like(good_facts, size_bytes=10 * BYTES_PER_MB)
    assert check_output(under, small_web, expected_duration_s=2.0, size_capped_mb=10) == ()
    over = facts_like(good_facts, size_bytes=10 * BYTES_PER_MB + 1)
    assert fields(check_output(over, small_web, expected_duration_s=2.0, size_capped_mb=10)) == ["size"]
    assert check_output(over, small_web, expected_duration_s=2.0) == ()  # no cap asked


def test_variant_size_overrides_the_preset_picture(good_facts, small_web) -> None:
    assert fields(check_output(good_facts, small_web, expected_duration_s=2.0, expected_size=(640, 360))) == [
        "resolution"
    ]
    web = load_platform("web")
    assert check_output(good_facts, web, expected_duration_s=2.0, expected_size=(320, 240)) == ()


def test_faststart_not_required_when_the_preset_says_so(good_facts, small_web) -> None:
    relaxed = dataclasses.replace(small_web, video=dataclasses.replace(small_web.video, faststart=False))
    assert check_output(facts_like(good_facts, faststart=False), relaxed, expected_duration_s=2.0) == ()


def test_real_bad_files(
    yuv444_mp4: Path, wrong_size_mp4: Path, no_faststart_mp4: Path, long_gop_mp4: Path, small_web
) -> None:
    def found(path: Path) -> list[str]:
        return fields(check_output(measure_output(path), small_web, expected_duration_s=2.0))

    assert found(yuv444_mp4) == ["profile", "pix_fmt"]
    assert found(wrong_size_mp4) == ["resolution"]
    assert found(no_faststart_mp4) == ["faststart"]
    long_gop = check_output(measure_output(long_gop_mp4), small_web, expected_duration_s=3.0)
    assert fields(long_gop) == ["resolution", "gop", "audio", "faststart"]


def test_codec_names() -> None:
    assert (codec_of("libx264"), codec_of("libx265"), codec_of("aac"), codec_of("h264")) == (
        "h264",
        "hevc",
        "aac",
        "h264",
    )


def test_failure_message() -> None:
    one = Problem("loudness", "a", "b", "x.mp4: loudness -17.3 LUFS, target -15 ±1 LU")
    two = Problem("pix_fmt", "a", "b", "x.mp4: pixel format yuv444p")
    assert failure_message(()) == ""
    assert failure_message((one,)) == one.message
    assert failure_message((one, two, two)) == (
        "x.mp4: loudness -17.3 LUFS, target -15 ±1 LU (and 2 more problems, listed in exports/manifest.json)"
    )


@pytest.fixture
def lead_cover() -> Cover:
    return Cover("cover-2.35x1", 900, 383)


def test_cover_passes(tmp_path: Path, lead_cover: Cover) -> None:
    Image.new("RGB", (900, 383), "red").save(tmp_path / "c.jpg", quality=70)
    assert check_cover(tmp_path / "c.jpg", lead_cover) == ()
    assert check_cover(tmp_path / "c.jpg", lead_cover, max_kb=64) == ()


def test_cover_problems(tmp_path: Path, lead_cover: Cover) -> None:
    Image.new("RGB", (900, 900), "red").save(tmp_path / "square.jpg")
    Image.new("RGB", (900, 383), "red").save(tmp_path / "c.png")
    noisy = Image.effect_noise((900, 383), 100).convert("RGB")
    noisy.save(tmp_path / "big.jpg", quality=100)
    assert fields(check_cover(tmp_path / "square.jpg", lead_cover)) == ["cover_resolution"]
    assert fields(check_cover(tmp_path / "c.png", lead_cover)) == ["cover_format"]
    (too_big,) = check_cover(tmp_path / "big.jpg", lead_cover, max_kb=64, name="exports/wechat/big.jpg")
    assert too_big.field == "cover_bytes" and too_big.message.startswith(
        "exports/wechat/big.jpg: cover-2.35x1 cover is "
    )
    (missing,) = check_cover(tmp_path / "none.jpg", lead_cover, name="exports/wechat/none.jpg")
    assert (missing.field, missing.measured) == ("cover", "missing")
    assert missing.message.startswith("exports/wechat/none.jpg: cover-2.35x1 cover missing")
