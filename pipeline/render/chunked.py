"""Rendering an episode's outputs chunk by chunk (see `chunks` for why and where it is cut).

    chunks of the picture ─▶ each: cached? else ONE ffmpeg run encodes it for every stale output
    whole-programme sound ─▶ cached? else ONE ffmpeg run: mix, ducking, loudness pass 2, per output
    per output: concat demuxer (stream copy) of its chunks + its sound ─▶ the output file

Every cached piece is named by a fingerprint of exactly what it holds: the piece's own ffmpeg
arguments with the project's location taken out (its shots as source spans, its lower thirds in
chunk time, its burn-in ASS named by content, the output's encoder settings), the identities of the
files it reads, and the tool versions. A chunk that shows the same thing is found again wherever it
moved to in the programme.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

from pipeline.i18n import _
from pipeline.media.runner import run_ffmpeg
from pipeline.project.digest import content_key
from pipeline.project.files import atomic_outputs, atomic_write_text
from pipeline.render import fingerprint
from pipeline.render.chunks import (
    DEFAULT_RULE,
    Chunk,
    ChunkRule,
    chunk_ass,
    chunk_timeline,
    concat_list,
    moved_overlays,
    plan_chunks,
)
from pipeline.render.encode import join_args
from pipeline.render.graph import Artwork, OutputPlan, chunk_args, loudness_key, sound_args
from pipeline.render.loudness import check_linear
from pipeline.render.prepare import Planned, RenderJob

Progress = Callable[[float, float], None]
KEEP_UNUSED_S = 14 * 24 * 3600  # cached chunks nobody used for two weeks are removed
PLACEHOLDER = Path("piece.mp4")  # the output path inside a fingerprint (the cache names the file)


@dataclasses.dataclass(frozen=True, slots=True)
class ChunkRun:
    """What one render of chunks did (tests and the benchmark read it)."""

    chunks: int  # chunks of the programme
    encoded: int  # chunks encoded by this render (the others came from the cache)


def render_chunked(
    job: RenderJob,
    stale: Sequence[Planned],
    targets: Sequence[Path],
    progress: Progress | None = None,
    *,
    rule: ChunkRule = DEFAULT_RULE,
    force: bool = False,
) -> ChunkRun:
    """Write each of `stale`'s files to the matching path in `targets` (temporary names).
    `force`: encode every chunk and the sound again, cached or not (`render --force`)."""
    timeline = job.timeline
    store = job.project.cache_dir / "chunks"
    store.mkdir(parents=True, exist_ok=True)
    whole = any(Fraction(p.plan.preset.picture.fps) != timeline.fps for p in stale)
    chunks = plan_chunks(timeline, rule, whole=whole)
    pieces: dict[str, list[tuple[str, int]]] = {p.plan.name: [] for p in stale}
    todo: list[tuple[Chunk, list[tuple[OutputPlan, Path]]]] = []
    for chunk in chunks:
        missing = []
        for planned in stale:
            plan = _chunk_plan(job, planned.plan, chunk)
            target = store / f"{_chunk_key(job, chunk, plan)}.mp4"
            pieces[plan.name].append((str(target), chunk.frames))
            if target.exists() and not force:
                _touch(target)
            else:
                missing.append((plan, target))
        if missing:
            todo.append((chunk, missing))
    total = sum(chunk.frames for chunk, _ in todo) / timeline.fps
    done = Fraction(0)
    for chunk, missing in todo:
        _encode_chunk(job, chunk, missing, progress, float(done), float(total), len(chunks))
        done += Fraction(chunk.frames) / timeline.fps
    sounds = _sounds(job, stale, store, force=force)
    for planned, target in zip(stale, targets):
        listing = store / f"join-{planned.plan.name}.ffconcat"
        atomic_write_text(listing, concat_list(pieces[planned.plan.name], timeline.fps))
        run_ffmpeg(
            join_args(listing, sounds[planned.plan.name], planned.plan.preset, target, title=timeline.title),
            outputs=[target],
            what=_("joining the chunks of {output}").format(output=planned.label),
        )
        listing.unlink(missing_ok=True)
    _prune(store)
    return ChunkRun(len(chunks), len(todo))


def _chunk_plan(job: RenderJob, plan: OutputPlan, chunk: Chunk) -> OutputPlan:
    """The output's plan for one chunk: its burn-in subtitles cut to the chunk (content-named)."""
    subtitles = None
    if plan.subtitles is not None:
        text = chunk_ass(plan.subtitles.read_text("utf-8"), chunk, job.timeline.fps)
        subtitles = plan.subtitles.parent / f"chunk-{content_key({'ass': text})[:16]}.ass"
        if not subtitles.exists():
            atomic_write_text(subtitles, text)
    return dataclasses.replace(plan, path=PLACEHOLDER, subtitles=subtitles)


