"""`pipeline render`: a project's episode to every platform's files, checked, incrementally.

    project ─▶ Timeline ─▶ graphics, burn-in ASS, loudness pass 1 (all cached in .cache/)
            ─▶ per output: arguments + fingerprint ─▶ stale outputs rendered chunk by chunk
               (`chunked`: each picture chunk for every stale output in one ffmpeg run, cached in
               .cache/chunks/; one whole-programme sound run; chunks joined without re-encoding)
            ─▶ renamed into exports/ ─▶ sidecars, covers ─▶ measured, checked, manifest, record

An output whose fingerprint (its own render arguments, the identity of every input file, the tool
versions) matches the record of the file on disk is not rendered again; a rerun with nothing changed
runs no ffmpeg at all. Every output of a run is written under a temporary name and renamed only
after the whole run succeeded.
"""

from __future__ import annotations

import dataclasses
import glob
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.edit.compile import compile_timeline
from pipeline.edit.timeline import Shot, Timeline
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.project.files import atomic_outputs
from pipeline.project.footage import Clip, load_footage
from pipeline.project.lock import exclusive
from pipeline.project.model import Project, load_project
from pipeline.render import checks, fingerprint, manifest
from pipeline.render.artwork import cover_frame
from pipeline.render.chunked import HERE, Workers, render_chunked
from pipeline.render.chunks import DEFAULT_JOBS, DEFAULT_RULE, ChunkRule
from pipeline.render.measure import measure_output
from pipeline.render.outputs import draft_preset, write_covers, write_sidecars
from pipeline.render.platforms import PlatformPreset, load_platform
from pipeline.render.prepare import LazyLoudness, Planned, RenderJob, prepare_job
from pipeline.render.refit import refit_capped

Progress = Callable[[float, float], None]  # (seconds encoded, programme seconds)
Proxies = Callable[[Project, Clip], Path]  # a clip's small picture for drafts (review.proxy.make_proxy)
DRAFT_PLATFORM = "web"
CHUNK_RULE = DEFAULT_RULE  # where the picture is cut into cached chunks (tests use shorter ones)
# drafts encode 360p at x264 superfast, so a chunk's cost is mostly its ffmpeg start, input seeks
# and font loading: longer chunks (a re-render after an edit still encodes seconds of 360p)
DRAFT_CHUNK_RULE = ChunkRule(target_ms=30_000, min_ms=10_000, max_ms=60_000)


@dataclass(frozen=True, slots=True)
class OutputReport:
    platform: str
    variant: manifest.Variant
    path: Path
    rendered: bool  # False: it was up to date and left alone
    entry: manifest.ManifestEntry | None  # the measured figures, as the manifest lists them

    @property
    def problems(self) -> tuple[checks.Problem, ...]:
        return self.entry.problems if self.entry is not None else ()


@dataclass(frozen=True, slots=True)
class RenderReport:
    project: Path
    duration_ms: int
    outputs: tuple[OutputReport, ...]
    notes: tuple[str, ...] = ()  # what the render decided on its own (a limiter, no API variant...)

    @property
    def problems(self) -> tuple[checks.Problem, ...]:
        return tuple(p for out in self.outputs for p in out.problems)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    @property
    def rendered(self) -> tuple[OutputReport, ...]:
        return tuple(o for o in self.outputs if o.rendered)

    def failure_message(self) -> str:
        return checks.failure_message(self.problems, listed_in=str(manifest.manifest_path(self.project)))


def select_presets(
    project: Project, platforms: Sequence[str] | None, *, draft: bool
) -> tuple[PlatformPreset, ...]:
    """The presets of `platforms`; none asked for: the project's, or for a draft only one (web,
    unless the project does not publish there): a draft is for checking the edit, quickly."""
    if not platforms and draft:
        platforms = [DRAFT_PLATFORM if DRAFT_PLATFORM in project.platforms else project.platforms[0]]
    names = tuple(dict.fromkeys(platforms or project.platforms))
    presets = tuple(load_platform(name, project.overrides) for name in names)
    return tuple(draft_preset(p) for p in presets) if draft else presets


