"""Everything a render needs before ffmpeg runs, each piece cached in the project's `.cache/`:
probe facts of the sources, drawn graphics, burn-in ASS files, loudness pass 1, and for every
output its plan and fingerprint."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.edit.timeline import Card, Overlay, Timeline
from pipeline.media.probe import MediaFacts, probe
from pipeline.media.runner import run_ffmpeg
from pipeline.presets import project_overrides
from pipeline.project.files import atomic_write_json, atomic_write_text, temp_sibling
from pipeline.project.footage import load_footage
from pipeline.project.model import Project
from pipeline.render import fingerprint
from pipeline.render.ass import ass_document, fonts_folder, laid_out, subtitle_look
from pipeline.render.checks import BYTES_PER_MB
from pipeline.render.colour import still_filters
from pipeline.render.encode import CappedSize, audio_args, video_args
from pipeline.render.filters import seconds
from pipeline.render.graph import (
    Artwork,
    LoudnessKey,
    OutputPlan,
    loudness_args,
    loudness_key,
    programme_size,
    render_args,
    shape_of,
)
from pipeline.render.graphics import Canvas, card_image, lower_third_image
from pipeline.render.loudness import (
    CachedMeasurement,
    Measurement,
    Normalisation,
    parse_measurement,
    plan_normalisation,
)
from pipeline.render.outputs import capped_size, kbps, video_path
from pipeline.render.platforms import PlatformPreset
from pipeline.render.remux import remuxed_clip, remuxed_facts, seekable_timeline
from pipeline.render.video import PlacedImage
from pipeline.subtitles.profile import load_qc_profile

REFIT_MARGIN = 0.95  # a size-capped file that came out too big is re-encoded aiming this far below the cap


@dataclass(frozen=True, slots=True)
class Planned:
    """One output of a job: its plan (final path), and the fingerprint of what makes it."""

    platform: str
    variant: str  # "main", "api", "draft"
    plan: OutputPlan
    fingerprint: str

    @property
    def final(self) -> Path:
        return self.plan.path

    @property
    def label(self) -> str:
        return {
            "main": self.platform,
            "api": f"{self.platform} (API-sized)",
            "draft": f"{self.platform} (draft)",
        }[self.variant]


@dataclass(frozen=True, slots=True)
class RenderJob:
    project: Project
    timeline: Timeline
    facts: Mapping[Path, MediaFacts]
    stamps: Mapping[Path, fingerprint.FileStamp]
    programme: tuple[int, int]
    artwork: Artwork
    loudness: Mapping[LoudnessKey, Normalisation]
    fonts_dir: Path
    outputs: tuple[Planned, ...]
    notes: tuple[str, ...]
    graphics_dir: Path

    def cover_frame(self) -> tuple[Path | None, str]:
        return cover_frame(self)


def prepare_job(
    project: Project, presets: Sequence[PlatformPreset], timeline: Timeline, *, draft: bool
) -> RenderJob:
    cache = project.cache_dir
    graphics_dir = cache / "graphics"
    timeline = seekable_timeline(project, timeline)
    facts, stamps = source_facts(project, timeline)
    size = programme_size(presets)
    artwork = draw_artwork(timeline, presets, size, graphics_dir)
    burn_in = burn_in_files(project, timeline, presets, cache / "subtitles")
    notes: list[str] = []
    loudness = {}
    for preset in presets:
        key = loudness_key(preset.loudness)
        if key not in loudness:
            loudness[key] = plan_normalisation(
                preset.loudness,
                lambda limit, p=preset: measure_mix(project, timeline, facts, stamps, p, limit),
            )
            if loudness[key].note:
                notes.append(loudness[key].note)
    plans: list[tuple[str, str, OutputPlan]] = []
    for preset in presets:
        variant = "draft" if draft else "main"
        subtitles = burn_in.get(preset.name)
        plans.append(
            (
                preset.name,
                variant,
                OutputPlan(
                    preset.name, preset, video_path(project, preset.name, draft=draft), subtitles=subtitles
                ),
            )
        )
        if preset.size_cap is not None and not draft:
            decision = capped_size(preset.size_cap, preset, timeline.duration_ms)
            if decision.size is None:
                notes.append(f"{preset.name}: {decision.message}")
                continue
            plans.append(
                (
                    preset.name,
                    "api",
                    OutputPlan(
                        f"{preset.name}_api",
                        preset,
                        video_path(project, preset.name, variant="api"),
                        subtitles=subtitles,
                        capped=decision.size,
                    ),
                )
            )
    fonts_dir = fonts_folder(cache / "fonts")
    job = RenderJob(
        project, timeline, facts, stamps, size, artwork, loudness, fonts_dir, (), tuple(notes), graphics_dir
    )
    outputs = tuple(
        Planned(platform, variant, plan, output_fingerprint(job, plan)) for platform, variant, plan in plans
    )
    return dataclasses.replace(job, outputs=outputs)


def source_facts(
    project: Project, timeline: Timeline
) -> tuple[dict[Path, MediaFacts], dict[Path, fingerprint.FileStamp]]:
    """Probe facts and identities of every file the timeline reads: from the footage index when the
    file is ingested footage (probed and hashed at ingest), else probed now."""
    clips = {clip.clip_id: clip for clip in load_footage(project)}
    spans = [s.source for s in timeline.shots if s.source is not None] + [p.source for p in timeline.audio]
    facts: dict[Path, MediaFacts] = {}
    stamps: dict[Path, fingerprint.FileStamp] = {}
    for span in spans:
        if span.path in facts:
            continue
        clip = clips.get(span.clip_id)
        copied = remuxed_clip(project, clips, span)
        if copied is not None:  # a seekable copy of ingested footage: the ingest facts still hold
            facts[span.path], stamps[span.path] = remuxed_facts(copied), fingerprint.clip_stamp(copied)
        elif clip is not None and os.path.samefile(clip.path(project), span.path):
            facts[span.path], stamps[span.path] = clip.facts, fingerprint.clip_stamp(clip)
        else:
            stamps[span.path] = fingerprint.file_stamp(span.path, root=project.root)
            facts[span.path] = cached_probe(project, span.path, stamps[span.path])
    if timeline.music is not None:
        path = timeline.music.path
        stamps[path] = fingerprint.file_stamp(path, root=project.root)
        facts[path] = cached_probe(project, path, stamps[path])
    return facts, stamps


def cached_probe(project: Project, path: Path, stamp: fingerprint.FileStamp) -> MediaFacts:
    """Probe facts of a file that is not ingested footage (the music bed), kept in .cache/probe/."""
    key = fingerprint.fingerprint({"stamp": stamp, "path": path})[:24]
    cached = project.cache_dir / "probe" / f"{key}.json"
    try:
        return MediaFacts.from_dict(json.loads(cached.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        facts = probe(path)
        atomic_write_json(cached, facts.to_dict())
        return facts


def draw_artwork(
    timeline: Timeline, presets: Sequence[PlatformPreset], size: tuple[int, int], cache: Path
) -> Artwork:
    cards: dict[Card, Path] = {}
    for shot in timeline.shots:
        if shot.card is not None and shot.card not in cards:
            cards[shot.card] = card_image(shot.card, timeline.style, Canvas(*size), cache)
    thirds: dict[tuple[Overlay, int, int], PlacedImage] = {}
    for preset in presets:
        shape = shape_of(preset)
        for overlay in timeline.overlays:
            key = (overlay, shape.width, shape.height)
            if key not in thirds:
                thirds[key] = lower_third_image(
                    overlay, timeline.style, Canvas(shape.width, shape.height, shape.layout), cache
                )
    return Artwork(cards, thirds)


def burn_in_files(
    project: Project, timeline: Timeline, presets: Sequence[PlatformPreset], cache: Path
) -> dict[str, Path]:
    """The ASS file each burn-in preset shows, laid out by its QC profile (16 x 2, or 13 x 1 vertical).

    Cached by what shapes it (cues, layout limits, glossary terms, look): laying text out loads a
    word segmenter, which would cost a second on every up-to-date rerun."""
    files: dict[str, Path] = {}
    if not timeline.cues:
        return files
    for preset in presets:
        layout = preset.subtitles
        if not layout.burn_in:
            continue
        profile = load_qc_profile(
            layout.qc_profile, project_overrides(project.overrides, "qc", layout.qc_profile)
        )
        look = subtitle_look(layout, preset.picture.width, preset.picture.height, timeline.style)
        terms = project.glossary.terms
        key = fingerprint.fingerprint(
            {
                "cues": timeline.cues,
                "chars": profile.max_chars_per_line,
                "lines": profile.max_lines,
                "gap": profile.min_gap_ms,
                "terms": terms,
                "look": look,
                "duration": timeline.duration_ms,
                "tools": fingerprint.tool_versions().pipeline,
            }
        )[:16]
        path = cache / f"subtitles-{key}.ass"
        if not path.exists():
            cues = laid_out(
                timeline.cues,
                profile.max_chars_per_line,
                profile.max_lines,
                gap_ms=profile.min_gap_ms,
                keep_together=terms,
            )
            atomic_write_text(path, ass_document(cues, look, duration_ms=timeline.duration_ms))
        files[preset.name] = path
    return files


def _relative(args: Sequence[str], project: Project) -> list[str]:
    """Arguments without the project's location (moving the folder changes nothing)."""
    root = str(project.root)
    return [arg.replace(root, "$PROJECT") for arg in args]


