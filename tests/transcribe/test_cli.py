"""`pipeline transcribe` through click, with the fake engine standing in for faster-whisper."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.transcribe import models, step
from pipeline.transcribe.models import ResolvedModel


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def engine_is_fake(monkeypatch, fake, tmp_path):
    """`pipeline transcribe` resolves a model and builds a WhisperTranscriber: both replaced."""
    asked = []

    def resolve(spec):
        asked.append(spec)
        return ResolvedModel(tmp_path, spec, "cache")

    monkeypatch.setattr(step, "resolve_model", resolve)
    monkeypatch.setattr(step, "WhisperTranscriber", lambda resolved: fake)
    fake.asked = asked
    return fake


def test_transcribe_prints_each_clip_and_the_totals(runner, footage_project, engine_is_fake):
    result = runner.invoke(cli, ["transcribe", str(footage_project.root)])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("int-001     2.0 s  transcribed  real-time factor ")
    assert lines[0].endswith("  4 words")
    assert lines[1].startswith("int-002     2.0 s  transcribed")
    assert lines[2] == "2 transcribed (0 from cache), 0 up to date; model fake@1"
    assert lines[3].startswith("Drafts are in ")
    assert engine_is_fake.asked == ["base"]
    assert engine_is_fake.calls[0][1].language == "zh"


def test_a_second_run_has_nothing_to_do(runner, footage_project, engine_is_fake):
    runner.invoke(cli, ["transcribe", str(footage_project.root)])
    result = runner.invoke(cli, ["transcribe", str(footage_project.root)])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "int-001     2.0 s  up to date",
        "int-002     2.0 s  up to date",
        "0 transcribed (0 from cache), 2 up to date",
    ]


def test_force_reports_cached_results(runner, footage_project, engine_is_fake):
    runner.invoke(cli, ["transcribe", str(footage_project.root)])
    result = runner.invoke(cli, ["transcribe", str(footage_project.root), "--force"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "int-001     2.0 s  cached  4 words"
    assert "2 transcribed (2 from cache), 0 up to date" in result.output


def test_model_and_language_options_reach_the_step(runner, footage_project, engine_is_fake):
    result = runner.invoke(
        cli, ["transcribe", str(footage_project.root), "--model", "small", "--language", "auto"]
    )

    assert result.exit_code == 0, result.output
    assert engine_is_fake.asked == ["small"]
    assert engine_is_fake.calls[0][1].language is None


def test_a_missing_model_folder_is_one_error_line(runner, footage_project, tmp_path):
    missing = tmp_path / "no-model"
    result = runner.invoke(cli, ["transcribe", str(footage_project.root), "--model", str(missing)])

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {missing}: model folder not found; give the folder of a CTranslate2 "
        "Whisper model, or --model base\n"
    )


def test_no_model_anywhere_is_one_error_line(runner, footage_project, tmp_path, monkeypatch):
    empty = tmp_path / "empty-cache"
    monkeypatch.setenv(models.CACHE_ENV, str(empty))
    monkeypatch.setattr(models, "package_installed", lambda package: False)
    monkeypatch.setattr(models, "_hub_cached", lambda name: None)
    monkeypatch.delenv(models.DOWNLOAD_ENV, raising=False)

    result = runner.invoke(cli, ["transcribe", str(footage_project.root)])

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: speech model 'base' not found (not in {empty}, its packages are not "
        "installed); install it with `pip install '.[offline-model]'` (or `bash setup.sh`), "
        "or pass --model PATH to a CTranslate2 Whisper folder\n"
    )


def test_a_project_without_interview_clips(runner, project, engine_is_fake):
    result = runner.invoke(cli, ["transcribe", str(project.root)])

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {project.footage_dir / 'index.json'}: no interview clips to transcribe; "
        f"add them with `pipeline ingest {project.root} FILE --role interview`\n"
    )


def test_not_a_project(runner, tmp_path):
    result = runner.invoke(cli, ["transcribe", str(tmp_path / "nowhere")])

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'nowhere'}: project folder not found")


def test_help_documents_every_option(runner):
    result = runner.invoke(cli, ["transcribe", "--help"])
    assert result.exit_code == 0
    for option in ("--model", "--language", "--force"):
        assert option in result.output


def test_a_project_model_folder_that_is_no_whisper_model_is_one_error_line(runner, footage_project):
    folder = footage_project.root / "models" / "translator"
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"weights")
    (folder / "config.json").write_text('{"decoder_start_token": "</s>"}', "utf-8")
    (folder / "vocabulary.txt").write_text("a\n", "utf-8")
    toml = footage_project.file
    toml.write_text(toml.read_text("utf-8") + '\n[transcribe]\nmodel = "models/translator"\n', "utf-8")

    result = runner.invoke(cli, ["transcribe", str(footage_project.root)])

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder}: not a CTranslate2 Whisper model (its config.json has no Whisper settings "
        "such as lang_ids); copy a faster-whisper model folder (e.g. Systran/faster-whisper-small), "
        "or use --model base\n"
    )