def render_project(
    project: Project | Path | str,
    platforms: Sequence[str] | None = None,
    *,
    force: bool = False,
    draft: bool = False,
    progress: Progress | None = None,
    timeline: Timeline | None = None,
    proxies: Proxies | None = None,
    jobs: int = DEFAULT_JOBS,
    cluster: Executor | None = None,
) -> RenderReport:
    """Render the episode for `platforms` (default: the project's), skipping up-to-date outputs.

    `draft`: fast low-resolution previews of the working subtitles under exports/draft/.
    `proxies`: with `draft`, the picture is decoded from `proxies(project, clip)` (a small copy
    with the clip's timing, display aspect and frame rate: the review page's) instead of the
    camera file; the sound still comes from the footage (cheap to decode, and routed as set).
    `timeline`: render this instead of compiling the project's cut list (tests, benchmarks).
    `jobs`: chunks encoded at once on this machine (each an ffmpeg run with x264's own threads).
    `cluster`: a Dask cluster's executor (`Client.get_executor`): the chunks are encoded on its
    workers, which must see the project at the same path; the sound and the joins run here.
    Returns the report; outputs that miss their preset are listed in it (and in the manifest).
    """
    if not isinstance(project, Project):
        project = load_project(project)
    with exclusive(project.cache_dir / "render.lock", what=_("`pipeline render`"), where=project.root):
        return _render_locked(
            project,
            platforms,
            force=force,
            draft=draft,
            progress=progress,
            timeline=timeline,
            proxies=proxies if draft else None,
            workers=Workers(cluster, remote=True) if cluster is not None else None,
            jobs=jobs,
        )


def _render_locked(
    project: Project,
    platforms: Sequence[str] | None,
    *,
    force: bool,
    draft: bool,
    progress: Progress | None,
    timeline: Timeline | None,
    proxies: Proxies | None = None,
    workers: Workers | None = None,
    jobs: int = DEFAULT_JOBS,
) -> RenderReport:
    if not draft:
        check_consent(project)
    presets = select_presets(project, platforms, draft=draft)
    if timeline is None:
        timeline = compile_timeline(project, subtitles="working" if draft else "approved")
    if proxies is not None:
        timeline = pictures_from(project, timeline, proxies)
    job = prepare_job(project, presets, timeline, draft=draft)
    stale = [
        p for p in job.outputs if force or not fingerprint.is_up_to_date(project, p.final, p.fingerprint)
    ]
    rendered: list[str] = []
    if stale and workers is None and jobs > 1:
        with ThreadPoolExecutor(jobs, thread_name_prefix="chunk") as pool:
            rendered = _render(job, stale, progress, force=force, workers=Workers(pool))
    elif stale:
        rendered = _render(job, stale, progress, force=force, workers=workers or HERE)
    # a limiter or a lowered loudness target, when the render measured the mix
    measured = job.loudness.notes if isinstance(job.loudness, LazyLoudness) else ()
    notes = [*job.notes, *measured, *rendered]
    sidecars, covers = _deliverables(job)
    reports = []
    entries: list[manifest.ManifestEntry] = []
    for planned in job.outputs:
        entry: manifest.ManifestEntry | None
        if planned in stale:
            entry = _checked_entry(job, planned, sidecars, covers)
            entries.append(entry)
        else:
            entry = _recorded_entry(job, planned)
            if entry is not None and entry.covers != _cover_entries(job, planned, covers):
                entry = dataclasses.replace(entry, covers=_cover_entries(job, planned, covers))
                entries.append(entry)
        reports.append(
            OutputReport(planned.platform, planned.variant, planned.final, planned in stale, entry)
        )
    if entries:
        manifest.update_manifest(project, entries)
        for planned, report in zip(job.outputs, reports):
            if report.rendered and report.entry is not None and report.entry.passed:
                fingerprint.record(project, planned.final, planned.fingerprint, sha256=report.entry.sha256)
    return RenderReport(project.root, timeline.duration_ms, tuple(reports), tuple(notes))


def pictures_from(project: Project, timeline: Timeline, proxies: Proxies) -> Timeline:
    """The timeline with every shot of ingested footage read from the clip's proxy."""
    clips = {clip.clip_id: clip for clip in load_footage(project)}
    made: dict[str, Path] = {}

    def swap(shot: Shot) -> Shot:
        span = shot.source
        clip = clips.get(span.clip_id) if span is not None else None
        if span is None or clip is None or span.path.resolve() != clip.path(project).resolve():
            return shot
        if clip.clip_id not in made:
            made[clip.clip_id] = proxies(project, clip)
        return dataclasses.replace(shot, source=dataclasses.replace(span, path=made[clip.clip_id]))

    return dataclasses.replace(timeline, shots=tuple(swap(shot) for shot in timeline.shots))


