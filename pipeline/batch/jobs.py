"""One batch job: render one episode, then package it into the outbox.

`run_episode` is what a local worker process or a Dask worker runs. Its arguments and its result
are plain picklable values (strings, tuples, a frozen dataclass), and it never raises for a
problem of the episode: a failure comes back as a result, so one broken episode never stops the
others. Everything it logs, including the ffmpeg commands, goes to
`<project>/.cache/batch/<week>.log` for the length of the job.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pipeline.batch.outbox import package_episode
from pipeline.edit.compile import compile_timeline
from pipeline.errors import FfmpegError, PipelineError, RenderError
from pipeline.i18n import _
from pipeline.project.model import load_project
from pipeline.render.engine import render_project

EpisodeStatus = Literal["rendered", "packaged", "up to date", "skipped", "failed", "pending"]
RENDERED: Final = "rendered"  # at least one output was rendered (and the package rebuilt)
PACKAGED: Final = "packaged"  # the outputs were up to date, the package was (re)assembled
UP_TO_DATE: Final = "up to date"  # nothing to do: outputs and package unchanged
SKIPPED: Final = "skipped"  # not ready: subtitles, consent or cut list missing
FAILED: Final = "failed"
PENDING: Final = "pending"  # not finished yet (only ever seen in a summary written during the run)

LOG_DIR = Path(".cache") / "batch"
log = logging.getLogger("pipeline.batch")
Finish = Callable[..., "EpisodeResult"]  # (status, reason, **fields) -> the job's result


@dataclass(frozen=True, slots=True)
class EpisodeResult:
    """What became of one episode in a batch run."""

    project: str  # the project folder
    slug: str  # its package's folder name: E01-驻村路上
    week: str
    status: EpisodeStatus
    reason: str = ""  # one line: what was done, why it was skipped, or what failed
    seconds: float = 0.0
    package: str = ""  # the package folder, once packaged
    log: str = ""  # the episode's log file
    error_type: str = ""  # the exception's class name when it failed
    unexpected: bool = False  # failed with something other than a PipelineError: worth another try
    notes: tuple[str, ...] = ()  # what the render or the packaging decided on its own

    @property
    def failed(self) -> bool:
        return self.status == FAILED


def log_path(project_dir: str | Path, week: str) -> Path:
    return Path(project_dir) / LOG_DIR / f"{week}.log"


def run_episode(
    project_dir: str, platforms: tuple[str, ...], draft: bool, week: str, package_dir: str, slug: str = ""
) -> EpisodeResult:
    """Render the episode in `project_dir` (`platforms`: () for the project's own), then package
    it into `package_dir`. Never raises for the episode's problems: they come back as FAILED."""
    started = time.monotonic()
    folder = Path(project_dir)
    slug = slug or Path(package_dir).name
    log_file = log_path(project_dir, week)

    def result(status: EpisodeStatus, reason: str, **fields) -> EpisodeResult:
        return EpisodeResult(
            str(folder),
            slug,
            week,
            status,
            reason,
            round(time.monotonic() - started, 2),
            log=str(log_file),
            **fields,
        )

    if not (folder / "project.toml").is_file():
        return result(
            FAILED,
            _(
                "{file}: not found on worker {worker}; project folders must be on storage every worker "
                "sees at the same path"
            ).format(file=folder / "project.toml", worker=socket.gethostname()),
            error_type="ProjectError",
        )
    try:
        with episode_log(log_file):
            return _guarded(folder, platforms, draft, Path(package_dir), slug, week, result)
    except OSError as exc:  # the log cannot be opened: the project folder is not writable, or not there
        return result(
            FAILED,
            _(
                "cannot write {log} ({problem}); is the project folder on storage this worker sees at "
                "the same path, and writable?"
            ).format(log=log_file, problem=exc.strerror or exc),
            error_type=type(exc).__name__,
        )


def _guarded(
    folder: Path,
    platforms: tuple[str, ...],
    draft: bool,
    package_dir: Path,
    slug: str,
    week: str,
    result: Finish,
) -> EpisodeResult:
    try:
        log.info(
            "batch job: %s (%s), platforms: %s%s",
            slug,
            week,
            ", ".join(platforms) or "the project's",
            ", draft" if draft else "",
        )
        return _render_and_package(folder, platforms, draft, package_dir, result)
    except PipelineError as exc:
        log.error("failed: %s", exc)
        if isinstance(exc, FfmpegError) and exc.stderr_tail:
            log.error("the end of ffmpeg's messages:\n%s", exc.stderr_tail)
        return result(FAILED, str(exc), error_type=type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - isolation: anything an episode raises is its failure alone
        log.exception("failed unexpectedly")
        return result(FAILED, f"{type(exc).__name__}: {exc}", error_type=type(exc).__name__, unexpected=True)


def _render_and_package(
    folder: Path, platforms: tuple[str, ...], draft: bool, package_dir: Path, result: Finish
) -> EpisodeResult:
    project = load_project(folder)
    # compiled here once: the render draws it, the digest quotes its subtitles
    timeline = compile_timeline(project, subtitles="working" if draft else "approved")
    report = render_project(project, platforms or None, draft=draft, timeline=timeline)
    for note in report.notes:
        log.info("render note: %s", note)
    if report.failed:
        raise RenderError(report.failure_message())
    package = package_episode(project, report, timeline.cues, package_dir, draft=draft)
    notes = (*report.notes, *package.notes)
    for note in package.notes:
        log.info("package note: %s", note)
    rendered = sorted({o.platform for o in report.rendered})
    if rendered:
        status, reason = (
            RENDERED,
            _("rendered {platforms} ({seconds:.1f} s programme)").format(
                platforms=", ".join(rendered), seconds=report.duration_ms / 1000
            ),
        )
    elif package.changed:
        status, reason = PACKAGED, _("outputs up to date; package assembled")
    else:
        status, reason = UP_TO_DATE, _("outputs and package up to date")
    log.info("%s: %s; package %s", status, reason, package.folder)
    return result(status, reason, package=str(package.folder), notes=notes)


_levels_lock = threading.Lock()
_captures = 0  # jobs capturing at once in this process (Dask threads)
_saved_level = logging.NOTSET


@contextlib.contextmanager
def episode_log(path: Path) -> Iterator[Path]:
    """Append this thread's `pipeline.*` log records (DEBUG up: the ffmpeg commands too) to `path`."""
    global _captures, _saved_level
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    thread = threading.get_ident()
    # a Dask worker may run several episodes in threads of one process: each log keeps its own
    handler.addFilter(lambda record: record.thread == thread)
    package_logger = logging.getLogger("pipeline")
    with _levels_lock:
        if _captures == 0:
            _saved_level = package_logger.level
            package_logger.setLevel(logging.DEBUG)
        _captures += 1
        package_logger.addHandler(handler)
    try:
        yield path
    finally:
        with _levels_lock:
            package_logger.removeHandler(handler)
            _captures -= 1
            if _captures == 0:
                package_logger.setLevel(_saved_level)
        handler.close()
