"""The faster-whisper adapter, with faster-whisper's WhisperModel replaced by a stand-in."""

from __future__ import annotations

from types import SimpleNamespace

import faster_whisper
import pytest

from pipeline.errors import MediaError, ModelError
from pipeline.transcribe import options as options_module
from pipeline.transcribe.engine import (
    TranscribeOptions,
    WhisperTranscriber,
    model_kwargs,
    to_ms,
    whisper_kwargs,
)
from pipeline.transcribe.models import ResolvedModel


def test_options_default_to_what_the_pipeline_promises():
    options = TranscribeOptions()
    assert (options.language, options.beam_size, options.word_timestamps, options.vad_filter) == (
        "zh",
        5,
        True,
        True,
    )


def test_auto_device_and_compute_type_resolve_to_int8_on_cpu(monkeypatch):
    monkeypatch.setattr(options_module, "cuda_available", lambda: False)
    resolved = TranscribeOptions().resolved()
    assert (resolved.device, resolved.compute_type) == ("cpu", "int8")
    assert resolved.cpu_threads >= 1


def test_auto_device_and_compute_type_resolve_to_float16_on_cuda(monkeypatch):
    monkeypatch.setattr(options_module, "cuda_available", lambda: True)
    resolved = TranscribeOptions(cpu_threads=3).resolved()
    assert (resolved.device, resolved.compute_type, resolved.cpu_threads) == ("cuda", "float16", 3)


def test_explicit_device_and_compute_type_are_kept():
    resolved = TranscribeOptions(device="cpu", compute_type="float32").resolved()
    assert (resolved.device, resolved.compute_type) == ("cpu", "float32")


def test_whisper_arguments():
    options = TranscribeOptions(
        language="zh", initial_prompt="以下是普通话的句子。", hotwords="两委 驻村", vad_min_silence_ms=700
    )
    assert whisper_kwargs(options) == {
        "language": "zh",
        "beam_size": 5,
        "word_timestamps": True,
        "vad_filter": True,
        "condition_on_previous_text": False,
        "initial_prompt": "以下是普通话的句子。",
        "hotwords": "两委 驻村",
        "vad_parameters": {"min_silence_duration_ms": 700},
    }
    bare = whisper_kwargs(TranscribeOptions(language=None, vad_filter=False))
    assert bare["initial_prompt"] is None and bare["hotwords"] is None and "vad_parameters" not in bare
    assert model_kwargs(TranscribeOptions(device="cpu", compute_type="int8", cpu_threads=2)) == {
        "device": "cpu",
        "compute_type": "int8",
        "cpu_threads": 2,
    }


def test_seconds_become_whole_milliseconds():
    assert [to_ms(s) for s in (0.0, 1.2345, 2.0006, -0.01)] == [0, 1234, 2001, 0]


class StandInModel:
    """Mimics faster_whisper.WhisperModel: transcribe returns a lazy generator and an info object."""

    instances: list[StandInModel] = []

    def __init__(self, path: str, **kwargs) -> None:
        self.path, self.kwargs, self.decoded = path, kwargs, 0
        StandInModel.instances.append(self)

    def transcribe(self, audio: str, **kwargs):
        self.last_kwargs = kwargs

        def generate():
            for start, end, words in (
                (0.0, 1.52, [(0.0, 0.7, " 我是"), (0.7, 1.52, "黨員。")]),
                (2.0, 3.1, [(2.0, 3.1, "好"), (3.0, 3.0, " ")]),
            ):
                self.decoded += 1
                yield SimpleNamespace(
                    start=start,
                    end=end,
                    text="".join(w[2] for w in words),
                    words=[SimpleNamespace(start=a, end=b, word=t, probability=0.91234) for a, b, t in words],
                )

        return generate(), SimpleNamespace(language="zh", duration=3.5004)


@pytest.fixture
def stand_in(monkeypatch):
    StandInModel.instances = []
    monkeypatch.setattr(faster_whisper, "WhisperModel", StandInModel)
    monkeypatch.setattr(options_module, "cuda_available", lambda: False)
    return StandInModel


def test_the_generator_is_materialised_into_typed_results_in_ms(stand_in, tmp_path):
    transcriber = WhisperTranscriber(ResolvedModel(tmp_path, "base", "cache"))
    seen = []
    heard = transcriber.transcribe(tmp_path / "a.wav", TranscribeOptions(cpu_threads=2), seen.append)

    assert stand_in.instances[0].decoded == 2  # iterated to the end inside the engine
    assert heard.language == "zh" and heard.duration_ms == 3500
    first, second = heard.segments
    assert (first.start_ms, first.end_ms, first.text) == (0, 1520, " 我是黨員。")
    assert [(w.start_ms, w.end_ms, w.text, w.probability) for w in first.words] == [
        (0, 700, " 我是", 0.9123),
        (700, 1520, "黨員。", 0.9123),
    ]
    assert [w.text for w in second.words] == ["好"]  # blank words dropped
    assert seen == [1520, 3100, 3500]
    assert stand_in.instances[0].kwargs == {"device": "cpu", "compute_type": "int8", "cpu_threads": 2}
    assert stand_in.instances[0].last_kwargs["word_timestamps"] is True


def test_the_model_loads_once_and_only_when_needed(stand_in, tmp_path):
    transcriber = WhisperTranscriber(ResolvedModel(tmp_path, "base", "cache"))
    assert stand_in.instances == []
    transcriber.transcribe(tmp_path / "a.wav", TranscribeOptions(cpu_threads=2))
    transcriber.transcribe(tmp_path / "b.wav", TranscribeOptions(cpu_threads=2))
    assert len(stand_in.instances) == 1


def test_identity_names_the_model_without_loading_it(stand_in, tmp_path):
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes(b"x")
    transcriber = WhisperTranscriber(ResolvedModel(tmp_path, "base", "cache"))
    assert transcriber.identity.startswith("base@")
    assert stand_in.instances == []


def test_a_model_that_does_not_load_is_a_model_error(monkeypatch, tmp_path):
    def refuse(path, **kwargs):
        raise RuntimeError("Unable to open file 'model.bin'")

    monkeypatch.setattr(faster_whisper, "WhisperModel", refuse)
    transcriber = WhisperTranscriber(ResolvedModel(tmp_path, "base", "cache"))
    with pytest.raises(
        ModelError, match=r"the speech model does not load on .* \(Unable to open file 'model.bin'\)"
    ):
        transcriber.transcribe(tmp_path / "a.wav", TranscribeOptions())


def test_audio_the_decoder_cannot_read_is_a_media_error(monkeypatch, tmp_path):
    import av

    class Decoder(StandInModel):
        def transcribe(self, audio, **kwargs):  # faster-whisper decodes with PyAV before any window
            raise av.error.InvalidDataError(1094995529, "Invalid data found when processing input", audio)

    monkeypatch.setattr(faster_whisper, "WhisperModel", Decoder)
    transcriber = WhisperTranscriber(ResolvedModel(tmp_path, "base", "cache"))
    with pytest.raises(MediaError, match=r"a.wav: the speech model cannot read this audio"):
        transcriber.transcribe(tmp_path / "a.wav", TranscribeOptions())