def check_consent(project: Project) -> None:
    """Publishable files only when everyone in [[people]] has consent recorded; drafts are marked 样片."""
    missing = project.missing_consent
    if missing:
        names = _(", ").join(missing)
        raise RenderError(
            _(
                "{file}: no consent recorded for {names} ([[people]]); record each signed form with "
                "`pipeline consent {project} NAME --form FILE`, or render a marked preview with --draft"
            ).format(file=project.file, names=names, project=project.root)
        )


def _render(
    job: RenderJob,
    stale: Sequence[Planned],
    progress: Progress | None,
    *,
    force: bool = False,
    workers: Workers = HERE,
) -> list[str]:
    """Every stale output, chunk by chunk, into temporary files renamed when all succeeded."""
    for planned in stale:
        planned.final.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(planned.final)
    with atomic_outputs([p.final for p in stale]) as temps:
        rule = DRAFT_CHUNK_RULE if any(p.variant == "draft" for p in stale) else CHUNK_RULE
        render_chunked(job, stale, temps, progress, rule=rule, force=force, workers=workers)
    notes = []
    for planned in stale:
        capped = planned.plan.capped
        if capped is not None:
            source = next(
                p.final for p in job.outputs if p.platform == planned.platform and p.variant != "api"
            )
            note = refit_capped(planned.final, source, planned.plan.preset, capped, planned.label)
            if note:
                notes.append(note)
    return notes


def _remove_stale_temps(final: Path) -> None:
    """Temporary files a killed run (SIGKILL, power cut) left beside `final`: never renamed, so
    never mistaken for outputs, but they take space until the next render of that output."""
    for stale in final.parent.glob(f".{glob.escape(final.stem)}.*.part{final.suffix}"):
        stale.unlink(missing_ok=True)


def _deliverables(job: RenderJob) -> tuple[dict[str, tuple[Path, ...]], dict[str, tuple]]:
    """Sidecar subtitles and covers of every platform (cheap: rewritten only when they changed)."""
    sidecars: dict[str, tuple[Path, ...]] = {}
    covers: dict[str, tuple] = {}
    for planned in job.outputs:
        if planned.variant == "api":
            continue
        preset = planned.plan.preset
        sidecars[planned.platform] = write_sidecars(
            preset, job.timeline.cues, planned.final, job.timeline.duration_ms
        )
        if preset.covers:
            frame, key = cover_frame(job.timeline, job.facts, job.stamps, job.graphics_dir)
            covers[planned.platform] = write_covers(
                job.project, preset, job.timeline, planned.final, frame, key, job.graphics_dir
            )
    return sidecars, covers


def _cover_entries(
    job: RenderJob, planned: Planned, covers: dict[str, tuple]
) -> tuple[manifest.CoverEntry, ...]:
    if planned.variant == "api":
        return ()
    return tuple(
        manifest.cover_entry(job.project, cover.name, path)
        for cover, path in covers.get(planned.platform, ())
    )


def _subtitles(
    job: RenderJob, planned: Planned, sidecars: dict[str, tuple[Path, ...]]
) -> manifest.SubtitleDelivery | None:
    burned = planned.plan.subtitles is not None
    files = () if planned.variant == "api" else sidecars.get(planned.platform, ())
    if not burned and not files:
        return None
    return manifest.SubtitleDelivery(burned, tuple(manifest.project_relative(job.project, p) for p in files))


def _checked_entry(job: RenderJob, planned: Planned, sidecars, covers) -> manifest.ManifestEntry:
    facts = measure_output(planned.final)
    preset = planned.plan.preset
    capped = planned.plan.capped
    name = manifest.project_relative(job.project, planned.final)
    problems = checks.check_output(
        facts,
        preset,
        expected_duration_s=job.timeline.duration_ms / 1000,
        size_capped_mb=preset.size_cap.max_mb if capped is not None and preset.size_cap else None,
        expected_size=(capped.width, capped.height) if capped is not None else None,
        name=name,
    )
    for cover, path in covers.get(planned.platform, ()) if planned.variant != "api" else ():
        problems += checks.check_cover(
            path, cover, name=manifest.project_relative(job.project, path), max_kb=cover.max_kb
        )
    return manifest.entry_for(
        job.project,
        facts,
        platform=planned.platform,
        variant=planned.variant,
        problems=problems,
        fingerprint=planned.fingerprint,
        subtitles=_subtitles(job, planned, sidecars),
        covers=_cover_entries(job, planned, covers),
    )


def _recorded_entry(job: RenderJob, planned: Planned) -> manifest.ManifestEntry | None:
    relative = manifest.project_relative(job.project, planned.final)
    return next((e for e in manifest.load_manifest(job.project) if e.path == relative), None)
