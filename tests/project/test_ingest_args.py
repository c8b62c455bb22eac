"""The speech WAV ingest extracts for the speech model: its exact ffmpeg arguments."""

from __future__ import annotations

from pathlib import Path

from pipeline.media.probe import AudioFacts, MediaFacts
from pipeline.project.ingest import speech_args
from pipeline.project.model import AudioRouting

SOURCE, TARGET = Path("/p/footage/int-001.mts"), Path("/p/.cache/speech/.int-001.x.part.wav")


def camera(*channels: int) -> MediaFacts:
    streams = tuple(AudioFacts("ac3", 48000, n) for n in channels)
    return MediaFacts("mpegts", 10_000, 1_000, None, streams[0], streams)


def test_a_mono_stream_is_taken_as_it_is_mono_16khz_pcm():
    assert speech_args(SOURCE, TARGET, camera(1), AudioRouting()) == [
        "-y",
        "-i",
        str(SOURCE),
        "-map",
        "0:a:0",
        "-vn",
        "-af",
        "anull",
        "-ac",
        "1",
        "-ar",
        "16000",
        "-c:a",
        "pcm_s16le",
        str(TARGET),
    ]


def test_the_chosen_channel_of_the_chosen_stream_alone_is_the_speech():
    args = speech_args(SOURCE, TARGET, camera(2, 2), AudioRouting(stream=2, channel=2))
    assert args[args.index("-map") + 1] == "0:a:1"
    assert args[args.index("-af") + 1] == "pan=mono|c0=c1"