def _chunk_artwork(job: RenderJob, chunk: Chunk) -> Artwork:
    moved = moved_overlays(job.timeline, chunk)
    thirds = {
        (local, w, h): job.artwork.lower_thirds[(original, w, h)]
        for local, original in moved.items()
        for (overlay, w, h) in job.artwork.lower_thirds
        if overlay == original
    }
    return Artwork(job.artwork.cards, thirds)


def _chunk_arguments(job: RenderJob, chunk: Chunk, plans: Sequence[OutputPlan]) -> list[str]:
    return chunk_args(
        chunk_timeline(job.timeline, chunk),
        plans,
        facts=job.facts,
        artwork=_chunk_artwork(job, chunk),
        fonts_dir=job.fonts_dir,
        programme=job.programme,
    )


def _chunk_key(job: RenderJob, chunk: Chunk, plan: OutputPlan) -> str:
    shown = chunk_timeline(job.timeline, chunk)
    paths = {s.source.path for s in shown.shots if s.source is not None}
    return content_key(
        {
            "args": fingerprint.without_root(_chunk_arguments(job, chunk, [plan]), job.project.root),
            "inputs": sorted((job.stamps[p] for p in paths), key=lambda s: s.path),
            "tools": fingerprint.tool_versions(job.project.root),
        }
    )[:32]


def _encode_chunk(
    job: RenderJob,
    chunk: Chunk,
    missing: Sequence[tuple[OutputPlan, Path]],
    progress: Progress | None,
    done: float,
    total: float,
    count: int,
) -> None:
    with atomic_outputs([target for _plan, target in missing]) as temps:
        plans = [dataclasses.replace(plan, path=temp) for (plan, _), temp in zip(missing, temps)]
        report = (lambda ms: progress(done + ms / 1000, total)) if progress else None
        run_ffmpeg(
            _chunk_arguments(job, chunk, plans),
            outputs=temps,
            progress=report,
            what=_("encoding chunk {number} of {count}").format(number=chunk.index + 1, count=count),
        )


def _sounds(job: RenderJob, stale: Sequence[Planned], store: Path, *, force: bool = False) -> dict[str, Path]:
    """Each output's whole-programme sound (cached by what it is)."""
    timeline = job.timeline
    paths = {piece.source.path for piece in timeline.audio}
    if timeline.music is not None:
        paths.add(timeline.music.path)
    inputs = sorted((job.stamps[p] for p in paths), key=lambda s: s.path)
    found: dict[str, Path] = {}
    missing: list[tuple[OutputPlan, Path]] = []
    for planned in stale:
        plan = dataclasses.replace(planned.plan, path=PLACEHOLDER, subtitles=None)
        args = sound_args(timeline, [plan], facts=job.facts, loudness=job.loudness)
        key = content_key(
            {
                "args": fingerprint.without_root(args, job.project.root),
                "inputs": inputs,
                "tools": fingerprint.tool_versions(job.project.root),
            }
        )[:32]
        target = store / f"sound-{key}.m4a"
        found[plan.name] = target
        if target.exists() and not force:
            _touch(target)
        else:
            missing.append((plan, target))
    if missing:
        with atomic_outputs([target for _plan, target in missing]) as temps:
            plans = [dataclasses.replace(plan, path=temp) for (plan, _), temp in zip(missing, temps)]
            result = run_ffmpeg(
                sound_args(timeline, plans, facts=job.facts, loudness=job.loudness),
                outputs=temps,
                what=_("mixing the programme sound"),
            )
            levels = {loudness_key(plan.preset.loudness) for plan, _ in missing}
            check_linear(result.stderr, len(levels), what=_("mixing the programme sound"))
    return found


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(store: Path) -> None:
    """Remove cached pieces no render used for `KEEP_UNUSED_S` (an editor's old versions)."""
    cutoff = time.time() - KEEP_UNUSED_S
    for piece in store.iterdir():
        try:
            if piece.stat().st_mtime < cutoff:
                piece.unlink()
        except OSError:
            pass
