"""`pipeline transcribe`: a transcript and a subtitle draft for every interview clip.

A clip is up to date when `transcripts/<clip_id>.json` exists for its current footage (same
sha256) and its draft exists; a clip whose draft was deleted gets a new one from its transcript,
without decoding. Results are also cached in `.cache/transcripts/`, keyed by the footage checksum,
the options that change the words and the model's identity, so `--force` with unchanged settings
(or a deleted transcript) costs no decoding. The model is resolved and loaded only when a clip needs it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.errors import MediaError, ProjectError
from pipeline.i18n import _
from pipeline.project.digest import content_key
from pipeline.project.files import atomic_write_json
from pipeline.project.footage import Clip, clips_by_role, index_path, speech_audio_path, speech_source
from pipeline.project.glossary import project_glossary
from pipeline.project.ingest import extract_speech_audio
from pipeline.project.model import Glossary, Project
from pipeline.subtitles.draft import draft_cues
from pipeline.subtitles.profile import project_profile
from pipeline.subtitles.store import draft_path, write_draft
from pipeline.transcribe import glossary as terms
from pipeline.transcribe.chinese import simplify_transcription
from pipeline.transcribe.correct import correct_transcript
from pipeline.transcribe.engine import TranscribeOptions, Transcriber, WhisperTranscriber
from pipeline.transcribe.models import resolve_model
from pipeline.transcribe.style import style_transcript
from pipeline.transcribe.transcript import Transcript

DEFAULT_MODEL = "base"
CACHE_FORMAT = 2  # bump when what is cached changes shape or meaning (2: Chinese punctuation)
SecondsProgress = Callable[[float], None]  # audio seconds done in this run, absolute


# "transcribed"; "cached" (from .cache, no decoding); "redrafted" (draft rebuilt from the existing
# transcript); "up to date" (left alone)
ClipStatus = Literal["transcribed", "cached", "redrafted", "up to date"]


@dataclass(frozen=True, slots=True)
class ClipResult:
    clip_id: str
    status: ClipStatus
    duration_ms: int
    wall_ms: int = 0  # time spent decoding; 0 unless transcribed
    words: int = 0

    @property
    def real_time_factor(self) -> float | None:
        """Decoding time over audio time (0.1: ten times faster than real time)."""
        if self.status != "transcribed" or self.duration_ms <= 0:
            return None
        return self.wall_ms / self.duration_ms


@dataclass(frozen=True, slots=True)
class TranscribeReport:
    clips: tuple[ClipResult, ...]
    model: str = ""  # the identity of the model used, "" when no clip needed one

    def count(self, status: ClipStatus) -> int:
        return sum(1 for c in self.clips if c.status == status)


def transcript_path(project: Project, clip_id: str) -> Path:
    return project.transcripts_dir / f"{clip_id}.json"


def load_transcript(project: Project, clip_id: str) -> Transcript | None:
    """The clip's transcript, or None when there is none (or it cannot be read)."""
    path = transcript_path(project, clip_id)
    try:
        return Transcript.from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, or unreadable: treated alike, so the next run writes it afresh


def current_transcript(project: Project, clip: Clip) -> Transcript | None:
    """The clip's transcript if it was made from the clip's current footage."""
    existing = load_transcript(project, clip.clip_id)
    current = speech_source(project, clip)
    return existing if existing is not None and existing.source_sha256 == current else None


def is_up_to_date(project: Project, clip: Clip) -> bool:
    return current_transcript(project, clip) is not None and draft_path(project, clip.clip_id).exists()


def pending_clips(project: Project, *, force: bool = False) -> tuple[Clip, ...]:
    """The interview clips this run will work on (all of them with `force`)."""
    return tuple(c for c in clips_by_role(project, "interview") if force or not is_up_to_date(project, c))


def options_for(
    glossary: Glossary, language: str | None, *, with_hotwords: bool = False
) -> TranscribeOptions:
    """The engine options for a project: its glossary as the initial prompt.

    Hotwords (the terms repeated before every window) are off by default: on the sample narration
    they made `base` fail its repetition checks and fall back to sampling, which was slower and, with
    an unlucky seed, looped (CER 0.37 instead of 0.10). The prompt alone gave the best accuracy.
    """
    return TranscribeOptions(
        language=language,
        initial_prompt=terms.initial_prompt(glossary, language),
        hotwords=terms.hotwords(glossary, language) if with_hotwords else "",
    )


def model_spec(project: Project, model: str | None = None) -> str:
    """The model to use: `--model` if given, else `[transcribe] model` in project.toml, else base.

    A relative folder in project.toml is taken from the project folder."""
    if model:
        return model
    configured = project.transcribe.model
    if not configured:
        return DEFAULT_MODEL
    if "/" in configured or "\\" in configured or configured.startswith((".", "~")):
        return str((project.root / Path(configured).expanduser()).resolve())
    return configured


