"""Planning a render: which outputs a job makes, and the fingerprint that says whether each is stale.

`prepare_job` gathers what the render graph needs before ffmpeg runs, each piece cached in the
project's `.cache/` by its own module: probe facts of the sources (here), the drawn artwork
(`artwork`), the burn-in ASS files (`burn_in`), loudness pass 1 (`loudness_pass`). Then every
output gets its plan and fingerprint; the engine renders those whose fingerprint is not on record.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.edit.timeline import Timeline
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts, probe
from pipeline.project.digest import content_key
from pipeline.project.files import atomic_write_json
from pipeline.project.footage import load_footage
from pipeline.project.model import Project
from pipeline.render import fingerprint
from pipeline.render.artwork import draw_artwork
from pipeline.render.ass import fonts_folder
from pipeline.render.burn_in import burn_in_files
from pipeline.render.graph import Artwork, LoudnessKey, OutputPlan, loudness_key, programme_size, render_args
from pipeline.render.loudness import Measurement, Normalisation, plan_normalisation
from pipeline.render.loudness_pass import measure_mix, mix_key
from pipeline.render.manifest import Variant
from pipeline.render.outputs import capped_size, video_path
from pipeline.render.platforms import Loudness, PlatformPreset
from pipeline.render.remux import remuxed_clip, remuxed_facts, seekable_timeline


@dataclass(frozen=True, slots=True)
class Planned:
    """One output of a job: its plan (final path), and the fingerprint of what makes it."""

    platform: str
    variant: Variant
    plan: OutputPlan
    fingerprint: str

    @property
    def final(self) -> Path:
        return self.plan.path

    @property
    def label(self) -> str:
        if self.variant == "api":
            return _("{platform} (API-sized)").format(platform=self.platform)
        if self.variant == "draft":
            return _("{platform} (draft)").format(platform=self.platform)
        return self.platform


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


UNMEASURED = Measurement(0.0, 0.0, 0.0, 0.0)  # stands for pass 1's figures in a fingerprint


class LazyLoudness(Mapping[LoudnessKey, Normalisation]):
    """Each loudness target's normalisation, measured (loudness pass 1) the first time the sound
    pass asks for it, not when the job is prepared: the picture chunks are encoded meanwhile.
    Thread-safe: each target is measured once. `identity` stands for the figures in fingerprints."""

    def __init__(
        self,
        plans: Mapping[LoudnessKey, Callable[[], Normalisation]],
        targets: Mapping[LoudnessKey, Loudness],
        identity: Mapping[str, str],
    ) -> None:
        self._plans = dict(plans)
        self._targets = dict(targets)
        self._done: dict[LoudnessKey, Normalisation] = {}
        self._lock = threading.Lock()
        self.identity = dict(identity)

    def __getitem__(self, key: LoudnessKey) -> Normalisation:
        with self._lock:
            if key not in self._done:
                self._done[key] = self._plans[key]()
            return self._done[key]

    def __iter__(self) -> Iterator[LoudnessKey]:
        return iter(self._plans)

    def __len__(self) -> int:
        return len(self._plans)

    def unmeasured(self) -> dict[LoudnessKey, Normalisation]:
        """Each target with placeholder figures: the render arguments' shape, for fingerprints."""
        return {key: Normalisation(target, UNMEASURED) for key, target in self._targets.items()}

    @property
    def notes(self) -> tuple[str, ...]:
        """What the measured targets needed (a limiter, a lowered target), for the report."""
        with self._lock:
            return tuple(n.note for n in self._done.values() if n.note)


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
    plans_by_key: dict[LoudnessKey, Callable[[], Normalisation]] = {}
    identity: dict[str, str] = {}
    targets: dict[LoudnessKey, Loudness] = {}
    for preset in presets:
        key = loudness_key(preset.loudness)
        if key not in plans_by_key:
            targets[key] = preset.loudness
            plans_by_key[key] = functools.partial(
                plan_normalisation,
                preset.loudness,
                functools.partial(measure_mix, project, timeline, facts, stamps, preset),
            )
            identity[repr(key)] = mix_key(project, timeline, facts, stamps, preset)
    loudness = LazyLoudness(plans_by_key, targets, identity)
    plans: list[tuple[str, Variant, OutputPlan]] = []
    for preset in presets:
        variant: Variant = "draft" if draft else "main"
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
                notes.append(
                    _("{platform}: {message}").format(platform=preset.name, message=decision.message)
                )
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
            facts[span.path], stamps[span.path] = (
                remuxed_facts(copied),
                fingerprint.clip_stamp(project, copied),
            )
        elif clip is not None and os.path.samefile(clip.path(project), span.path):
            facts[span.path], stamps[span.path] = clip.facts, fingerprint.clip_stamp(project, clip)
        else:
            stamps[span.path] = fingerprint.file_stamp(span.path, root=project.root)
            facts[span.path] = cached_probe(project, span.path, stamps[span.path])
    if timeline.music is not None:
        path = timeline.music.path
        stamps[path] = fingerprint.file_stamp(path, root=project.root)
        facts[path] = cached_probe(project, path, stamps[path])
    return facts, stamps


def cached_probe(project: Project, path: Path, stamp: fingerprint.FileStamp) -> MediaFacts:
    """Probe facts of a file that is not ingested footage (the music bed), kept in .cache/probe/ by
    the file's content (its stamp), so a moved or copied project finds them."""
    key = content_key({"stamp": stamp})[:24]
    cached = project.cache_dir / "probe" / f"{key}.json"
    try:
        return MediaFacts.from_dict(json.loads(cached.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        facts = probe(path)
        atomic_write_json(cached, facts.to_dict())
        return facts


def output_fingerprint(job: RenderJob, plan: OutputPlan) -> str:
    """What makes this file: its own render arguments (timeline, preset values, graphics and
    subtitle files named by content), what loudness pass 1 measures (its key: the figures follow
    from it, so knowing whether a file is stale never waits for the measurement), the input files'
    identities, the tools."""
    loudness: Mapping[LoudnessKey, Normalisation] = job.loudness
    identity: dict[str, str] | None = None
    if isinstance(job.loudness, LazyLoudness):  # a job prepared here (tests may give measured figures)
        loudness, identity = job.loudness.unmeasured(), job.loudness.identity
    args = render_args(
        job.timeline,
        [plan],
        facts=job.facts,
        artwork=job.artwork,
        loudness=loudness,
        fonts_dir=job.fonts_dir,
        programme=job.programme,
    )
    return content_key(
        {
            "args": fingerprint.without_root(args, job.project.root),
            "loudness": identity,
            "inputs": sorted(job.stamps.values(), key=lambda s: s.path),
            "tools": fingerprint.tool_versions(job.project.root),
        }
    )