def measure_mix(
    project: Project, timeline: Timeline, facts, stamps, preset: PlatformPreset, limit_db: float | None
) -> Measurement:
    """Loudness pass 1 (cached by the audio graph's arguments and its inputs' identities)."""
    args = loudness_args(timeline, facts=facts, target=preset.loudness, limit_db=limit_db)
    key = fingerprint.fingerprint(
        {
            "args": _relative(args, project),
            "inputs": sorted(stamps.values(), key=lambda s: s.path),
            "ffmpeg": fingerprint.tool_versions().ffmpeg,
        }
    )
    cached = CachedMeasurement(project.cache_dir / "loudness" / f"{key[:24]}.json")
    found = cached.load()
    if found is not None:
        return found
    result = run_ffmpeg(args, what="measuring the programme's loudness")
    measured = parse_measurement(result.stderr)
    cached.save(measured)
    return measured


def output_fingerprint(job: RenderJob, plan: OutputPlan) -> str:
    """What makes this file: its own render arguments (timeline, preset values, graphics and
    subtitle files named by content, loudness figures), the input files' identities, the tools."""
    args = render_args(
        job.timeline,
        [plan],
        facts=job.facts,
        artwork=job.artwork,
        loudness=job.loudness,
        fonts_dir=job.fonts_dir,
        programme=job.programme,
    )
    return fingerprint.fingerprint(
        {
            "args": _relative(args, job.project),
            "inputs": sorted(job.stamps.values(), key=lambda s: s.path),
            "tools": fingerprint.tool_versions(),
        }
    )


