"""File names, drafts, and the WeChat size-capped variant's bitrate (pure)."""

from __future__ import annotations

import pytest

from pipeline.render.outputs import capped_size, draft_preset, kbps, safe_name, video_path
from pipeline.render.platforms import load_platform


def test_safe_names_keep_chinese_and_drop_separators():
    assert safe_name('我是党员-03-驻村路上: "新"/篇 ?') == "我是党员-03-驻村路上_新_篇"
    assert safe_name("...") == "episode"


def test_output_paths(project):
    assert (
        video_path(project, "web").relative_to(project.root).as_posix()
        == "exports/web/我是党员-01-驻村路上.mp4"
    )
    assert video_path(project, "wechat", variant="api").name == "我是党员-01-驻村路上-api.mp4"
    assert video_path(project, "channels", draft=True).relative_to(project.root).parts[:3] == (
        "exports",
        "draft",
        "channels",
    )


def test_drafts_are_small_fast_and_keep_high_profile():
    web, channels = draft_preset(load_platform("web")), draft_preset(load_platform("channels"))
    assert (web.picture.width, web.picture.height) == (640, 360)
    assert (channels.picture.width, channels.picture.height) == (360, 640)
    assert web.video.preset == "superfast" and web.video.profile == "high" and web.video.crf == 28
    assert web.covers == () and draft_preset(load_platform("wechat")).size_cap is None


def test_bitrates_parse():
    assert (kbps("64k"), kbps("1M"), kbps("128000"), kbps("1.5m")) == (64, 1000, 128, 1500)


def test_a_four_minute_episode_fits_10_mb_at_a_small_picture():
    wechat = load_platform("wechat")
    decision = capped_size(wechat.size_cap, wechat, 240_000)
    size = decision.size
    assert size is not None and size.audio_bitrate == "64k"
    total_bits = (size.video_kbps + 64) * 1000 * 240
    assert total_bits / 8 <= 10_000_000 * 0.95
    assert size.height <= 720 and size.width == round(size.height * 16 / 9 / 2) * 2
    bpp = size.video_kbps * 1000 / (size.width * size.height * 25)
    assert bpp >= 0.035 or size.height == wechat.size_cap.min_height


def test_a_short_episode_gets_the_largest_allowed_picture():
    wechat = load_platform("wechat")
    assert capped_size(wechat.size_cap, wechat, 30_000).size.height == 720


def test_too_long_for_the_cap_says_how_long_may_fit():
    wechat = load_platform("wechat")
    decision = capped_size(wechat.size_cap, wechat, 3_600_000)
    assert decision.size is None
    assert "no sensible bitrate fits 10 MB for 3600 s" in decision.message
    longest = int(decision.message.split("episodes up to ")[1].split(" s")[0])
    assert longest == pytest.approx(10_000_000 * 8 * 0.92 / 1000 / (200 + 64), abs=1)
    assert capped_size(wechat.size_cap, wechat, (longest - 1) * 1000).size is not None
