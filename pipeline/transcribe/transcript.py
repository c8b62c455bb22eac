"""The transcript of one clip: words with timings in source time (integer milliseconds).

Stored as `transcripts/<clip_id>.json`; the cut list and the subtitle drafts are built from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pipeline.transcribe.options import TranscribeOptions


@dataclass(frozen=True, slots=True)
class Word:
    start_ms: int
    end_ms: int
    text: str  # as spoken, simplified script for zh; may carry leading space for Latin words
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence-like unit as the model emitted it, with its words."""

    start_ms: int
    end_ms: int
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Correction:
    """One change the correction stage made to the recogniser's words (see `correct.py`)."""

    segment: int  # index of the segment changed
    offset: int  # character offset in the segment's joined word texts
    start_ms: int  # the words it touches, in source time
    end_ms: int
    original: str  # what the recogniser wrote
    replacement: str  # what the transcript says now
    reason: str
    score: float  # how much more probable the context became (natural log); 99 for a wrong form


@dataclass(frozen=True, slots=True)
class Transcript:
    clip_id: str
    language: str
    model: str
    segments: tuple[Segment, ...]
    options: TranscribeOptions = TranscribeOptions()  # what the engine was asked, for the record
    source_sha256: str = ""
    corrections: tuple[Correction, ...] = ()  # machine corrections applied to the words

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        segments = tuple(
            Segment(
                start_ms=int(s["start_ms"]),
                end_ms=int(s["end_ms"]),
                text=s["text"],
                words=tuple(Word(**w) for w in s.get("words", ())),
            )
            for s in data["segments"]
        )
        return cls(
            clip_id=data["clip_id"],
            language=data["language"],
            model=data["model"],
            segments=segments,
            options=TranscribeOptions.from_dict(data.get("options") or {}),
            source_sha256=data.get("source_sha256", ""),
            corrections=tuple(Correction(**c) for c in data.get("corrections", ())),
        )
