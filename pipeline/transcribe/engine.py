"""The speech engine behind a protocol: faster-whisper in production, a fake in tests.

faster-whisper's `transcribe` returns a lazy generator (nothing is decoded until it is iterated);
`WhisperTranscriber` iterates it to the end and hands back frozen, typed results in integer
milliseconds, so callers never meet the generator or float seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import MediaError, ModelError
from pipeline.i18n import _
from pipeline.transcribe.models import ResolvedModel
from pipeline.transcribe.options import TranscribeOptions
from pipeline.transcribe.transcript import Segment, Word

AudioProgress = Callable[[int], None]  # called with the audio time transcribed so far, in ms


@dataclass(frozen=True, slots=True)
class Transcription:
    """What the engine heard in one audio file, in source time."""

    language: str
    duration_ms: int
    segments: tuple[Segment, ...]


class Transcriber(Protocol):
    @property
    def identity(self) -> str:
        """Names the model and its weights (for cache keys); cheap, must not load the model."""
        ...

    def transcribe(
        self, audio_path: Path, options: TranscribeOptions, progress: AudioProgress | None = None
    ) -> Transcription: ...


def seed_sampler(seed: int) -> None:
    import ctranslate2

    ctranslate2.set_random_seed(seed)


def to_ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def whisper_kwargs(options: TranscribeOptions) -> dict[str, Any]:
    """The keyword arguments for `WhisperModel.transcribe` (pure: the bench passes the same ones)."""
    kwargs: dict[str, Any] = {
        "language": options.language,
        "beam_size": options.beam_size,
        "word_timestamps": options.word_timestamps,
        "vad_filter": options.vad_filter,
        "condition_on_previous_text": options.condition_on_previous_text,
        "initial_prompt": options.initial_prompt or None,
        "hotwords": options.hotwords or None,
    }
    if options.vad_filter:
        kwargs["vad_parameters"] = {"min_silence_duration_ms": options.vad_min_silence_ms}
    return kwargs


def model_kwargs(options: TranscribeOptions) -> dict[str, Any]:
    """The keyword arguments for `WhisperModel(...)` (options must be `resolved()`)."""
    return {
        "device": options.device,
        "compute_type": options.compute_type,
        "cpu_threads": options.cpu_threads,
    }


class WhisperTranscriber:
    """faster-whisper with a model from `resolve_model`; the model loads on the first transcribe."""

    def __init__(self, model: ResolvedModel) -> None:
        self.model = model
        self._identity: str | None = None
        self._loaded: tuple[tuple[str, str, int], Any] | None = (
            None  # (device, compute, threads), WhisperModel
        )

    @property
    def identity(self) -> str:
        if self._identity is None:
            self._identity = f"{self.model.name}@{self.model.identity}"
        return self._identity

    def _whisper(self, options: TranscribeOptions):
        key = (options.device, options.compute_type, options.cpu_threads)
        if self._loaded is None or self._loaded[0] != key:
            from faster_whisper import WhisperModel

            try:
                whisper = WhisperModel(str(self.model.path), **model_kwargs(options))
            except (RuntimeError, ValueError, OSError) as exc:
                raise ModelError(
                    _(
                        "{path}: the speech model does not load on {device} with {compute_type} ({exc}); check the model folder (or reinstall `.[offline-model]`) and run `pipeline doctor`"
                    ).format(
                        path=self.model.path,
                        device=options.device,
                        compute_type=options.compute_type,
                        exc=exc,
                    )
                ) from None
            self._loaded = (key, whisper)
        return self._loaded[1]

    def transcribe(
        self, audio_path: Path, options: TranscribeOptions, progress: AudioProgress | None = None
    ) -> Transcription:
        import av

        options = options.resolved()
        whisper = self._whisper(options)
        seed_sampler(options.sampling_seed)
        try:
            generator, info = whisper.transcribe(str(audio_path), **whisper_kwargs(options))
            segments = []
            for raw in generator:  # decoding happens here, one window at a time
                segments.append(_segment(raw))
                if progress is not None:
                    progress(to_ms(raw.end))
        except (av.error.FFmpegError, FileNotFoundError) as exc:
            # faster-whisper decodes with PyAV; a file it cannot read fails here, before any window
            raise MediaError(
                _(
                    "{audio_path}: the speech model cannot read this audio ({exc}); re-ingest the clip or check that it has a sound track"
                ).format(audio_path=audio_path, exc=exc)
            ) from None
        duration_ms = to_ms(info.duration)
        if progress is not None:
            progress(duration_ms)
        return Transcription(language=info.language, duration_ms=duration_ms, segments=tuple(segments))


def _segment(raw) -> Segment:
    words = tuple(
        Word(
            start_ms=to_ms(w.start),
            end_ms=max(to_ms(w.start), to_ms(w.end)),
            text=w.word,
            probability=round(float(w.probability), 4),
        )
        for w in (raw.words or ())
        if w.word.strip()
    )
    start, end = to_ms(raw.start), to_ms(raw.end)
    return Segment(start_ms=start, end_ms=max(start, end), text=raw.text, words=words)
