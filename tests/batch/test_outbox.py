"""Packaging an episode into the outbox, on stand-in export files (no rendering)."""

import hashlib
import json
import os
from pathlib import Path

import pytest
from batch_projects import project_folder

from pipeline.batch import outbox
from pipeline.batch.outbox import package_episode
from pipeline.errors import RenderError
from pipeline.project.model import load_project
from pipeline.render.checks import Problem
from pipeline.render.engine import OutputReport, RenderReport
from pipeline.render.manifest import CoverEntry, ManifestEntry, SubtitleDelivery
from pipeline.subtitles.cue import Cue

STEM = "我是党员-01-驻村路上"
CUES = (Cue(1000, 2000, ("我叫王建华",)), Cue(2000, 3000, ("我是一名驻村队员",)))


def fake_exports(project, *, problems=()):
    """exports/web/: a 'video', its poster and sidecars, and the report a render would return."""
    web = project.exports_dir / "web"
    web.mkdir(parents=True, exist_ok=True)
    files = {"mp4": b"video bytes", "srt": b"1\n00:00:01,000 --> 00:00:02,000\n..\n", "vtt": b"WEBVTT\n"}
    for suffix, data in files.items():
        (web / f"{STEM}.{suffix}").write_bytes(data)
    (web / f"{STEM}-poster.jpg").write_bytes(b"jpeg bytes")
    entry = ManifestEntry(
        platform="web",
        path=f"exports/web/{STEM}.mp4",
        sha256=hashlib.sha256(files["mp4"]).hexdigest(),
        duration_s=4.56,
        width=320,
        height=180,
        video_codec="h264",
        audio_codec="aac",
        size_bytes=11,
        loudness_lufs=-15.04,
        true_peak_dbtp=-1.3,
        subtitles=SubtitleDelivery(False, (f"exports/web/{STEM}.srt", f"exports/web/{STEM}.vtt")),
        covers=(CoverEntry("poster", f"exports/web/{STEM}-poster.jpg", 1920, 1080, 10),),
        problems=tuple(problems),
    )
    output = OutputReport("web", "main", web / f"{STEM}.mp4", True, entry)
    return RenderReport(project.root, 4560, (output,))


@pytest.fixture
def episode(week_root):
    return load_project(project_folder(week_root, 1))


