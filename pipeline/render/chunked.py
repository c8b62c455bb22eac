"""Rendering an episode's outputs chunk by chunk (see `chunks` for why and where it is cut).

    chunks of the picture ─▶ each: cached? else ONE ffmpeg run encodes it for every stale output
    whole-programme sound ─▶ cached? else ONE ffmpeg run: mix, ducking, loudness pass 2, per output
    per output: concat demuxer (stream copy) of its chunks + its sound ─▶ the output file

Where the chunks are encoded (`Workers`): one after another in this process; several at once on
this machine (a thread per running ffmpeg: `render --jobs`); or spread over the workers of a Dask
cluster (`render --scheduler`), which see the project at the same path on shared storage. A chunk's
ffmpeg run is a plain list of arguments (`encode_piece`), so it runs the same everywhere; a worker
whose ffmpeg or pipeline version differs from this machine's refuses it (the chunk would be cached
under a name that says otherwise). The sound pass runs here, in a thread of its own, while the
chunks are encoded: after an edit it is a good part of the wait.

Every cached piece is named by a fingerprint of exactly what it holds: the piece's own ffmpeg
arguments with the project's location taken out (its shots as source spans, its lower thirds in
chunk time, its burn-in ASS named by content, the output's encoder settings), the identities of the
files it reads, and the tool versions. A chunk that shows the same thing is found again wherever it
moved to in the programme.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed, wait
from fractions import Fraction
from pathlib import Path

from pipeline import __version__
from pipeline.errors import PipelineError, RenderError
from pipeline.i18n import _, interface_language, speaking
from pipeline.media.ffmpeg_bin import ffmpeg_version
from pipeline.media.runner import run_ffmpeg
from pipeline.project.digest import cached_sha256, content_key, sha256_file
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


@dataclasses.dataclass(frozen=True, slots=True)
class Workers:
    """Where the chunks are encoded. No executor: one after another, here. A thread pool: as many
    ffmpeg runs at once as it has threads. `remote` (a Dask cluster's executor): on its workers,
    which report when a chunk is done (not while it is encoded) and check their tool versions."""

    executor: Executor | None = None
    remote: bool = False


HERE = Workers()


def render_chunked(
    job: RenderJob,
    stale: Sequence[Planned],
    targets: Sequence[Path],
    progress: Progress | None = None,
    *,
    rule: ChunkRule = DEFAULT_RULE,
    force: bool = False,
    workers: Workers = HERE,
) -> ChunkRun:
    """Write each of `stale`'s files to the matching path in `targets` (temporary names).
    `force`: encode every chunk and the sound again, cached or not (`render --force`).
    `workers`: where the missing chunks are encoded (see `Workers`)."""
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
    pieces_todo = [_piece(job, chunk, missing, len(chunks)) for chunk, missing in todo]
    if workers.executor is None:
        # the sound pass (mostly one thread: the mix, loudnorm) beside the chunks, not after them
        with ThreadPoolExecutor(1, thread_name_prefix="sound") as aside:
            sound = aside.submit(_sounds, job, stale, store, force=force)
            _encode_here(pieces_todo, progress)
            sounds = sound.result()
    else:
        sounds = _encode_on(
            workers,
            pieces_todo,
            progress,
            lambda: _sounds(job, stale, store, force=force),
            tools_here(job) if workers.remote else None,
        )
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


@dataclasses.dataclass(frozen=True, slots=True)
class Piece:
    """One chunk's ffmpeg run: its arguments name its cached files as they will be when done."""

    args: tuple[str, ...]
    targets: tuple[str, ...]
    seconds: float  # of programme (for progress)
    what: str


def _piece(job: RenderJob, chunk: Chunk, missing: Sequence[tuple[OutputPlan, Path]], count: int) -> Piece:
    plans = [dataclasses.replace(plan, path=target) for plan, target in missing]
    return Piece(
        tuple(_chunk_arguments(job, chunk, plans)),
        tuple(str(target) for _plan, target in missing),
        float(Fraction(chunk.frames) / job.timeline.fps),
        _("encoding chunk {number} of {count}").format(number=chunk.index + 1, count=count),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Tools:
    """What a chunk's cache name says made it: a remote worker must have the same (plain values)."""

    ffmpeg: str
    pipeline: str
    fonts: tuple[tuple[str, str], ...]  # (path in the project's fonts folder, sha256 of the font)


def tools_here(job: RenderJob) -> Tools:
    fonts = tuple(
        (str(link), cached_sha256(link, job.project.root))
        for link in sorted(job.fonts_dir.iterdir())
        if link.is_file()
    )
    return Tools(ffmpeg_version(), __version__, fonts)


def encode_piece(
    args: Sequence[str],
    targets: Sequence[str],
    what: str,
    *,
    tools: Tools | None = None,
    language: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Run one chunk's ffmpeg into temporary files beside `targets`, renamed onto them when it
    succeeded (removed when not). Plain arguments: a Dask worker runs it as this machine does.
    `tools`: what the chunk's cache name was made with; given to remote workers, which refuse when
    theirs differ or when they do not see the project's files. `language`: of the messages (a
    worker's own environment may say another). `progress`: seconds of the chunk encoded so far."""
    with speaking(language):
        if tools is not None:
            _check_worker(args, targets, what, tools)
        paths = [Path(target) for target in targets]
        try:
            with atomic_outputs(paths) as temps:
                swap = {target: str(temp) for target, temp in zip(targets, temps)}
                report = (lambda ms: progress(ms / 1000)) if progress else None
                run_ffmpeg([swap.get(a, a) for a in args], outputs=temps, progress=report, what=what)
        except OSError as exc:  # the cache folder is not writable (here, or on a worker's mount)
            raise RenderError(
                _(
                    "{what}: cannot write {path} on {host} ({reason}); check that the folder is writable"
                ).format(
                    what=what, path=paths[0].parent, host=socket.gethostname(), reason=exc.strerror or exc
                )
            ) from None


def _check_worker(args: Sequence[str], targets: Sequence[str], what: str, tools: Tools) -> None:
    host = socket.gethostname()
    ours = (ffmpeg_version(), __version__)
    if ours != (tools.ffmpeg, tools.pipeline):
        raise RenderError(
            _(
                "{what}: the Dask worker {host} has ffmpeg {ffmpeg} and pipeline {pipeline}, this machine "
                "ffmpeg {wanted_ffmpeg} and pipeline {wanted_pipeline}; install the same versions on every "
                "render machine (an episode's chunks must be encoded alike)"
            ).format(
                what=what,
                host=host,
                ffmpeg=ours[0],
                pipeline=ours[1],
                wanted_ffmpeg=tools.ffmpeg,
                wanted_pipeline=tools.pipeline,
            )
        )
    inputs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-i"]
    for path in [*inputs, str(Path(targets[0]).parent)]:
        if not os.path.exists(path):
            raise RenderError(
                _(
                    "{what}: the Dask worker {host} does not see {path}; the project must be on storage "
                    "every worker mounts at the same path as this machine (an NFS or SMB share)"
                ).format(what=what, host=host, path=path)
            )
    for font, sha256 in tools.fonts:
        if _font_sha256(os.path.realpath(font)) != sha256:
            raise RenderError(
                _(
                    "{what}: the Dask worker {host} does not have the subtitle font this machine uses "
                    "({font}); install the same font (fonts-noto-cjk) on every render machine"
                ).format(what=what, host=host, font=os.path.realpath(font))
            )


def _font_sha256(path: str) -> str | None:
    """The font file's sha256 (None: no such file here), hashed once per worker process."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _hashed(path, stat.st_size, stat.st_mtime_ns)


@functools.cache
def _hashed(path: str, _size: int, _mtime_ns: int) -> str:
    return sha256_file(Path(path))


def _encode_here(pieces: Sequence[Piece], progress: Progress | None) -> None:
    total = sum(p.seconds for p in pieces)
    done = 0.0
    for piece in pieces:
        report = (lambda s, before=done: progress(before + s, total)) if progress else None
        encode_piece(piece.args, piece.targets, piece.what, progress=report)
        done += piece.seconds


def _encode_on(
    workers: Workers,
    pieces: Sequence[Piece],
    progress: Progress | None,
    meanwhile: Callable[[], dict],
    tools: Tools | None,
) -> dict[str, Path]:
    """Submit every piece to `workers`, run `meanwhile` (the sound pass) here, then collect the
    pieces as they finish; the first failure stops the others (see `_stop`) and is raised.
    `tools`: what remote workers must have (None: a pool on this machine)."""
    assert workers.executor is not None
    total = sum(p.seconds for p in pieces)
    reached: dict[int, float] = {}
    lock = threading.Lock()

    def report(index: int, seconds: float) -> None:  # from the chunks' threads, and from here
        with lock:
            reached[index] = seconds
            if progress is not None:
                progress(sum(reached.values()), total)

    def reporter(index: int) -> Callable[[float], None]:
        return lambda seconds: report(index, seconds)

    futures: list[Future] = []
    try:
        for index, piece in enumerate(pieces):
            if tools is not None:  # remote workers
                future = workers.executor.submit(
                    encode_piece,
                    piece.args,
                    piece.targets,
                    piece.what,
                    tools=tools,
                    language=interface_language(),
                )
            else:
                future = workers.executor.submit(
                    encode_piece, piece.args, piece.targets, piece.what, progress=reporter(index)
                )
            futures.append(future)
        sounds = meanwhile()
        for future in as_completed(futures):
            index = futures.index(future)
            if future.cancelled():  # not by us: the cluster dropped it (the scheduler went away)
                raise RenderError(
                    _(
                        "{what}: the Dask cluster dropped the task (the connection to the scheduler was lost); run the render again"
                    ).format(what=pieces[index].what)
                )
            problem = future.exception()
            if problem is not None:
                raise _as_error(problem, pieces[index])
            report(index, pieces[index].seconds)
    except BaseException:  # a failed chunk, the sound pass, Ctrl-C
        _stop(futures, remote=workers.remote)
        raise
    return sounds


def _stop(futures: Sequence[Future], *, remote: bool) -> None:
    """Cancel the pieces not started and wait for those running here (each piece renames its own
    files only when its ffmpeg succeeded, so none is left half-written). A piece a Dask worker has
    started cannot be stopped from here: it runs to its end on the worker and is cached whole, so
    there is nothing to wait for (and Dask never settles a cancelled wrapper whose task finished)."""
    for future in futures:
        future.cancel()
    if not remote:
        wait(futures)


def _as_error(exc: BaseException | None, piece: Piece) -> BaseException:
    if isinstance(exc, PipelineError) or exc is None:
        return exc or RenderError(piece.what)
    return RenderError(  # a worker lost, a task the cluster gave up on
        _("{what} on the Dask cluster failed: {problem}; run the render again").format(
            what=piece.what, problem=f"{type(exc).__name__}: {exc}"
        )
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
