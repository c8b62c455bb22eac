"""What the speech engine is asked to do: one options object, recorded with every transcript.

Its own module so that the transcript (which records the options) and the engine (which obeys
them) both import it, neither importing the other.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class TranscribeOptions:
    """What the engine is asked to do. Everything except the thread count changes the result."""

    language: str | None = "zh"  # None: let the model detect it
    beam_size: int = 5
    word_timestamps: bool = True
    vad_filter: bool = True  # silero VAD (bundled with faster-whisper) skips silence
    vad_min_silence_ms: int = 2000
    # Off: each 30 s window starts fresh, so one misheard or looping window cannot derail the next
    # ones. On the sample narration both settings score the same (CER 0.098 off, 0.097 on).
    condition_on_previous_text: bool = False
    initial_prompt: str = ""
    hotwords: str = ""
    # A window that fails Whisper's checks (repetitive, unlikely) is decoded again by sampling at
    # rising temperatures; seeding CTranslate2's sampler per file makes the same audio and options
    # give the same words whatever ran before in the process (caches and tests rely on it).
    sampling_seed: int = 0
    device: str = "auto"  # auto: CUDA when a GPU is visible, else CPU
    compute_type: str = "auto"  # auto: int8 on CPU, float16 on CUDA
    cpu_threads: int = 0  # 0: all cores

    def resolved(self) -> TranscribeOptions:
        """The same options with `auto` device, compute type and thread count made concrete."""
        device = self.device if self.device != "auto" else ("cuda" if cuda_available() else "cpu")
        compute = (
            self.compute_type if self.compute_type != "auto" else ("float16" if device == "cuda" else "int8")
        )
        threads = self.cpu_threads or os.cpu_count() or 4
        return replace(self, device=device, compute_type=compute, cpu_threads=threads)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def result_fields(self) -> dict[str, Any]:
        """The options that can change the words (cache key material): all but the thread count."""
        fields = self.to_dict()
        del fields["cpu_threads"]
        return fields

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranscribeOptions:
        """Options as a transcript records them; keys this version does not know are ignored and
        missing ones take their defaults, so older and newer transcripts both read."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def cuda_available() -> bool:
    try:
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    except (ImportError, RuntimeError):
        return False
