"""Sample cues, a fake ingested clip and a folder fingerprint for the subtitle tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.media.probe import AudioFacts, MediaFacts, VideoFacts
from pipeline.project.footage import Clip
from pipeline.subtitles.cue import Cue


def fake_clip(clip_id: str, role: str = "interview") -> Clip:
    facts = MediaFacts(
        container="mpegts",
        duration_ms=60_000,
        size_bytes=1000,
        video=VideoFacts(
            codec="h264",
            profile="High",
            width=1920,
            height=1080,
            frame_rate="25",
            variable_frame_rate=False,
            field_order="progressive",
            interlaced=False,
            rotation=0,
            pix_fmt="yuv420p",
        ),
        audio=AudioFacts(codec="aac", sample_rate=48000, channels=2),
    )
    return Clip(
        clip_id=clip_id,
        role=role,
        file=f"footage/{clip_id}.mts",
        original_name=f"{clip_id}.MTS",
        source_path=f"/camera/{clip_id}.MTS",
        sha256=hashlib.sha256(clip_id.encode()).hexdigest(),
        facts=facts,
        ingested_at="2026-11-23T08:00:00Z",
    )


GOOD_CUES = (
    Cue(1000, 3000, ("我叫王建华",)),
    Cue(3200, 6200, ("是邹城市一名驻村工作队的队员",)),
)
BAD_CUES = (
    Cue(1000, 4000, ("我叫王建华，是一名驻村两为干部，也是一名老共产黨員。",)),  # wide, glossary, traditional
    Cue(3900, 6200, ("说实话",)),  # overlaps
)


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }
