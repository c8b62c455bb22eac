"""Loudness pass 1: the programme's mix measured by ffmpeg's loudnorm before the render.

The figures feed pass 2 (`loudness.plan_normalisation`), which the render graph applies. Cached by
the audio graph's arguments and its inputs' identities, so an unchanged mix is measured once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipeline.edit.timeline import Timeline
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts
from pipeline.media.runner import run_ffmpeg
from pipeline.project.digest import content_key
from pipeline.project.model import Project
from pipeline.render import fingerprint
from pipeline.render.graph import loudness_args
from pipeline.render.loudness import CachedMeasurement, Measurement, parse_measurement
from pipeline.render.platforms import PlatformPreset


def measure_mix(
    project: Project,
    timeline: Timeline,
    facts: Mapping[Path, MediaFacts],
    stamps: Mapping[Path, fingerprint.FileStamp],
    preset: PlatformPreset,
    limit_db: float | None,
) -> Measurement:
    """Loudness pass 1 (cached by the audio graph's arguments and its inputs' identities)."""
    args = loudness_args(timeline, facts=facts, target=preset.loudness, limit_db=limit_db)
    cached = CachedMeasurement(project.cache_dir / "loudness" / f"{_key(project, args, stamps)[:24]}.json")
    found = cached.load()
    if found is not None:
        return found
    result = run_ffmpeg(args, what=_("measuring the programme's loudness"))
    measured = parse_measurement(result.stderr)
    cached.save(measured)
    return measured


def mix_key(
    project: Project,
    timeline: Timeline,
    facts: Mapping[Path, MediaFacts],
    stamps: Mapping[Path, fingerprint.FileStamp],
    preset: PlatformPreset,
    limit_db: float | None = None,
) -> str:
    """What pass 1 measures, as a key: the same key, the same figures (no need to measure to know)."""
    return _key(
        project, loudness_args(timeline, facts=facts, target=preset.loudness, limit_db=limit_db), stamps
    )


def _key(project: Project, args: list[str], stamps: Mapping[Path, fingerprint.FileStamp]) -> str:
    return content_key(
        {
            "args": fingerprint.without_root(args, project.root),
            "inputs": sorted(stamps.values(), key=lambda s: s.path),
            "ffmpeg": fingerprint.tool_versions(project.root).ffmpeg,
        }
    )
