"""Probe facts of the camera formats an office meets, and refusal of broken files."""

from __future__ import annotations

import media
import pytest

from pipeline.errors import MediaError
from pipeline.media.probe import MediaFacts, probe


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("cams")
    return {
        "mts": media.avchd_mts(d / "00001.MTS"),
        "mov": media.dslr_mov(d / "DSC_0001.MOV"),
        "phone": media.phone_mp4(d / "VID_2026 手机.mp4"),
        "4k": media.broll_4k_hevc(d / "broll 4k.mp4"),
        "wav": media.audio_only(d / "music.wav"),
    }


def test_avchd_interlaced_ac3(clips):
    f = probe(clips["mts"])
    assert f.container == "mpegts"
    assert (f.video.codec, f.video.width, f.video.height) == ("h264", 1920, 1080)
    assert f.video.interlaced and f.video.field_order == "tt"
    assert f.video.fps == 25
    assert (f.audio.codec, f.audio.sample_rate, f.audio.channels) == ("ac3", 48000, 2)
    assert 1900 <= f.duration_ms <= 2100


def test_dslr_pcm(clips):
    f = probe(clips["mov"])
    assert f.video.codec == "h264" and not f.video.interlaced and f.video.field_order == "progressive"
    assert f.audio.codec == "pcm_s16le"
    assert not f.video.variable_frame_rate


def test_phone_hevc_vfr_rotated(clips):
    f = probe(clips["phone"])
    assert f.video.codec == "hevc"
    assert f.video.variable_frame_rate
    assert f.video.rotation == 90
    assert f.video.display_size == (360, 640)


def test_4k_hevc_without_audio(clips):
    f = probe(clips["4k"])
    assert (f.video.codec, f.video.width, f.video.height) == ("hevc", 3840, 2160)
    assert f.audio is None


def test_audio_only(clips):
    f = probe(clips["wav"])
    assert f.video is None and f.audio.codec == "pcm_s16le"


def test_facts_round_trip_through_json(clips):
    f = probe(clips["phone"])
    assert type(f).from_dict(f.to_dict()) == f


def test_broken_files_are_refused(tmp_path, clips):
    empty = tmp_path / "empty.MTS"
    empty.write_bytes(b"")
    text = tmp_path / "notes.mov"
    text.write_text("这不是视频\n" * 50, "utf-8")
    data = clips["mov"].read_bytes()
    truncated = tmp_path / "cut short.MOV"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match=r"empty\.MTS: file is empty \(0 bytes\)"):
        probe(empty)
    with pytest.raises(MediaError, match=r"notes\.mov: not a readable media file"):
        probe(text)
    with pytest.raises(MediaError, match=r"cut short\.MOV: .*truncated"):
        probe(truncated)
    with pytest.raises(MediaError, match="file not found"):
        probe(tmp_path / "missing.mp4")


def test_truncated_faststart_mp4_is_refused(tmp_path):
    whole = media.make_clip(tmp_path / "fs.mp4", audio=False, extra=("-movflags", "+faststart"))
    data = whole.read_bytes()
    cut = tmp_path / "fs-cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(MediaError, match="truncated"):
        probe(cut)


@pytest.fixture(scope="module")
def camera_facts(tmp_path_factory):
    d = tmp_path_factory.mktemp("colour")
    return {
        "anamorphic": probe(media.anamorphic_clip(d / "00001.MTS", duration=0.5)),
        "hlg": probe(media.hdr_clip(d / "IMG_0001.MOV", "hlg", duration=0.4)),
        "pq": probe(media.hdr_clip(d / "VID_pq.mp4", "pq", duration=0.4)),
        "sd": probe(media.sd_601_clip(d / "sd.mov", duration=0.4)),
        "tc": probe(
            media.make_clip(
                d / "tc.mov",
                duration=0.4,
                channels=6,
                extra=("-timecode", "10:00:00:00", "-color_primaries", "bt709"),
            )
        ),
    }


def test_anamorphic_sample_and_display_aspect(camera_facts):
    v = camera_facts["anamorphic"].video
    assert (v.width, v.height, v.sar, v.dar) == (1440, 1080, "4:3", "16:9")
    assert v.display_size == (1920, 1080)


def test_hdr_kind_colour_and_bit_depth(camera_facts):
    hlg, pq = camera_facts["hlg"].video, camera_facts["pq"].video
    assert (hlg.hdr, hlg.color_primaries, hlg.color_transfer, hlg.color_matrix) == (
        "HLG",
        "bt2020",
        "arib-std-b67",
        "bt2020nc",
    )
    assert (hlg.color_range, hlg.bit_depth) == ("tv", 10)
    assert (pq.hdr, pq.color_transfer, pq.bit_depth) == ("PQ", "smpte2084", 10)


def test_sd_bt601_and_plain_sdr(camera_facts):
    sd = camera_facts["sd"].video
    assert (sd.hdr, sd.color_matrix, sd.matrix, sd.bit_depth) == ("SDR", "bt470bg", "bt470bg", 8)
    assert (sd.sar, sd.dar, sd.display_size) == ("16:15", "4:3", (768, 576))


def test_timecode_and_audio_layout_per_stream(camera_facts):
    f = camera_facts["tc"]
    assert f.timecode == "10:00:00:00"
    assert [(a.channels, a.layout) for a in f.audio_streams] == [(6, "5.1")]
    assert "TC 10:00:00:00" in f.describe() and "audio 1: 6 ch 5.1" in f.describe()


def test_facts_round_trip_and_old_index_entries_still_load(camera_facts):
    f = camera_facts["hlg"]
    assert MediaFacts.from_dict(f.to_dict()) == f
    old = f.to_dict()
    for key in ("sar", "dar", "color_primaries", "color_transfer", "color_matrix", "color_range", "hdr"):
        del old["video"][key]
    del old["audio_streams"], old["timecode"]
    loaded = MediaFacts.from_dict(old)
    assert loaded.video.sar == "1:1" and loaded.video.hdr == "SDR" and loaded.audio_streams == (loaded.audio,)
