"""Seekable copies of footage whose container has no index (AVCHD's MPEG-TS).

Seeking an MPEG-TS file with `-ss` lands on an arbitrary packet, and the frames that come out carry
the file's own timestamps rather than starting at the seek point, so a span cut from the middle of
an .MTS clip came out short and late. A stream copy into Matroska (no re-encoding: seconds for a
whole card, and kept in .cache) gives the demuxer an index, and `-ss` is then frame-accurate for
picture and sound alike. The footage itself is never touched.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipeline.edit.timeline import SourceSpan, Timeline
from pipeline.i18n import _
from pipeline.media.runner import run_ffmpeg
from pipeline.project.files import atomic_output
from pipeline.project.footage import Clip, load_footage
from pipeline.project.model import Project
from pipeline.render.sources import UNINDEXED_CONTAINERS

REMUX_CONTAINER = "matroska,webm"


def remux_path(project: Project, clip: Clip) -> Path:
    return project.cache_dir / "remux" / f"{clip.clip_id}-{clip.sha256[:12]}.mkv"


def needs_remux(clip: Clip) -> bool:
    return clip.facts.container in UNINDEXED_CONTAINERS


def remux_args(source: Path, target: Path) -> list[str]:
    """ffmpeg arguments copying `source`'s first picture and sound streams into Matroska, unchanged."""
    return [
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v:0?",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        "-f",
        "matroska",
        str(target),
    ]


def ensure_remux(project: Project, clip: Clip) -> Path:
    target = remux_path(project, clip)
    if not target.exists():
        with atomic_output(target) as tmp:
            run_ffmpeg(
                remux_args(clip.path(project), tmp),
                outputs=[tmp],
                what=_("indexing {clip} for frame-accurate cutting").format(clip=clip.clip_id),
            )
    return target


def seekable_timeline(project: Project, timeline: Timeline) -> Timeline:
    """The timeline with every span of an unindexed clip read from its seekable copy."""
    clips = {c.clip_id: c for c in load_footage(project) if needs_remux(c)}
    if not clips:
        return timeline
    swapped: dict[Path, Path] = {}

    def swap(span: SourceSpan) -> SourceSpan:
        clip = clips.get(span.clip_id)
        if clip is None or span.path.resolve() != clip.path(project).resolve():
            return span
        if span.path not in swapped:
            swapped[span.path] = ensure_remux(project, clip)
        return dataclasses.replace(span, path=swapped[span.path])

    shots = tuple(
        s if s.source is None else dataclasses.replace(s, source=swap(s.source)) for s in timeline.shots
    )
    audio = tuple(dataclasses.replace(a, source=swap(a.source)) for a in timeline.audio)
    return dataclasses.replace(timeline, shots=shots, audio=audio)


def remuxed_clip(project: Project, clips: dict[str, Clip], span: SourceSpan) -> Clip | None:
    """The ingested clip a span reads through its seekable copy, if it does."""
    clip = clips.get(span.clip_id)
    if clip is not None and needs_remux(clip) and span.path == remux_path(project, clip):
        return clip
    return None


def remuxed_facts(clip: Clip):
    return dataclasses.replace(clip.facts, container=REMUX_CONTAINER)
