"""Edit-stage test projects: footage indexes of fake clips and synthetic transcripts."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.media.probe import AudioFacts, MediaFacts, VideoFacts
from pipeline.project.footage import Clip, save_footage
from pipeline.project.model import Project, load_project
from pipeline.transcribe.transcript import Segment, Transcript, Word


def facts(duration_ms: int, *, video: bool = True, audio: bool = True) -> MediaFacts:
    return MediaFacts(
        container="mov,mp4,m4a,3gp,3g2,mj2",
        duration_ms=duration_ms,
        size_bytes=1000,
        video=VideoFacts("h264", "High", 1920, 1080, "25/1", False, "progressive", False, 0, "yuv420p")
        if video
        else None,
        audio=AudioFacts("aac", 48000, 2) if audio else None,
    )


def fake_clip(clip_id: str, role: str, duration_ms: int, *, suffix: str = ".mp4") -> Clip:
    return Clip(
        clip_id=clip_id,
        role=role,
        file=f"footage/{clip_id}{suffix}",
        original_name=f"{clip_id}{suffix}",
        source_path=f"/camera/{clip_id}{suffix}",
        sha256="0" * 64,
        facts=facts(duration_ms, video=role != "music"),
        ingested_at="2026-11-23T08:00:00Z",
    )


def write_index(project: Project, clips: list[Clip]) -> None:
    save_footage(project, tuple(clips))


def spoken(start_ms: int, sentence: str, *, ms_per_char: int = 200, probability: float = 0.9) -> list[Word]:
    """One word per character (Whisper's shape for Mandarin); punctuation rides on the character before."""
    words: list[Word] = []
    t = start_ms
    for char in sentence:
        if char in "，。！？,.!?、":
            if words:
                last = words[-1]
                words[-1] = Word(last.start_ms, last.end_ms, last.text + char, last.probability)
            continue
        words.append(Word(t, t + ms_per_char, char, probability))
        t += ms_per_char
    return words


def transcript_of(clip_id: str, sentences: list[tuple[int, str]], **kwargs) -> Transcript:
    """A transcript with one segment per (start_ms, sentence)."""
    segments = []
    for start, sentence in sentences:
        words = spoken(start, sentence, **kwargs)
        segments.append(Segment(words[0].start_ms, words[-1].end_ms, sentence, tuple(words)))
    return Transcript(clip_id=clip_id, language="zh", model="fake", segments=tuple(segments))


def write_transcript(project: Project, transcript: Transcript) -> Path:
    path = project.transcripts_dir / f"{transcript.clip_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(transcript.to_dict(), ensure_ascii=False), "utf-8")
    return path


def use_template(project: Project, name: str) -> Project:
    text = project.file.read_text("utf-8").replace('template = "first-person"', f'template = "{name}"')
    project.file.write_text(text, "utf-8")
    return load_project(project.root)


STORY = [
    "我叫王建华，是一名驻村工作队的队员。",
    "二零二一年春天，组织上派我到村里驻村。",
    "村里最大的难题是路。",
    "经过半年的协调，我们修通了硬化路。",
]
