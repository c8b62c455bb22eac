"""Fixtures for the transcription tests: a fake engine and a project with interview footage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from media import make_clip

from pipeline.project.ingest import ingest
from pipeline.transcribe.engine import TranscribeOptions, Transcription
from pipeline.transcribe.transcript import Segment, Word

# What Whisper typically writes for Mandarin: traditional characters, punctuation glued to words,
# and a glossary wrong form (祝村 for 驻村).
FAKE_WORDS = (
    Word(0, 400, "我是", 0.9),
    Word(400, 900, "黨員，", 0.9),
    Word(900, 1300, "在祝村", 0.8),
    Word(1300, 1800, "工作隊。", 0.9),
)


@dataclass
class FakeTranscriber:
    """Implements the Transcriber protocol without a model; records every call."""

    identity: str = "fake@1"
    words: tuple[Word, ...] = FAKE_WORDS
    language: str = "zh"
    fail_on_call: int | None = None  # raise on this call number (1-based)
    calls: list[tuple[Path, TranscribeOptions]] = field(default_factory=list)

    def transcribe(self, audio_path: Path, options: TranscribeOptions, progress=None) -> Transcription:
        self.calls.append((Path(audio_path), options))
        assert Path(audio_path).exists(), f"engine asked for missing audio {audio_path}"
        if self.fail_on_call == len(self.calls):
            raise RuntimeError("engine exploded")
        if progress is not None:
            progress(self.words[-1].end_ms // 2)
            progress(self.words[-1].end_ms)
        text = "".join(w.text for w in self.words)
        segment = Segment(self.words[0].start_ms, self.words[-1].end_ms, text, self.words)
        return Transcription(language=self.language, duration_ms=2000, segments=(segment,))


@pytest.fixture
def fake() -> FakeTranscriber:
    return FakeTranscriber()


@pytest.fixture(scope="session")
def interview_files(media_dir: Path) -> tuple[Path, Path, Path]:
    """Two interview clips and one B-roll clip, two seconds each."""
    return (
        make_clip(media_dir / "cam-a.mp4", size="160x120", duration=2.0, tone_hz=440),
        make_clip(media_dir / "cam-b.mp4", size="160x120", duration=2.0, tone_hz=660),
        make_clip(media_dir / "broll.mp4", size="160x120", duration=1.0, audio=False),
    )


@pytest.fixture
def footage_project(project, interview_files):
    """The shared `project` with int-001, int-002 (interview) and broll-001 ingested."""
    first, second, broll = interview_files
    ingest(project, [first, second], role="interview")
    ingest(project, [broll], role="broll")
    return project
