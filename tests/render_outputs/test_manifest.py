"""exports/manifest.json: entries from measured facts, merge by path, atomic, damaged files named."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from PIL import Image

from pipeline.errors import RenderError
from pipeline.render.checks import Problem
from pipeline.render.manifest import (
    SubtitleDelivery,
    cover_entry,
    entry_for,
    load_manifest,
    manifest_path,
    update_manifest,
)
from pipeline.render.measure import LoudnessFacts

DESIGN_FIELDS = {
    "platform",
    "path",
    "sha256",
    "duration_s",
    "width",
    "height",
    "video_codec",
    "audio_codec",
    "size_bytes",
    "loudness_lufs",
    "true_peak_dbtp",
    "subtitles",
}
EXTRA_FIELDS = {"variant", "covers", "checked_at", "fingerprint", "problems"}


@pytest.fixture
def web_output(project, good_facts):
    """The good test file placed in the project as exports/web/x.mp4, with its facts."""
    path = project.exports_dir / "web" / "x.mp4"
    path.parent.mkdir(parents=True)
    shutil.copy(good_facts.path, path)
    return dataclasses.replace(good_facts, path=path)


def test_entry_from_facts_has_exactly_the_design_fields(project, web_output) -> None:
    subs = SubtitleDelivery(False, ("exports/web/x.srt", "exports/web/x.vtt"))
    entry = entry_for(project, web_output, platform="web", fingerprint="abc", subtitles=subs)
    data = entry.to_dict()
    assert set(data) == DESIGN_FIELDS | EXTRA_FIELDS
    assert data["path"] == "exports/web/x.mp4"
    assert (data["width"], data["height"], data["video_codec"], data["audio_codec"]) == (
        320,
        240,
        "h264",
        "aac",
    )
    assert data["sha256"] == web_output.sha256 and data["size_bytes"] == web_output.size_bytes
    assert data["loudness_lufs"] == pytest.approx(web_output.loudness.integrated_lufs)
    assert data["subtitles"] == {"burned_in": False, "sidecars": ["exports/web/x.srt", "exports/web/x.vtt"]}
    assert data["variant"] == "main" and data["problems"] == [] and data["checked_at"].endswith("+00:00")


def test_update_load_round_trip_and_merge_by_path(project, web_output) -> None:
    web = entry_for(project, web_output, platform="web", fingerprint="f1")
    api = dataclasses.replace(
        web,
        platform="wechat",
        variant="api",
        path="exports/wechat/x-api.mp4",
        subtitles=SubtitleDelivery(True),
        problems=(Problem("size", "<= 10 MB", "11 MB", "m"),),
    )
    assert update_manifest(project, [web, api]) == (web, api)  # sorted by path
    assert load_manifest(project) == (web, api)

    newer = dataclasses.replace(web, fingerprint="f2", sha256="0" * 64)
    assert update_manifest(project, [newer]) == (newer, api)  # replaced by path, the other kept
    on_disk = json.loads(manifest_path(project).read_text("utf-8"))
    assert on_disk["manifest_version"] == 1
    assert [o["path"] for o in on_disk["outputs"]] == ["exports/web/x.mp4", "exports/wechat/x-api.mp4"]
    assert on_disk["outputs"][1]["subtitles"] == {"burned_in": True, "sidecars": []}
    assert [p.name for p in manifest_path(project).parent.iterdir() if p.is_file()] == [
        "manifest.json"
    ]  # no temp files


def test_missing_manifest_is_empty(project) -> None:
    assert load_manifest(project) == ()
    assert load_manifest(project.root) == ()  # a folder works as well as a Project


@pytest.mark.parametrize(
    "text", ["{not json", '{"outputs": 3}', "[1, 2]", '{"outputs": [{"path": "x"}]}', "\udcff"]
)
def test_damaged_manifest_names_the_file_and_the_fix(project, text) -> None:
    path = manifest_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(RenderError) as info:
        load_manifest(project)
    message = str(info.value)
    assert message.startswith(f"{path}: manifest is damaged (")
    assert message.endswith("; delete it and run `pipeline render` again to regenerate it")
    with pytest.raises(RenderError):
        update_manifest(project, [])  # never silently overwrites what it cannot read
    path.unlink()
    assert update_manifest(project, []) == ()


def test_silence_and_no_audio_are_null(project, web_output) -> None:
    silent = dataclasses.replace(web_output, loudness=LoudnessFacts(-70.0, float("-inf"), 0.0))
    data = entry_for(project, silent, platform="web").to_dict()
    assert data["true_peak_dbtp"] is None and data["loudness_lufs"] == -70.0
    mute = dataclasses.replace(web_output, audio_codec=None, loudness=None)
    data = entry_for(project, mute, platform="web").to_dict()
    assert (data["audio_codec"], data["loudness_lufs"], data["true_peak_dbtp"]) == (None, None, None)
    update_manifest(project, [entry_for(project, silent, platform="web")])
    json.loads(manifest_path(project).read_text("utf-8"))  # valid JSON: no Infinity


def test_outputs_outside_the_project_are_refused(project, good_facts) -> None:
    with pytest.raises(RenderError, match="outputs must be written inside the project"):
        entry_for(project, good_facts, platform="web")


def test_covers_are_measured(project, web_output) -> None:
    cover = project.exports_dir / "web" / "poster.jpg"
    Image.new("RGB", (192, 108), "red").save(cover)
    entry = entry_for(project, web_output, platform="web", covers=[cover_entry(project, "poster", cover)])
    update_manifest(project, [entry])
    (loaded,) = load_manifest(project)
    assert loaded.covers[0].path == "exports/web/poster.jpg"
    assert (loaded.covers[0].width, loaded.covers[0].height) == (192, 108)
    assert loaded == entry
