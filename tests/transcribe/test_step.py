"""The transcribe step with a fake engine: what it writes, what it skips, what it caches."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import ModelError, ProjectError
from pipeline.project.footage import speech_audio_path
from pipeline.project.glossary import project_glossary
from pipeline.project.model import TranscribeSettings, load_project
from pipeline.subtitles.srt_io import read_srt
from pipeline.subtitles.store import draft_path, producer_path
from pipeline.transcribe import step
from pipeline.transcribe.chinese import has_traditional
from pipeline.transcribe.step import load_transcript, transcribe_project, transcript_path
from pipeline.transcribe.transcript import Transcript


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted atomic write would leave behind."""
    return sorted(p.name for p in folder.rglob("*") if ".part" in p.name or p.name.startswith(".tmp"))


def test_transcribes_only_interview_clips_and_writes_transcripts_and_drafts(footage_project, fake):
    report = transcribe_project(footage_project, transcriber=fake)

    assert [c.clip_id for c in report.clips] == ["int-001", "int-002"]
    assert [c.status for c in report.clips] == ["transcribed", "transcribed"]
    assert [path for path, _ in fake.calls] == [
        speech_audio_path(footage_project, "int-001"),
        speech_audio_path(footage_project, "int-002"),
    ]
    assert report.model == "fake@1"
    assert sorted(p.name for p in footage_project.transcripts_dir.iterdir()) == [
        "int-001.json",
        "int-002.json",
    ]
    assert not transcript_path(footage_project, "broll-001").exists()
    assert not draft_path(footage_project, "broll-001").exists()

    transcript = load_transcript(footage_project, "int-001")
    assert transcript.clip_id == "int-001"
    assert transcript.model == "fake@1"
    assert transcript.source_sha256 == step.clips_by_role(footage_project, "interview")[0].sha256
    assert transcript.options.language == "zh"
    # simplified, and the glossary's wrong form corrected by the correction stage, which records it
    assert transcript.text == "我是党员，在驻村工作队。"
    assert [(c.original, c.replacement, c.start_ms, c.end_ms) for c in transcript.corrections] == [
        ("祝村", "驻村", 900, 1300)
    ]
    assert [(w.start_ms, w.end_ms) for w in transcript.words] == [
        (0, 400),
        (400, 900),
        (900, 1300),
        (1300, 1800),
    ]


def test_drafts_are_written_through_the_subtitles_store_simplified_and_corrected(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)

    cues = read_srt(draft_path(footage_project, "int-001"))
    text = "".join(c.flat for c in cues)
    assert "党员" in text and "驻村" in text  # t2s and the office glossary's 祝村 -> 驻村
    assert not has_traditional(text)
    assert "祝村" not in text
    assert cues[0].start_ms == 0
    assert not producer_path(footage_project, "int-001").exists()  # the producers' file is never written


def test_glossary_reaches_the_engine_as_prompt_and_hotwords(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)

    options = fake.calls[0][1]
    assert options.initial_prompt.startswith("以下是普通话的句子，涉及：王建华")  # the subject comes first
    assert "第一书记" in options.initial_prompt  # from presets/glossary.toml
    assert options.hotwords == ""  # off by default: they made `base` loop on the sample narration
    assert step.options_for(project_glossary(footage_project), "zh", with_hotwords=True).hotwords.startswith(
        "王建华 "
    )
    assert options.word_timestamps and options.vad_filter and options.beam_size == 5


def test_rerun_leaves_transcribed_clips_alone(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)
    before = transcript_path(footage_project, "int-001").stat().st_mtime_ns

    again = FakeCounter(fake)
    report = transcribe_project(footage_project, transcriber=again)

    assert [c.status for c in report.clips] == ["up to date", "up to date"]
    assert again.calls == 0
    assert report.model == ""  # no clip needed a model
    assert transcript_path(footage_project, "int-001").stat().st_mtime_ns == before


def test_nothing_to_do_does_not_even_resolve_the_model(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)

    report = transcribe_project(footage_project, model="/no/such/model")
    assert report.count("up to date") == 2


def test_force_with_the_same_options_comes_from_the_cache(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)
    first = transcript_path(footage_project, "int-001").read_text("utf-8")
    transcript_path(footage_project, "int-002").unlink()  # a deleted transcript is also a cache hit

    report = transcribe_project(footage_project, transcriber=fake, force=True)

    assert len(fake.calls) == 2  # only the first run decoded
    assert [c.status for c in report.clips] == ["cached", "cached"]
    assert transcript_path(footage_project, "int-001").read_text("utf-8") == first
    assert load_transcript(footage_project, "int-002").clip_id == "int-002"


def test_force_with_other_options_or_another_model_decodes_again(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)

    transcribe_project(footage_project, transcriber=fake, force=True, language="en")
    assert len(fake.calls) == 4
    assert fake.calls[-1][1].language == "en"

    other_model = type(fake)(identity="fake@2")
    transcribe_project(footage_project, transcriber=other_model, force=True)
    assert len(other_model.calls) == 2


def test_a_deleted_draft_is_rebuilt_from_the_transcript_without_decoding(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)
    draft_path(footage_project, "int-002").unlink()

    report = transcribe_project(footage_project, transcriber=fake)

    assert [c.status for c in report.clips] == ["up to date", "redrafted"]
    assert len(fake.calls) == 2
    assert read_srt(draft_path(footage_project, "int-002"))


