"""A transcript records its engine options as the options object; on disk they stay a plain JSON
object, so transcripts written before and after read alike."""

from __future__ import annotations

import json

from pipeline.transcribe.options import TranscribeOptions
from pipeline.transcribe.transcript import Segment, Transcript, Word


def test_options_are_the_options_object_and_a_plain_object_on_disk():
    options = TranscribeOptions(language="zh", initial_prompt="以下是普通话的句子。", cpu_threads=2)
    transcript = Transcript(
        "int-001", "zh", "base@x", (Segment(0, 500, "好", (Word(0, 500, "好"),)),), options
    )
    stored = json.loads(json.dumps(transcript.to_dict(), ensure_ascii=False))
    assert (
        stored["options"]["initial_prompt"] == "以下是普通话的句子。"
        and stored["options"]["cpu_threads"] == 2
    )
    assert Transcript.from_dict(stored) == transcript


def test_an_older_or_newer_transcripts_options_still_read():
    old = {
        "clip_id": "int-001",
        "language": "zh",
        "model": "base@x",
        "segments": [],
        "options": {"language": "zh", "beam_size": 3, "a_future_option": True},
    }
    options = Transcript.from_dict(old).options
    assert options == TranscribeOptions(language="zh", beam_size=3)
    assert Transcript.from_dict({**old, "options": {}}).options == TranscribeOptions()
    assert (
        Transcript.from_dict({k: v for k, v in old.items() if k != "options"}).options == TranscribeOptions()
    )
