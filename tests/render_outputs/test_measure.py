"""measure_output / measure_loudness / measure_image / mp4_faststart on real (tiny) files."""

from __future__ import annotations

import hashlib
import json
import re
import struct
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from pipeline.errors import MediaError
from pipeline.media.runner import run_ffmpeg
from pipeline.render.measure import (
    measure_image,
    measure_loudness,
    measure_output,
    mp4_faststart,
    parse_ebur128_summary,
)


def test_good_output_facts(good_mp4: Path, good_facts) -> None:
    f = good_facts
    assert f.container.startswith("mov,mp4")
    assert f.duration_s == pytest.approx(2.0, abs=0.05)
    assert (f.width, f.height, f.video_codec, f.video_profile, f.pix_fmt) == (
        320,
        240,
        "h264",
        "High",
        "yuv420p",
    )
    assert f.frame_rate == Fraction(25)
    assert f.keyframe_interval_s == pytest.approx(2.0, abs=0.05)  # one 2 s GOP
    assert (f.audio_codec, f.audio_profile, f.sample_rate, f.channels) == ("aac", "LC", 48000, 2)
    assert f.video_duration_s == pytest.approx(2.0, abs=0.05)
    assert f.audio_duration_s == pytest.approx(2.0, abs=0.05)
    assert f.size_bytes == good_mp4.stat().st_size
    assert f.sha256 == hashlib.sha256(good_mp4.read_bytes()).hexdigest()
    assert f.faststart is True
    assert f.loudness is not None and f.loudness.integrated_lufs == pytest.approx(-15.0, abs=0.5)


def test_faststart_read_from_the_atoms(no_faststart_mp4: Path, sine_minus20_wav: Path) -> None:
    assert measure_output(no_faststart_mp4, loudness=False).faststart is False
    assert mp4_faststart(sine_minus20_wav) is None  # not an MP4 at all


def _atom(kind: bytes, body: bytes = b"", large: bool = False) -> bytes:
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + len(body)) + body
    return struct.pack(">I4s", 8 + len(body), kind) + body


@pytest.mark.parametrize(
    "atoms, expected",
    [
        ([_atom(b"ftyp", b"isom"), _atom(b"moov", b"x" * 20), _atom(b"mdat", b"y" * 50)], True),
        (
            [_atom(b"ftyp", b"isom"), _atom(b"free"), _atom(b"mdat", b"y" * 50), _atom(b"moov", b"x" * 20)],
            False,
        ),
        ([_atom(b"ftyp", b"isom"), _atom(b"mdat", b"y" * 50, large=True), _atom(b"moov", b"x")], False),
        ([_atom(b"ftyp", b"isom"), _atom(b"moov", b"x"), struct.pack(">I4s", 0, b"mdat") + b"z" * 30], True),
        ([_atom(b"ftyp", b"isom"), _atom(b"moov", b"x")], None),  # no mdat
        ([b"RIFF" + b"\0" * 40], None),
    ],
)
def test_mp4_faststart_parses_top_level_atoms(tmp_path: Path, atoms, expected) -> None:
    path = tmp_path / "a.mp4"
    path.write_bytes(b"".join(atoms))
    assert mp4_faststart(path) is expected


def test_yuv444_reports_high_444(yuv444_mp4: Path) -> None:
    f = measure_output(yuv444_mp4, loudness=False)
    assert (f.pix_fmt, f.video_profile) == ("yuv444p", "High 4:4:4 Predictive")
    assert f.loudness is None


def test_keyframe_interval_of_a_long_gop(long_gop_mp4: Path) -> None:
    f = measure_output(long_gop_mp4)
    assert f.keyframe_interval_s == pytest.approx(3.0, abs=0.05)
    assert f.audio_codec is None and f.loudness is None and f.channels is None


def test_loudness_of_a_known_sine(sine_minus20_wav: Path) -> None:
    measured = measure_loudness(sine_minus20_wav)
    # BS.1770: 20*log10(0.1) - 3.01 = -23.01 LUFS for one channel; the peak of a sine is its amplitude
    assert measured.integrated_lufs == pytest.approx(-23.0, abs=0.3)
    assert measured.true_peak_dbtp == pytest.approx(-20.0, abs=0.3)
    # no LRA figure is asserted: on 3 s the meter's 3 s windows ramp up from silence and report a
    # meaningless range (20 LU here), which is why QC ignores LRA under 60 s
    assert measured.lra_lu >= 0
    # and ffmpeg's other meter (loudnorm's first pass) agrees
    stderr = run_ffmpeg(
        ["-i", str(sine_minus20_wav), "-af", "loudnorm=print_format=json", "-f", "null", "-"]
    ).stderr
    report = json.loads(re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr).group(0))
    assert measured.integrated_lufs == pytest.approx(float(report["input_i"]), abs=0.3)
    assert measured.true_peak_dbtp == pytest.approx(float(report["input_tp"]), abs=0.3)


SUMMARY = """[Parsed_ebur128_0 @ 0x1] Summary:

  Integrated loudness:
    I:         -15.3 LUFS
    Threshold: -25.6 LUFS

  Loudness range:
    LRA:         6.1 LU
    Threshold: -35.7 LUFS
    LRA low:   -19.0 LUFS
    LRA high:  -12.9 LUFS

  True peak:
    Peak:       {peak} dBFS
[out#0/null @ 0x2] video:0KiB audio:938KiB
"""


def test_parse_ebur128_summary() -> None:
    facts = parse_ebur128_summary(SUMMARY.format(peak="-1.4"))
    assert (facts.integrated_lufs, facts.lra_lu, facts.true_peak_dbtp) == (-15.3, 6.1, -1.4)
    assert parse_ebur128_summary(SUMMARY.format(peak="-inf")).true_peak_dbtp == float("-inf")


def test_parse_ebur128_without_summary_names_the_file() -> None:
    with pytest.raises(MediaError, match=r"^x\.mp4: ffmpeg's ebur128 printed no loudness summary"):
        parse_ebur128_summary("t: 0.1 M: -20", source="x.mp4")


def test_measuring_missing_empty_or_silent_files(tmp_path: Path, long_gop_mp4: Path) -> None:
    with pytest.raises(MediaError, match="output file not found"):
        measure_output(tmp_path / "nope.mp4")
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(MediaError, match="empty"):
        measure_output(tmp_path / "empty.mp4")
    (tmp_path / "junk.mp4").write_bytes(b"not a video at all" * 10)
    with pytest.raises(MediaError, match="not a readable media file"):
        measure_output(tmp_path / "junk.mp4")
    with pytest.raises(MediaError, match="has no audio stream"):
        measure_loudness(long_gop_mp4)


def test_measure_image(tmp_path: Path) -> None:
    Image.new("RGB", (900, 383), "red").save(tmp_path / "c.jpg", quality=80)
    width, height, fmt, size = measure_image(tmp_path / "c.jpg")
    assert (width, height, fmt, size) == (900, 383, "JPEG", (tmp_path / "c.jpg").stat().st_size)
    (tmp_path / "bad.jpg").write_bytes(b"nope")
    with pytest.raises(MediaError, match="not a readable image"):
        measure_image(tmp_path / "bad.jpg")


def test_silence_has_minus_inf_true_peak(outputs_dir: Path) -> None:
    path = outputs_dir / "silence.m4a"
    run_ffmpeg(
        ["-y", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "1", "-c:a", "aac", str(path)],
        outputs=[path],
    )
    facts = measure_loudness(path)
    assert facts.true_peak_dbtp == float("-inf")
    assert facts.integrated_lufs <= -70.0