def test_a_transcript_of_other_footage_is_redone(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)
    path = transcript_path(footage_project, "int-001")
    data = json.loads(path.read_text("utf-8"))
    data["source_sha256"] = "0" * 64
    path.write_text(json.dumps(data), "utf-8")

    report = transcribe_project(footage_project, transcriber=fake)

    assert [c.status for c in report.clips] == ["cached", "up to date"]
    assert load_transcript(footage_project, "int-001").source_sha256 != "0" * 64


def test_missing_speech_audio_is_extracted_again(footage_project, fake):
    wav = speech_audio_path(footage_project, "int-002")
    wav.unlink()

    transcribe_project(footage_project, transcriber=fake)

    assert wav.exists() and wav.stat().st_size > 16000 * 2  # a second or more of 16-bit mono 16 kHz
    assert fake.calls[1][0] == wav
    assert leftovers(footage_project.cache_dir) == []


def test_a_failing_engine_leaves_finished_clips_and_no_partial_files(footage_project, fake):
    FakeTranscriber = type(fake)
    broken = FakeTranscriber(fail_on_call=2)
    with pytest.raises(RuntimeError, match="engine exploded"):
        transcribe_project(footage_project, transcriber=broken)

    assert load_transcript(footage_project, "int-001") is not None
    assert draft_path(footage_project, "int-001").exists()
    assert not transcript_path(footage_project, "int-002").exists()
    assert not draft_path(footage_project, "int-002").exists()
    assert leftovers(footage_project.root) == []

    healthy = FakeTranscriber()
    report = transcribe_project(footage_project, transcriber=healthy)
    assert [c.status for c in report.clips] == ["up to date", "transcribed"]


def test_a_failing_draft_leaves_no_transcript(footage_project, fake, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(step, "write_draft", refuse)
    with pytest.raises(OSError):
        transcribe_project(footage_project, transcriber=fake)
    assert not transcript_path(footage_project, "int-001").exists()  # so the next run does it again


def test_progress_counts_audio_seconds_up_to_the_total(footage_project, fake):
    seen: list[float] = []
    transcribe_project(footage_project, transcriber=fake, progress=seen.append)

    assert seen == sorted(seen)
    assert seen[0] == pytest.approx(0.9)  # the fake's first report: half of 1.8 s into clip one
    total = sum(c.facts.duration_ms for c in step.clips_by_role(footage_project, "interview")) / 1000
    assert seen[-1] == pytest.approx(total)


def test_no_interview_clips_is_an_error(project, fake):
    with pytest.raises(ProjectError, match="no interview clips to transcribe.*--role interview"):
        transcribe_project(project, transcriber=fake)


def test_a_missing_model_fails_before_anything_is_written(footage_project):
    with pytest.raises(ModelError, match="model folder not found"):
        transcribe_project(footage_project, model="/no/such/model")
    assert not footage_project.transcripts_dir.exists() or not any(footage_project.transcripts_dir.iterdir())


def test_cached_results_are_keyed_by_footage_options_and_model(footage_project):
    clip = step.clips_by_role(footage_project, "interview")[0]
    options = step.options_for(project_glossary(footage_project), "zh")
    key = step.cache_key(clip, options, "fake@1")

    assert key == step.cache_key(clip, options, "fake@1")
    assert key != step.cache_key(clip, options, "fake@2")
    assert key != step.cache_key(clip, step.options_for(project_glossary(footage_project), "en"), "fake@1")
    threads_only = type(options)(**{**options.to_dict(), "cpu_threads": 7})
    assert key == step.cache_key(clip, threads_only, "fake@1")  # threads do not change the words


class FakeCounter:
    """Wraps a transcriber and counts calls (for 'nothing was decoded')."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.identity = inner.identity
        self.calls = 0

    def transcribe(self, audio_path, options, progress=None):
        self.calls += 1
        return self.inner.transcribe(audio_path, options, progress)


def test_transcript_round_trips_through_json(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)
    data = json.loads(transcript_path(footage_project, "int-001").read_text("utf-8"))
    assert json.loads(json.dumps(Transcript.from_dict(data).to_dict())) == data


def test_corrections_can_be_switched_off_in_project_toml(footage_project, fake):
    toml = footage_project.file
    toml.write_text(toml.read_text("utf-8") + "\n[transcribe]\ncorrections = false\n", "utf-8")
    project = load_project(footage_project.root)
    transcribe_project(project, transcriber=fake)
    transcript = load_transcript(project, "int-001")
    assert transcript.text == "我是党员，在祝村工作队。" and transcript.corrections == ()


def test_the_model_comes_from_the_option_then_project_toml_then_base(footage_project):
    assert step.model_spec(footage_project) == "base"
    assert step.model_spec(footage_project, "small") == "small"
    project = replace(footage_project, transcribe=TranscribeSettings(model="models/small"))
    assert step.model_spec(project) == str(footage_project.root / "models" / "small")
    assert (
        step.model_spec(replace(footage_project, transcribe=TranscribeSettings(model="medium"))) == "medium"
    )
