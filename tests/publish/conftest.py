"""Publish fixtures: an outbox episode on tiny media, and the local WeChat server."""

from __future__ import annotations

from pathlib import Path

import pytest
from outbox_episode import build_outbox_episode, clip_for
from wechat_server import APPID, SECRET, FakeWechat, WechatServer


@pytest.fixture(scope="session")
def clip(media_dir: Path) -> Path:
    return clip_for(media_dir)


@pytest.fixture
def outbox_root(tmp_path: Path) -> Path:
    return tmp_path / "周播 root"


@pytest.fixture
def episode_dir(outbox_root: Path, clip: Path) -> Path:
    return build_outbox_episode(outbox_root, clip)


@pytest.fixture
def fake() -> FakeWechat:
    return FakeWechat()


@pytest.fixture
def server(fake: FakeWechat, monkeypatch):
    with WechatServer(fake) as running:
        monkeypatch.setenv("PIPELINE_WECHAT_API", running.url)
        monkeypatch.setenv("WECHAT_APPID", APPID)
        monkeypatch.setenv("WECHAT_APPSECRET", SECRET)
        yield running
