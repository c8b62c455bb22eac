"""The render's smaller ffmpeg commands, built by pure functions: exact argument lists.

The filter graph's goldens are in test_render_graph.py; these are the one-input commands around it
(the cover still, the size refit, the seekable remux). A changed list here is a changed command.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.media.probe import VideoFacts
from pipeline.render.artwork import cover_frame_args
from pipeline.render.colour import still_filters
from pipeline.render.encode import CappedSize
from pipeline.render.platforms import load_platform
from pipeline.render.refit import refit_args
from pipeline.render.remux import remux_args


def test_cover_frame_of_a_progressive_source():
    assert cover_frame_args(Path("/p/footage/int-001.mov"), 61_500, Path("/p/frame.png")) == [
        "-y",
        "-ss",
        "61.5",
        "-i",
        "/p/footage/int-001.mov",
        "-frames:v",
        "1",
        "-update",
        "1",
        "/p/frame.png",
    ]


def probe_like_avchd_lp() -> VideoFacts:
    """An AVCHD LP-mode take: 1440x1080 with 4:3 pixels, interlaced, BT.709."""
    return VideoFacts(
        codec="h264",
        profile="High",
        width=1440,
        height=1080,
        frame_rate="25",
        variable_frame_rate=False,
        field_order="tt",
        interlaced=True,
        rotation=0,
        pix_fmt="yuv420p",
        sar="4:3",
        dar="16:9",
        color_primaries="bt709",
        color_transfer="bt709",
        color_matrix="bt709",
        color_range="tv",
    )


def test_cover_frame_of_an_interlaced_anamorphic_source_is_deinterlaced_then_widened():
    video = probe_like_avchd_lp()
    args = cover_frame_args(
        Path("/p/footage/int-001.mts"), 1_000, Path("/p/frame.png"), filters=still_filters(video)
    )
    steps = args[args.index("-i") + 2 : args.index("-frames:v")]
    assert steps[0] == "-vf"
    assert steps[1].split(",")[:2] == ["bwdif=mode=send_frame", "scale=w=1920:h=1080"]
    assert args[args.index("-ss") + 1] == "1"


def test_refit_re_encodes_at_the_smaller_size_with_the_presets_codecs():
    source, target = Path("/p/exports/wechat/ep.mp4"), Path("/p/exports/wechat/.ep-api.x.part.mp4")
    assert refit_args(source, target, load_platform("wechat"), CappedSize(1280, 720, 1650, "128k")) == [
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0",
        "-vf",
        "scale=1280:720",
        "-c:v",
        "libx264",
        "-preset",
        "medium",
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        "-b:v",
        "1650k",
        "-maxrate",
        "2475k",
        "-bufsize",
        "3300k",
        "-g",
        "50",
        "-keyint_min",
        "50",
        "-sc_threshold",
        "0",
        "-bf",
        "2",
        "-color_primaries",
        "bt709",
        "-color_trc",
        "bt709",
        "-colorspace",
        "bt709",
        "-color_range",
        "tv",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ar",
        "48000",
        "-ac",
        "2",
        "-movflags",
        "+faststart",
        str(target),
    ]


def test_remux_copies_the_first_streams_into_matroska():
    assert remux_args(Path("/p/footage/int-001.mts"), Path("/p/.cache/remux/x.mkv")) == [
        "-y",
        "-i",
        "/p/footage/int-001.mts",
        "-map",
        "0:v:0?",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        "-f",
        "matroska",
        "/p/.cache/remux/x.mkv",
    ]
