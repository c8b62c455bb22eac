"""Fingerprints are stable, change with what matters, and decide "up to date" fast and safely."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.project.digest import canonical_json, content_key, sha256_file
from pipeline.render import fingerprint as fpmod
from pipeline.render.checks import Problem
from pipeline.render.fingerprint import (
    FileStamp,
    clip_stamp,
    file_stamp,
    forget,
    is_up_to_date,
    record,
    record_path,
    tool_versions,
)
from pipeline.render.manifest import entry_for, load_manifest, update_manifest
from pipeline.render.platforms import load_platform


def test_fingerprint_is_stable_and_order_free() -> None:
    a = {
        "preset": load_platform("web"),
        "fps": Fraction(25),
        "inputs": (Path("footage/a.mts"), "x"),
        "crf": 20,
    }
    b = {
        "crf": 20,
        "inputs": [Path("footage/a.mts"), "x"],
        "fps": Fraction(25, 1),
        "preset": load_platform("web"),
    }
    assert content_key(a) == content_key(b)
    assert len(content_key(a)) == 64
    # a golden value: the canonical spelling must not drift between releases (it would re-render everything)
    assert canonical_json(
        {"b": [1, 2.5, None], "a": {"z": Path("x/y"), "f": Fraction(30000, 1001)}, "s": {3, 1}}
    ) == ('{"a":{"f":"30000/1001","z":"x/y"},"b":[1,2.5,null],"s":[1,3]}')


def test_fingerprint_changes_with_any_parameter() -> None:
    web = load_platform("web")
    base = content_key({"preset": web, "cues": ["第一句", "第二句"]})
    louder = dataclasses.replace(web, loudness=dataclasses.replace(web.loudness, integrated_lufs=-14.0))
    assert content_key({"preset": louder, "cues": ["第一句", "第二句"]}) != base
    assert content_key({"preset": web, "cues": ["第一句", "第二句！"]}) != base


def test_fingerprint_refuses_opaque_objects() -> None:
    with pytest.raises(TypeError, match="cannot fingerprint a 'object' value"):
        content_key({"x": object()})


def test_file_stamp_is_content_not_mtime_nor_place(tmp_path: Path) -> None:
    project = tmp_path / "p"
    f = project / "subtitles" / "sub.srt"
    f.parent.mkdir(parents=True)
    f.write_text("1\n00:00:00,000 --> 00:00:01,000\n一\n", "utf-8")
    before = file_stamp(f, root=project)
    assert before == FileStamp("subtitles/sub.srt", f.stat().st_size, sha256_file(f))
    os.utime(f, ns=(time.time_ns(), f.stat().st_mtime_ns + 5_000_000_000))
    assert file_stamp(f, root=project) == before  # touched: same content, same stamp
    moved = tmp_path / "shared" / "p"
    shutil.copytree(project, moved, copy_function=shutil.copyfile)  # new path, new mtimes
    assert file_stamp(moved / "subtitles" / "sub.srt", root=moved) == before
    f.write_text("1\n00:00:00,000 --> 00:00:01,000\n二\n", "utf-8")
    assert file_stamp(f, root=project) != before


def test_clip_stamp_is_the_footage_content(tmp_path: Path) -> None:
    from pipeline.media.probe import MediaFacts
    from pipeline.project.footage import Clip

    footage = tmp_path / "footage" / "int-001.mts"
    footage.parent.mkdir()
    footage.write_bytes(b"\x47" * 1234)
    facts = MediaFacts("mpegts", 2000, 1234, None, None)
    clip = Clip(
        "int-001",
        "interview",
        "footage/int-001.mts",
        "00001.MTS",
        "/card/00001.MTS",
        sha256_file(footage),
        facts,
        "t",
    )
    assert clip_stamp(tmp_path, clip) == FileStamp("footage/int-001.mts", 1234, clip.sha256)
    # another file of the same size, its mtime forced back: still found out (ctime cannot be forced)
    stat = footage.stat()
    footage.write_bytes(b"\x48" * 1234)
    os.utime(footage, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert footage.stat().st_mtime_ns == stat.st_mtime_ns
    assert clip_stamp(tmp_path, clip) == FileStamp("footage/int-001.mts", 1234, sha256_file(footage))


def test_tool_versions(tmp_path: Path) -> None:
    tools = tool_versions(tmp_path)
    assert tools.ffmpeg and tools.ffmpeg != "unknown"
    assert tools.pipeline == __import__("pipeline").__version__
    assert tools.pillow != "none"
    # only what shapes the output: upgrading a benchmark-only library (moviepy) re-renders nothing
    assert {f.name for f in dataclasses.fields(tools)} == {"ffmpeg", "pipeline", "pillow", "fonts"}
    assert "moviepy" not in canonical_json({"tools": tools})
    assert all(stamp.size_bytes > 0 and len(stamp.sha256) == 64 for stamp in tools.fonts)
    assert all("/" not in stamp.path for stamp in tools.fonts)  # fonts by content, wherever installed
    content_key({"tools": tools})  # serialisable


@pytest.fixture
def rendered(project, good_facts):
    """exports/web/x.mp4 rendered, checked, listed in the manifest and recorded with fingerprint 'f1'."""
    output = project.exports_dir / "web" / "x.mp4"
    output.parent.mkdir(parents=True)
    shutil.copy(good_facts.path, output)
    facts = dataclasses.replace(good_facts, path=output)
    update_manifest(project, [entry_for(project, facts, platform="web", fingerprint="f1")])
    record(project, output, "f1", sha256=facts.sha256)
    return output


def test_up_to_date_after_record(project, rendered: Path) -> None:
    assert record_path(project, rendered) == project.root / ".cache/render/exports/web/x.mp4.json"
    assert is_up_to_date(project, rendered, "f1")
    assert is_up_to_date(project.root, "exports/web/x.mp4", "f1")  # relative paths and bare folders work
    assert not is_up_to_date(project, rendered, "f2")  # a parameter changed


def test_unchanged_rerun_never_hashes_the_output(project, rendered: Path, monkeypatch) -> None:
    def no_hashing(path):
        raise AssertionError(f"hashed {path}")

    monkeypatch.setattr(fpmod, "sha256_file", no_hashing)
    for _ in range(10):
        assert is_up_to_date(project, rendered, "f1")


def test_touched_but_identical_output_stays_up_to_date(project, rendered: Path, monkeypatch) -> None:
    stat = rendered.stat()
    os.utime(rendered, ns=(stat.st_atime_ns, stat.st_mtime_ns + 7_000_000_000))
    assert is_up_to_date(project, rendered, "f1")  # re-hashed once, same bytes
    monkeypatch.setattr(fpmod, "sha256_file", lambda path: pytest.fail("hashed twice"))
    assert is_up_to_date(project, rendered, "f1")  # the new mtime was remembered


def test_changed_output_is_not_up_to_date(project, rendered: Path) -> None:
    data = bytearray(rendered.read_bytes())
    data[-10] ^= 0xFF  # same size, different bytes
    rendered.write_bytes(bytes(data))
    assert not is_up_to_date(project, rendered, "f1")


def test_truncated_or_missing_output_is_not_up_to_date(project, rendered: Path) -> None:
    with open(rendered, "r+b") as fh:
        fh.truncate(1000)
    assert not is_up_to_date(project, rendered, "f1")
    rendered.unlink()
    assert not is_up_to_date(project, rendered, "f1")


def test_no_or_damaged_record_means_render(project, rendered: Path) -> None:
    record_path(project, rendered).write_text("{oops", "utf-8")
    assert not is_up_to_date(project, rendered, "f1")
    forget(project, rendered)
    assert not record_path(project, rendered).exists()
    assert not is_up_to_date(project, rendered, "f1")
    forget(project, rendered)  # forgetting twice is fine


def test_manifest_must_agree(project, rendered: Path) -> None:
    (entry,) = load_manifest(project)
    update_manifest(project, [dataclasses.replace(entry, problems=(Problem("loudness", "a", "b", "m"),))])
    assert not is_up_to_date(
        project, rendered, "f1"
    )  # it failed its checks last time: render (and fail) again
    update_manifest(project, [dataclasses.replace(entry, fingerprint="other")])
    assert not is_up_to_date(project, rendered, "f1")
    update_manifest(project, [entry])
    assert is_up_to_date(project, rendered, "f1")
    project.exports_dir.joinpath("manifest.json").unlink()  # deleted to regenerate: everything renders again
    assert not is_up_to_date(project, rendered, "f1")


def test_record_hashes_when_not_told(project, rendered: Path) -> None:
    record(project, rendered, "f1")
    assert is_up_to_date(project, rendered, "f1")


def test_without_root_removes_the_folder_plain_and_filter_escaped() -> None:
    root = Path("/srv/共享盘/E01 驻村路上 [终版], it's")
    args = ["-i", f"{root}/footage/int-001.mp4", "-filter_complex", f"subtitles=filename={root}/x.ass[v]"]
    args[3] = args[3].replace(str(root), fpmod.escape_value(str(root)))
    assert fpmod.without_root(args, root) == [
        "-i",
        "$PROJECT/footage/int-001.mp4",
        "-filter_complex",
        "subtitles=filename=$PROJECT/x.ass[v]",
    ]


def test_without_root_removes_the_assets_folder_too(monkeypatch, tmp_path: Path) -> None:
    """A template's music bed lives in the pipeline's assets: another install path, same fingerprint."""
    for install in ("/opt/pipeline", "/home/li/pipeline, v2"):
        monkeypatch.setattr(fpmod, "assets_dir", lambda install=install: Path(install) / "assets")
        assert fpmod.without_root(["-i", f"{install}/assets/music/bed.m4a"], tmp_path) == [
            "-i",
            "$ASSETS/music/bed.m4a",
        ]
