"""Pure parts of the review server: byte ranges, proxy recipe, host check, cue validation, wording."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.media.probe import AudioFacts, MediaFacts, VideoFacts
from pipeline.project.model import Glossary
from pipeline.review.proxy import proxy_args, proxy_size
from pipeline.review.ranges import ByteRange, RangeNotSatisfiable, requested_range
from pipeline.review.server import ReviewServer
from pipeline.review.wire import InvalidCues, cues_from_json
from pipeline.review.wording import describe
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import load_qc_profile
from pipeline.subtitles.qc import lint

# ---- byte ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-10", ByteRange(990, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=900-5000", ByteRange(900, 999)),
        ("bytes=999-999", ByteRange(999, 999)),
        ("BYTES = 1 - 2", ByteRange(1, 2)),
        (None, None),
        ("", None),
        ("bytes=5-1", None),  # invalid: ignored, the whole file is sent
        ("bytes=0-1,5-6", None),  # several ranges: not offered
        ("items=0-1", None),
        ("bytes=-", None),
        ("bytes=a-b", None),
    ],
)
def test_requested_range(header, expected):
    assert requested_range(header, 1000) == expected


@pytest.mark.parametrize(
    "header, size",
    [("bytes=1000-", 1000), ("bytes=5000-6000", 1000), ("bytes=-0", 1000), ("bytes=0-", 0), ("bytes=-5", 0)],
)
def test_ranges_beyond_the_end_are_not_satisfiable(header, size):
    with pytest.raises(RangeNotSatisfiable):
        requested_range(header, size)


def test_content_range_names_the_part_and_the_size():
    part = ByteRange(0, 99)
    assert part.length == 100 and part.content_range(1234) == "bytes 0-99/1234"


# ---- proxy recipe ----------------------------------------------------------------------------------


def facts(width=1920, height=1080, interlaced=False, rotation=0, audio=True, video=True) -> MediaFacts:
    picture = (
        VideoFacts(
            "h264",
            "High",
            width,
            height,
            "25/1",
            False,
            "tt" if interlaced else "progressive",
            interlaced,
            rotation,
            "yuv420p",
        )
        if video
        else None
    )
    return MediaFacts("mp4", 4000, 1000, picture, AudioFacts("aac", 48000, 2) if audio else None)


@pytest.mark.parametrize(
    "display, size",
    [
        ((1920, 1080), (640, 360)),
        ((1080, 1920), (360, 640)),  # a phone held upright stays upright
        ((1440, 1080), (480, 360)),  # 4:3 fits by height
        ((320, 240), (320, 240)),  # never enlarged
        ((3840, 2160), (640, 360)),
        ((721, 405), (640, 360)),
        ((101, 57), (100, 56)),  # even sizes for yuv420p
    ],
)
def test_proxy_size(display, size):
    assert proxy_size(display) == size


def test_proxy_args_for_interlaced_camcorder_footage(tmp_path):
    args = proxy_args(tmp_path / "in.mts", tmp_path / "out.mp4", facts(interlaced=True))
    assert args[args.index("-vf") + 1] == (
        "bwdif=mode=send_frame,scale=640:360,setsar=1,format=yuv420p,"
        "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
    )
    assert args[args.index("-profile:v") + 1] == "baseline" and args[args.index("-c:a") + 1] == "aac"
    assert args[args.index("-movflags") + 1] == "+faststart" and args[-1] == str(tmp_path / "out.mp4")
    assert "-noautorotate" not in args  # ffmpeg turns rotated phone pictures upright while decoding


def test_proxy_args_for_a_rotated_phone_clip_and_missing_streams(tmp_path):
    rotated = proxy_args(tmp_path / "in.mp4", tmp_path / "out.mp4", facts(1920, 1080, rotation=-90))
    assert "scale=360:640" in rotated[rotated.index("-vf") + 1]
    silent = proxy_args(tmp_path / "in.mp4", tmp_path / "out.mp4", facts(audio=False))
    assert "-an" in silent and "0:a:0" not in silent
    sound_only = proxy_args(tmp_path / "in.wav", tmp_path / "out.mp4", facts(video=False))
    assert "-vn" in sound_only and "-vf" not in sound_only


# ---- host check ------------------------------------------------------------------------------------


@pytest.fixture
def loopback_server(tmp_path):
    server = ReviewServer(tmp_path)
    yield server
    server.close()


def test_host_check_on_loopback(loopback_server):
    port = loopback_server.port
    for good in (f"127.0.0.1:{port}", f"localhost:{port}", f"Localhost:{port}", f"[::1]:{port}"):
        assert loopback_server.host_allowed(good), good
    for bad in (
        None,
        "",
        "127.0.0.1",
        f"evil.example:{port}",
        f"127.0.0.1:{port + 1}",
        f"10.0.0.5:{port}",
        f"localhost.evil.example:{port}",
        f"127.0.0.1.nip.io:{port}",
        f"user@127.0.0.1:{port}",
    ):
        assert not loopback_server.host_allowed(bad), bad
    assert loopback_server.loopback_only
    assert loopback_server.url == f"http://127.0.0.1:{port}/"


def test_host_check_when_listening_on_every_address(tmp_path):
    server = ReviewServer(tmp_path, host="0.0.0.0")
    try:
        port = server.port
        assert server.host_allowed(f"192.168.1.20:{port}")  # an address cannot be re-bound by DNS
        assert not server.host_allowed(f"review.evil.example:{port}")
        assert not server.loopback_only and server.url == f"http://127.0.0.1:{port}/"
    finally:
        server.close()


# ---- cues from the browser -------------------------------------------------------------------------


def test_cues_from_json_for_checking_let_qc_report_bad_cues():
    cues = cues_from_json(
        [{"start_ms": 5, "end_ms": 1, "text": ""}, {"start_ms": 0, "end_ms": 9, "text": " a\r\nb "}],
        for_saving=False,
    )
    assert cues == (Cue(5, 1, ()), Cue(0, 9, ("a", "b")))


def test_cues_from_json_for_saving_refuse_unwritable_cues():
    with pytest.raises(InvalidCues, match="第 1 条字幕没有文字"):
        cues_from_json([{"start_ms": 0, "end_ms": 9, "text": "\n"}], for_saving=True)
    with pytest.raises(InvalidCues, match="过长"):
        cues_from_json([{"start_ms": 0, "end_ms": 9, "text": "长" * 501}], for_saving=True)
    with pytest.raises(InvalidCues, match="条数过多"):
        cues_from_json([{"start_ms": 0, "end_ms": 9, "text": "a"}] * 5001, for_saving=False)


# ---- wording ---------------------------------------------------------------------------------------


def test_every_finding_reads_in_chinese():
    profile = load_qc_profile("zh-CN")
    glossary = Glossary(terms=("两委",), wrong_forms=(("两为", "两委"),))
    cues = (
        Cue(0, 500, ("這是两为",)),
        Cue(520, 9000, ("这一行字幕写得实在太长太长超过了十六个字，",)),
        Cue(8000, 9500, ("甲", "乙", "丙")),
    )
    findings = lint(cues, profile, glossary, "int-001")
    labels = {f.rule: describe(f) for f in findings}
    assert labels["traditional"] == "含繁体字 這：请改为简体"
    assert labels["glossary"] == "与词表不符：“两为”应为“两委”"
    assert labels["min_duration"] == "显示 0.5 秒，短于 0.83 秒：请延长或与相邻字幕合并"
    assert labels["max_duration"] == "显示 8.48 秒，长于 7 秒：请拆分"
    assert labels["gap"] == "与上一条只隔 20 毫秒，至少要 80 毫秒：请提前结束上一条"
    assert labels["line_length"] == "单行最多 16 字，这一条有一行 21 字：请删减或分行"
    assert labels["lines_per_cue"] == "最多 2 行，这一条有 3 行：请删减或拆分"
    assert labels["overlap"] == "与上一条字幕时间重叠：请改正时间"
    for label in labels.values():
        assert not any(c.isascii() and c.isalpha() for c in label), label


def test_proxy_args_show_anamorphic_at_display_aspect_and_tone_map_hdr(tmp_path):
    anamorphic = facts(1440, 1080)
    anamorphic = dataclasses.replace(anamorphic, video=dataclasses.replace(anamorphic.video, sar="4:3"))
    args = proxy_args(tmp_path / "in.mts", tmp_path / "out.mp4", anamorphic)
    assert args[args.index("-vf") + 1].startswith("scale=640:360,setsar=1")
    hlg = dataclasses.replace(
        anamorphic.video,
        sar="1:1",
        hdr="HLG",
        color_primaries="bt2020",
        color_transfer="arib-std-b67",
        color_matrix="bt2020nc",
    )
    chain = proxy_args(tmp_path / "in.mov", tmp_path / "out.mp4", dataclasses.replace(anamorphic, video=hlg))
    vf = chain[chain.index("-vf") + 1]
    assert "tonemap=tonemap=mobius" in vf and vf.endswith("range=tv")
    assert chain[chain.index("-color_trc") + 1] == "bt709"