def test_package_holds_linked_files_and_the_publish_record(episode, week_root):
    report = fake_exports(episode)
    folder = week_root / "outbox" / "2026-W48" / "E01-驻村路上"

    package = package_episode(episode, report, CUES, folder)

    assert package.changed and package.folder == folder
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == sorted(
        ["publish.json", f"web/{STEM}.mp4", f"web/{STEM}.srt", f"web/{STEM}.vtt", f"web/{STEM}-poster.jpg"]
    )
    assert os.path.samefile(folder / f"web/{STEM}.mp4", episode.exports_dir / "web" / f"{STEM}.mp4")
    record = json.loads((folder / "publish.json").read_text("utf-8"))
    assert record["title"] == "《我是党员》驻村路上"
    assert record["author"] == "中共示例县委组织部"
    assert record["digest"] == "王建华，驻村工作队队员（邹城市石墙镇）。我叫王建华，我是一名驻村队员。"
    assert record["covers"] == [
        {
            "platform": "web",
            "name": "poster",
            "file": f"web/{STEM}-poster.jpg",
            "width": 1920,
            "height": 1080,
            "size_bytes": 10,
        }
    ]
    assert [(a["clip_id"], a["by"]) for a in record["approvals"]] == [("int-001", "李编辑")]
    assert [(p["name"], p["consent"]) for p in record["consent"]] == [("王建华", True)]
    qc = record["qc"][0]
    assert (
        qc["loudness_lufs"],
        qc["true_peak_dbtp"],
        qc["duration_s"],
        qc["size_bytes"],
        qc["problems"],
    ) == (-15.04, -1.3, 4.56, 11, [])
    assert qc["subtitles"]["sidecars"] == [f"web/{STEM}.srt", f"web/{STEM}.vtt"]
    for name, digest in record["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert set(record["files"]) == set(names) - {"publish.json"}
    assert record["packaged_at"]
    # what `pipeline publish` puts in the article and on the website
    assert record["story"] == ["我叫王建华，我是一名驻村队员。"]
    assert record["credits"] == [{"role": "出品", "name": "中共示例县委组织部"}]
    assert record["comments"] == {"open": True, "fans_only": False}


def test_the_publish_record_survives_a_rebuilt_package(episode, week_root):
    report = fake_exports(episode)
    folder = week_root / "outbox" / "w" / "E01"
    package_episode(episode, report, CUES, folder)
    (folder / outbox.PUBLISHED_FILE).write_text('{"wechat": {"draft": {"media_id": "D1"}}}', "utf-8")
    assert not package_episode(episode, report, CUES, folder).changed  # published.json is no stray file

    (episode.exports_dir / "web" / f"{STEM}.vtt").write_bytes(b"WEBVTT\n\nchanged\n")
    assert package_episode(episode, report, CUES, folder).changed
    assert json.loads((folder / outbox.PUBLISHED_FILE).read_text("utf-8")) == {
        "wechat": {"draft": {"media_id": "D1"}}
    }


def test_a_package_is_not_swapped_while_pipeline_publish_works_on_it(episode, week_root):
    from pipeline.errors import ProjectError
    from pipeline.project.lock import exclusive

    report = fake_exports(episode)
    folder = week_root / "outbox" / "w" / "E01"
    package_episode(episode, report, CUES, folder)
    (episode.exports_dir / "web" / f"{STEM}.vtt").write_bytes(b"WEBVTT\n\nchanged\n")

    with exclusive(folder / outbox.PUBLISH_LOCK, what="test", where=folder):  # a publish running
        with pytest.raises(ProjectError) as err:
            package_episode(episode, report, CUES, folder)
        (folder / outbox.PUBLISHED_FILE).write_text('{"wechat": {"draft": {"media_id": "D1"}}}', "utf-8")
    assert str(err.value).startswith(f"{folder}: another pipeline publish is running on it (pid ")
    assert not list(folder.parent.glob(".E01.part-*"))  # nothing half-built left behind

    assert package_episode(episode, report, CUES, folder).changed  # once it is done
    assert json.loads((folder / outbox.PUBLISHED_FILE).read_text("utf-8")) == {
        "wechat": {"draft": {"media_id": "D1"}}
    }
    assert (folder / "web" / f"{STEM}.vtt").read_bytes() == b"WEBVTT\n\nchanged\n"


def test_unchanged_package_is_left_alone(episode, week_root):
    report = fake_exports(episode)
    folder = week_root / "outbox" / "w" / "E01"
    package_episode(episode, report, CUES, folder)
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    inode = (folder / "publish.json").stat().st_ino

    again = package_episode(episode, report, CUES, folder)

    assert not again.changed
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == before
    assert (folder / "publish.json").stat().st_ino == inode


def test_a_changed_export_or_a_tampered_package_is_rebuilt(episode, week_root):
    report = fake_exports(episode)
    folder = week_root / "outbox" / "w" / "E01"
    package_episode(episode, report, CUES, folder)
    # the render replaces files by renaming: a new inode, the package's link keeps the old bytes
    srt = episode.exports_dir / "web" / f"{STEM}.srt"
    tmp = srt.with_suffix(".tmp")
    tmp.write_bytes(b"corrected subtitles\n")
    os.replace(tmp, srt)
    assert package_episode(episode, report, CUES, folder).changed
    assert (folder / f"web/{STEM}.srt").read_bytes() == b"corrected subtitles\n"

    (folder / "web" / "stray.txt").write_text("someone's note")
    assert package_episode(episode, report, CUES, folder).changed
    assert not (folder / "web" / "stray.txt").exists()
    assert not package_episode(episode, report, CUES, folder).changed
    assert [p.name for p in folder.parent.iterdir()] == ["E01"]  # no temporary folders left


def test_copies_when_links_are_impossible(episode, week_root, monkeypatch):
    def no_links(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(outbox.os, "link", no_links)
    folder = week_root / "outbox" / "w" / "E01"
    package_episode(episode, fake_exports(episode), CUES, folder)
    copy = folder / f"web/{STEM}.mp4"
    assert copy.read_bytes() == b"video bytes"
    assert not os.path.samefile(copy, episode.exports_dir / "web" / f"{STEM}.mp4")
    assert not package_episode(episode, fake_exports(episode), CUES, folder).changed


def test_leftovers_of_a_killed_run_are_cleared_and_the_old_package_survives_a_failure(episode, week_root):
    folder = week_root / "outbox" / "w" / "E01"
    package_episode(episode, fake_exports(episode), CUES, folder)
    (folder.parent / ".E01.part-x1y2").mkdir()
    (folder.parent / ".E01.part-x1y2" / "half.mp4").write_bytes(b"half")

    with pytest.raises(
        RenderError, match=r"\.vtt: listed in .*manifest\.json but missing; run `pipeline render"
    ):
        package_episode(episode, fake_exports_without_rewrite(episode), CUES, folder)
    assert (folder / "publish.json").is_file()  # the finished package is not lost

    package_episode(episode, fake_exports(episode), CUES, folder)
    assert sorted(p.name for p in folder.parent.iterdir()) == ["E01"]


def fake_exports_without_rewrite(project):
    web = project.exports_dir / "web"
    report = fake_exports(project)
    (web / f"{STEM}.vtt").unlink()
    return report


def test_an_output_with_problems_is_never_packaged(episode, week_root):
    problem = Problem(
        "loudness", "-15", "-20", f"exports/web/{STEM}.mp4: loudness -20.0 LUFS, target -15 ±1 LU"
    )
    folder = week_root / "outbox" / "w" / "E01"
    with pytest.raises(RenderError, match="loudness -20.0 LUFS"):
        package_episode(episode, fake_exports(episode, problems=[problem]), CUES, folder)
    assert not folder.exists()


def test_draft_packages_say_so(episode, week_root):
    folder = week_root / "outbox" / "w-draft" / "E01"
    package_episode(episode, fake_exports(episode), CUES, folder, draft=True)
    assert json.loads((folder / "publish.json").read_text("utf-8"))["draft"] is True


def test_package_names_are_platform_and_file_name():
    assert outbox.package_name("web", f"exports/draft/web/{STEM}.mp4") == f"web/{STEM}.mp4"
    assert Path(outbox.package_name("wechat", "exports/wechat/a-api.mp4")).parts == ("wechat", "a-api.mp4")