def cache_key(clip: Clip, options: TranscribeOptions, model_identity: str, source: str = "") -> str:
    material = {
        "format": CACHE_FORMAT,
        "clip": source or clip.sha256,
        "options": options.resolved().result_fields(),
        "model": model_identity,
    }
    return content_key(material)[:32]


def transcribe_project(
    project: Project,
    *,
    model: str | None = None,
    language: str | None = "zh",
    force: bool = False,
    transcriber: Transcriber | None = None,
    progress: SecondsProgress | None = None,
) -> TranscribeReport:
    """Transcribe every interview clip not yet transcribed (all with `force`); write drafts too."""
    interviews = clips_by_role(project, "interview")
    if not interviews:
        raise ProjectError(
            _(
                "{path}: no interview clips to transcribe; add them with "
                "`pipeline ingest {project} FILE --role interview`"
            ).format(path=index_path(project), project=project.root)
        )
    pending = {c.clip_id for c in pending_clips(project, force=force)}
    glossary = project_glossary(project)
    options = options_for(glossary, language)
    profile = project_profile(project) if pending else None
    engine = transcriber  # resolved (and later loaded) only when a clip has to be decoded
    model_used = ""
    results = []
    done_s = 0.0
    for clip in interviews:
        if clip.clip_id not in pending:
            results.append(ClipResult(clip.clip_id, "up to date", clip.facts.duration_ms))
            continue
        kept = None if force else current_transcript(project, clip)
        if kept is not None:
            transcript = kept
            result = ClipResult(clip.clip_id, "redrafted", clip.facts.duration_ms, words=len(kept.words))
        else:
            if engine is None:
                engine = WhisperTranscriber(resolve_model(model_spec(project, model)))
            on_audio = None if progress is None else (lambda ms, base=done_s: progress(base + ms / 1000))
            transcript, result = _transcribe_clip(project, clip, engine, options, on_audio)
            model_used = engine.identity
            # numbers and punctuation, then corrections, on the words as heard (the cache keeps those)
            transcript = style_transcript(transcript)
            if project.transcribe.corrections:
                transcript = correct_transcript(transcript, glossary)
        assert profile is not None  # loaded whenever a clip is pending
        write_draft(project, clip.clip_id, draft_cues(transcript.words, profile, glossary))
        # the transcript goes last: it marks the clip done, so a failure above means "do it again"
        atomic_write_json(transcript_path(project, clip.clip_id), transcript.to_dict())
        results.append(result)
        done_s += clip.facts.duration_ms / 1000
        if progress is not None:
            progress(done_s)
    return TranscribeReport(tuple(results), model_used)


def _transcribe_clip(
    project: Project,
    clip: Clip,
    engine: Transcriber,
    options: TranscribeOptions,
    on_audio: Callable[[int], None] | None,
) -> tuple[Transcript, ClipResult]:
    source = speech_source(project, clip)
    key = cache_key(clip, options, engine.identity, source)
    cached = project.cache_dir / "transcripts" / f"{key}.json"
    try:
        stored = Transcript.from_dict(json.loads(cached.read_text("utf-8")))
        transcript = Transcript(
            clip.clip_id, stored.language, stored.model, stored.segments, stored.options, source
        )
        return transcript, ClipResult(
            clip.clip_id, "cached", clip.facts.duration_ms, words=len(transcript.words)
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not cached (or a damaged cache entry): decode

    audio = _speech_audio(project, clip)
    started = time.perf_counter()
    heard = simplify_transcription(engine.transcribe(audio, options, on_audio))
    wall_ms = round((time.perf_counter() - started) * 1000)
    transcript = Transcript(
        clip_id=clip.clip_id,
        language=heard.language,
        model=engine.identity,
        segments=heard.segments,
        options=options.resolved(),
        source_sha256=source,
    )
    atomic_write_json(cached, transcript.to_dict())
    return transcript, ClipResult(
        clip.clip_id, "transcribed", clip.facts.duration_ms, wall_ms, len(transcript.words)
    )


def _speech_audio(project: Project, clip: Clip) -> Path:
    """The clip's 16 kHz WAV from ingest, extracted again if it was deleted with the cache."""
    wav = speech_audio_path(project, clip.clip_id)
    if wav.exists():
        return wav
    footage = clip.path(project)
    if not footage.exists():
        raise MediaError(
            _("{footage}: footage of {clip_id} is missing; restore the file or ingest it again").format(
                footage=footage, clip_id=clip.clip_id
            )
        )
    return extract_speech_audio(project, clip)