def cover_frame(job: RenderJob) -> tuple[Path | None, str]:
    """A still of the first narration shot, from its middle, for the covers (cached)."""
    narrated = {piece.source.clip_id for piece in job.timeline.audio}
    shots = [s for s in job.timeline.shots if s.source is not None]
    shot = next((s for s in shots if s.source.clip_id in narrated), shots[0] if shots else None)
    if shot is None:
        return None, "no-frame"
    span = shot.source
    at_ms = span.in_ms + span.duration_ms // 2
    key = fingerprint.fingerprint(
        {"source": job.stamps[span.path], "at_ms": at_ms, "look": still_filters(job.facts[span.path].video)}
    )[:16]
    path = job.graphics_dir / f"frame-{key}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        video = job.facts[span.path].video
        temp = temp_sibling(path)
        still = still_filters(video)  # display aspect, SDR BT.709 (anamorphic and HDR sources too)
        steps = ["-vf", ",".join(still)] if still else []
        run_ffmpeg(
            [
                "-y",
                "-ss",
                seconds(at_ms),
                "-i",
                str(span.path),
                *steps,
                "-frames:v",
                "1",
                "-update",
                "1",
                str(temp),
            ],
            outputs=[temp],
            what=f"taking a cover frame from {span.clip_id}",
        )
        os.replace(temp, path)
    return path, key


def refit_capped(job: RenderJob, planned: Planned) -> str:
    """When a size-capped file came out over its cap (one-pass ABR drifts), re-encode it once from
    its platform's finished file at a bitrate scaled down to fit."""
    preset, capped = planned.plan.preset, planned.plan.capped
    if capped is None or preset.size_cap is None:
        return ""
    limit = preset.size_cap.max_mb * BYTES_PER_MB
    size = planned.final.stat().st_size
    if size <= limit:
        return ""
    audio = kbps(capped.audio_bitrate)
    video = int((capped.video_kbps + audio) * limit * REFIT_MARGIN / size - audio)
    smaller = CappedSize(capped.width, capped.height, max(video, 1), capped.audio_bitrate)
    source = next(p.final for p in job.outputs if p.platform == planned.platform and p.variant != "api")
    temp = temp_sibling(planned.final)
    args = [
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0",
        "-vf",
        f"scale={capped.width}:{capped.height}",
        *video_args(preset, smaller),
        *audio_args(preset, smaller),
        "-movflags",
        "+faststart",
        str(temp),
    ]
    run_ffmpeg(args, outputs=[temp], what=f"re-encoding {planned.label} under {preset.size_cap.max_mb:g} MB")
    os.replace(temp, planned.final)
    return (
        f"{planned.label}: first encode was {size / BYTES_PER_MB:.2f} MB, over the cap; re-encoded at "
        f"{smaller.video_kbps} kbit/s"
    )
