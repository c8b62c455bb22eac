"""`pipeline ingest` through the CLI: camera formats accepted, bad input refused, project untouched."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import media
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.media.probe import probe
from pipeline.project.footage import load_footage, speech_audio_path
from pipeline.project.model import load_project


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under the project with its content hash: 'nothing changed' means equal snapshots."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    d = tmp_path_factory.mktemp("card 存储卡")
    return {
        "mts": media.avchd_mts(d / "00001 采访.MTS", full_size=False),
        "mov": media.dslr_mov(d / "DSC_0002.MOV"),
        "phone": media.phone_mp4(d / "VID 手机.mp4"),
        "4k": media.broll_4k_hevc(d / "航拍 4K.mp4"),
        "music": media.audio_only(d / "配乐.m4a"),
        "silent": media.make_clip(d / "无声.mp4", audio=False),
    }


def test_ingest_camera_formats_with_stable_ids(project, card):
    result = run("ingest", project.root, card["mts"], card["mov"], card["phone"])
    assert result.exit_code == 0, result.output
    assert "3 added, 0 already there" in result.output
    clips = load_footage(project)
    assert [c.clip_id for c in clips] == ["int-001", "int-002", "int-003"]
    assert [c.original_name for c in clips] == ["00001 采访.MTS", "DSC_0002.MOV", "VID 手机.mp4"]
    for clip, source in zip(clips, (card["mts"], card["mov"], card["phone"])):
        assert clip.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        assert clip.path(project).read_bytes() == source.read_bytes()
        assert clip.path(project).stat().st_mode & 0o222 == 0  # footage is read-only after ingest
        wav = speech_audio_path(project, clip.clip_id)
        assert wav.exists()
        speech = probe(wav)
        assert (speech.audio.sample_rate, speech.audio.channels) == (16000, 1)
    assert clips[0].facts.video.interlaced and clips[0].facts.audio.codec == "ac3"
    assert clips[2].facts.video.variable_frame_rate and clips[2].facts.video.rotation == 90

    result = run("ingest", project.root, card["4k"], card["silent"], "--role", "broll")
    assert result.exit_code == 0, result.output
    result = run("ingest", project.root, card["music"], "--role", "music")
    assert result.exit_code == 0, result.output
    ids = [c.clip_id for c in load_footage(project)]
    assert ids[-3:] == ["broll-001", "broll-002", "music-001"]
    index = json.loads((project.footage_dir / "index.json").read_text("utf-8"))
    assert index["clips"][3]["facts"]["video"]["width"] == 3840


def test_reingest_is_a_no_op(project, card):
    assert run("ingest", project.root, card["mov"]).exit_code == 0
    before = snapshot(project.root)
    result = run("ingest", project.root, card["mov"])
    assert result.exit_code == 0
    assert "already ingested" in result.output and "int-001" in result.output
    assert snapshot(project.root) == before


def test_link_instead_of_copy(project, card):
    result = run("ingest", project.root, card["mov"], "--link")
    assert result.exit_code == 0, result.output
    clip = load_footage(project)[0]
    assert clip.linked in ("hard", "soft")
    assert os.path.samefile(clip.path(project), card["mov"])


BAD_INPUTS = {
    "zero-byte": (
        lambda d, card: _write(d / "empty.MTS", b""),
        "file is empty (0 bytes); copy it again from the camera card",
    ),
    "truncated": (lambda d, card: _write(d / "half.MOV", card["mov"].read_bytes()[:40000]), "truncated"),
    "text as .mov": (
        lambda d, card: _write(d / "readme.mov", "不是视频".encode() * 100),
        "not a readable media file",
    ),
    "interview without audio": (
        lambda d, card: card["silent"],
        "has no audio track, but interview clips need the narration",
    ),
    "audio-only interview": (lambda d, card: card["music"], "audio only, but interview clips need picture"),
    "missing file": (lambda d, card: d / "不存在.MTS", "file not found; check the path"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_refused_and_changes_nothing(project, card, tmp_path, case):
    make, message = BAD_INPUTS[case]
    bad = make(tmp_path, card)
    assert run("ingest", project.root, card["mov"]).exit_code == 0
    before = snapshot(project.root)
    # a good file offered alongside the bad one must not be ingested either: all or nothing
    result = CliRunner().invoke(cli, ["ingest", str(project.root), str(card["mts"]), str(bad)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {bad}: ")
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert snapshot(project.root) == before


def test_not_a_project_folder(tmp_path, card):
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), str(card["mov"])])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'project.toml'}: not found; is {tmp_path} a project folder? "
        "Create one with `pipeline init`"
    )


def test_footage_folder_replaced_by_a_file(project, card):
    import shutil

    shutil.rmtree(project.footage_dir)
    project.footage_dir.write_text("oops")
    result = CliRunner().invoke(cli, ["ingest", str(project.root), str(card["mov"])])
    assert result.exit_code == 1
    assert "footage: is a file, but must be the footage folder" in result.stderr
    assert project.footage_dir.read_text() == "oops"


def test_debug_shows_the_traceback(tmp_path, card):
    result = CliRunner().invoke(cli, ["--debug", "ingest", str(tmp_path), str(card["mov"])])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_usage_error_is_exit_2(project):
    result = CliRunner().invoke(cli, ["ingest", str(project.root), "x.mov", "--role", "narration"])
    assert result.exit_code == 2


def test_project_loads_after_ingest(project, card):
    run("ingest", project.root, card["mts"])
    assert load_project(project.root).subject.name == "王建华"
