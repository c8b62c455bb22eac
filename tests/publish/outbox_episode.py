"""An outbox episode as `pipeline batch` packages it, built cheaply: seconds-long generated clips,
covers drawn with Pillow, sidecar subtitles, and a publish.json of the same shape (the batch tests
check that the real packaging writes these fields)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from media import make_clip
from PIL import Image, ImageDraw

STEM = "我是党员-01-驻村路上"
WEEK = "2026-W48"
SLUG = "E01-驻村路上"
STORY = (
    "我叫王建华，是一名驻村工作队队员。",
    "三年前我来到石墙镇，村里的路还是土路，下雨天孩子们上学要走一个小时。",
    "现在路修好了，大棚也建起来了，乡亲们的日子一天比一天好。",
)
VTT = """WEBVTT

00:00:00.200 --> 00:00:01.400
我叫王建华

00:00:01.500 --> 00:00:02.800
是一名驻村工作队队员
"""
SRT = (
    "1\n00:00:00,200 --> 00:00:01,400\n我叫王建华\n\n2\n00:00:01,500 --> 00:00:02,800\n是一名驻村工作队队员\n"
)


def cover(path: Path, size: tuple[int, int], colour: str = "#b22") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill="#fd0")
    image.save(path, "JPEG", quality=85)
    return path


def build_outbox_episode(
    root: Path, clip: Path, *, title: str = "《我是党员》驻村路上", number: int = 1, slug: str = SLUG
) -> Path:
    """ROOT/outbox/<week>/<slug>/ with web, wechat and channels files and publish.json."""
    folder = root / "outbox" / WEEK / slug
    folder.mkdir(parents=True)
    files = {
        f"web/{STEM}.mp4": clip,
        f"wechat/{STEM}.mp4": clip,
        f"wechat/{STEM}-api.mp4": clip,
        f"channels/{STEM}.mp4": clip,
    }
    for name, source in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(source, folder / name) if _same_fs(source, folder) else shutil.copy2(source, folder / name)
    cover(folder / f"web/{STEM}-poster.jpg", (320, 180))
    cover(folder / f"wechat/{STEM}-cover-2.35x1.jpg", (900, 383))
    cover(folder / f"wechat/{STEM}-cover-1x1.jpg", (900, 900))
    cover(folder / f"channels/{STEM}-cover-6x7.jpg", (360, 420))
    (folder / f"web/{STEM}.vtt").write_text(VTT, "utf-8")
    (folder / f"web/{STEM}.srt").write_text(SRT, "utf-8")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    record = {
        "publish_version": 1,
        "draft": False,
        "episode": {
            "series": "我是党员",
            "number": number,
            "title": "驻村路上",
            "week": WEEK,
            "subject": {"name": "王建华", "role": "驻村工作队队员", "unit": "邹城市石墙镇"},
        },
        "title": title,
        "digest": "王建华，驻村工作队队员（邹城市石墙镇）。我叫王建华，是一名驻村工作队队员。",
        "author": "中共示例县委组织部",
        "notes": [],
        "story": list(STORY),
        "credits": [{"role": "出品", "name": "中共示例县委组织部"}, {"role": "摄像", "name": "张 & <李>"}],
        "comments": {"open": True, "fans_only": False},
        "covers": [],
        "approvals": [],
        "qc": [],
        "files": {name: _sha(folder / name) for name in names},
        "packaged_at": "2026-11-27T08:00:00Z",
    }
    (folder / "publish.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), "utf-8")
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _same_fs(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def clip_for(media_dir: Path) -> Path:
    path = media_dir / "publish-take.mp4"
    if not path.exists():
        make_clip(path, size="320x180", duration=3.0, extra=("-movflags", "+faststart"))
    return path
