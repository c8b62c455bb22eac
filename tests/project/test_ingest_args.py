"""The speech WAV ingest extracts for the speech model: its exact ffmpeg arguments."""

from __future__ import annotations

from pathlib import Path

from pipeline.project.ingest import speech_audio_args


def test_speech_audio_is_the_first_audio_stream_mono_16khz_pcm():
    source, target = Path("/p/footage/int-001.mts"), Path("/p/.cache/speech/.int-001.x.part.wav")
    assert speech_audio_args(source, target) == [
        "-y",
        "-i",
        str(source),
        "-map",
        "0:a:0",
        "-vn",
        "-ac",
        "1",
        "-ar",
        "16000",
        "-c:a",
        "pcm_s16le",
        str(target),
    ]
