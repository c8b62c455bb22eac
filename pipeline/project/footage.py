"""The footage index: which clips a project has, their roles, checksums and probe facts.

Stored as `footage/index.json` (machine-written, human-readable). The media files beside it are
never modified after ingest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ProjectError
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts
from pipeline.project.files import atomic_write_json
from pipeline.project.model import AudioRouting, Project

INDEX_FILE = "index.json"
ROLES = ("interview", "broll", "music")
ID_PREFIX = {"interview": "int", "broll": "broll", "music": "music"}


@dataclass(frozen=True, slots=True)
class Clip:
    clip_id: str  # stable: int-001, broll-002, music-001
    role: str
    file: str  # path relative to the project folder: footage/int-001.mts
    original_name: str
    source_path: str  # where it was ingested from
    sha256: str
    facts: MediaFacts
    ingested_at: str  # ISO 8601, UTC
    linked: str = ""  # "", "hard" or "soft"
    # a spanned recording joined at ingest: (original file name, sha256) of each part, in order
    parts: tuple[tuple[str, str], ...] = ()

    def path(self, project: Project) -> Path:
        return project.root / self.file

    def to_dict(self) -> dict[str, Any]:
        return {
            "clip_id": self.clip_id,
            "role": self.role,
            "file": self.file,
            "original_name": self.original_name,
            "source_path": self.source_path,
            "sha256": self.sha256,
            "ingested_at": self.ingested_at,
            "linked": self.linked,
            **({"parts": [{"name": n, "sha256": h} for n, h in self.parts]} if self.parts else {}),
            "facts": self.facts.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Clip:
        return cls(
            clip_id=data["clip_id"],
            role=data["role"],
            file=data["file"],
            original_name=data.get("original_name", ""),
            source_path=data.get("source_path", ""),
            sha256=data["sha256"],
            facts=MediaFacts.from_dict(data["facts"]),
            ingested_at=data.get("ingested_at", ""),
            linked=data.get("linked", ""),
            parts=tuple((p["name"], p["sha256"]) for p in data.get("parts", ())),
        )


def index_path(project: Project) -> Path:
    return project.footage_dir / INDEX_FILE


def load_footage(project: Project) -> tuple[Clip, ...]:
    path = index_path(project)
    if not path.exists():
        return ()
    try:
        data = json.loads(path.read_text("utf-8"))
        return tuple(Clip.from_dict(c) for c in data["clips"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ProjectError(
            _(
                "{path}: footage index unreadable ({exc}); restore it from backup or re-ingest the footage"
            ).format(path=path, exc=exc)
        ) from None


def save_footage(project: Project, clips: tuple[Clip, ...]) -> None:
    atomic_write_json(index_path(project), {"clips": [c.to_dict() for c in clips]})


def clips_by_role(project: Project, role: str) -> tuple[Clip, ...]:
    return tuple(c for c in load_footage(project) if c.role == role)


def find_clip(project: Project, clip_id: str) -> Clip:
    for clip in load_footage(project):
        if clip.clip_id == clip_id:
            return clip
    raise ProjectError(
        _("{index_path}: no clip {clip_id!r}; `pipeline ingest` it first").format(
            index_path=index_path(project), clip_id=clip_id
        )
    )


def speech_audio_path(project: Project, clip_id: str, routing: AudioRouting | None = None) -> Path:
    """The 16 kHz mono WAV extracted at ingest for transcription (derived, in .cache); named by its
    audio routing, so choosing another channel in project.toml extracts (and transcribes) afresh."""
    routing = routing or project.audio_routing(clip_id)
    suffix = "" if routing.is_default else f"-s{routing.stream}c{routing.channel}"
    return project.cache_dir / "audio" / f"{clip_id}{suffix}.wav"


def speech_source(project: Project, clip: Clip) -> str:
    """What a transcript is made from: the footage's checksum, plus the audio routing when it is not
    the default (a transcript of another channel is not current)."""
    routing = project.audio_routing(clip.clip_id)
    if routing.is_default:
        return clip.sha256
    return f"{clip.sha256}+stream{routing.stream}channel{routing.channel}"
