"""`pipeline batch`: the week's episodes under a root folder, rendered and packaged into its outbox.

    ROOT ─▶ discover (ready? else the reason) ─▶ one job per ready episode
         ─▶ local process pool, or a Dask cluster ─▶ ROOT/outbox/<week>/<episode>/ + summary

Every job's result is written into the week's summary as soon as it arrives; packages are
renamed into place when complete; a rerun finds rendered outputs and packages up to date and
redoes only what failed or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.batch.discover import Candidate, discover, find_project_folders
from pipeline.batch.executors import CONNECT_TIMEOUT_S, EpisodeJob, JobFunction, run_local, run_on_dask
from pipeline.batch.jobs import FAILED, PENDING, SKIPPED, EpisodeResult, EpisodeStatus, log_path, run_episode
from pipeline.batch.summary import clear_interrupted_writes, write_summary
from pipeline.errors import BatchError
from pipeline.i18n import _
from pipeline.project.lock import exclusive

OUTBOX = "outbox"
DRAFT_SUFFIX = "-draft"  # drafts go to outbox/<week>-draft/: never mistaken for the publishing package
Progress = Callable[[int, int], None]  # (episodes finished, episodes in the run)


@dataclass(frozen=True, slots=True)
class BatchReport:
    root: Path
    week: str | None
    results: tuple[EpisodeResult, ...]  # every episode found, by week and slug
    summaries: tuple[Path, ...]  # summary.md of each week the run touched

    @property
    def failed(self) -> tuple[EpisodeResult, ...]:
        return tuple(r for r in self.results if r.failed)

    def failure_message(self) -> str:
        failed = self.failed
        shown = ", ".join(r.slug for r in failed[:3]) + (", ..." if len(failed) > 3 else "")
        counts = {"failed": len(failed), "total": len(self.results), "shown": shown}
        if len(self.summaries) == 1:
            message = _(
                "{failed} of {total} episodes failed ({shown}); see {summary} and each episode's log; "
                "fix them and run the batch again (finished episodes are kept)"
            )
            return message.format(summary=self.summaries[0], **counts)
        message = _(
            "{failed} of {total} episodes failed ({shown}); see the summaries in {outbox} and each "
            "episode's log; fix them and run the batch again (finished episodes are kept)"
        )
        return message.format(outbox=self.root / OUTBOX, **counts)


def outbox_week_folder(root: Path, week: str, *, draft: bool) -> Path:
    return root / OUTBOX / (week + DRAFT_SUFFIX if draft else week)


def run_batch(
    root: Path | str,
    *,
    week: str | None = None,
    platforms: Sequence[str] = (),
    draft: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    retries: int = 1,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    security=None,
    job: JobFunction = run_episode,
    on_result: Callable[[EpisodeResult], None] = lambda result: None,
    progress: Progress = lambda done, total: None,
) -> BatchReport:
    """Render and package every ready episode under `root` scheduled for `week` (all when None).

    `scheduler`: a Dask scheduler address (tls://host:8786); None runs `workers` local processes.
    `security`: the `distributed.Security` of a tls:// scheduler (`batch.cluster.client_security`).
    `job`: the function each worker runs (tests pass a fake). `on_result` hears of every episode
    as it is settled (skipped ones first); `progress` counts them.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise BatchError(
            _("{root}: not a folder; give the folder that holds the episodes' project folders").format(
                root=root
            )
        )
    if workers < 1:
        raise BatchError(_("--workers {workers}: give at least 1").format(workers=workers))
    if not find_project_folders(root):
        raise BatchError(
            _("{root}: no project folders (with project.toml) found under it; check the path").format(
                root=root
            )
        )
    with exclusive(root / OUTBOX / ".batch.lock", what="`pipeline batch`", where=root):
        return _run(
            root,
            week,
            platforms,
            draft,
            workers,
            scheduler,
            retries,
            connect_timeout_s,
            security,
            job,
            on_result,
            progress,
        )


def _run(
    root: Path,
    week: str | None,
    platforms: Sequence[str],
    draft: bool,
    workers: int,
    scheduler: str | None,
    retries: int,
    connect_timeout_s: float,
    security,
    job: JobFunction,
    on_result: Callable[[EpisodeResult], None],
    progress: Progress,
) -> BatchReport:
    candidates = discover(root, week)
    settled: dict[str, EpisodeResult] = {}
    pending = {str(c.folder): _pending(c) for c in candidates}
    jobs = [_job(root, c, platforms, draft) for c in candidates if c.ready]
    total = len(candidates)

    def settle(result: EpisodeResult) -> None:
        settled[result.project] = result
        pending.pop(result.project, None)
        _write_summaries(root, [*settled.values(), *pending.values()], draft)
        on_result(result)
        progress(len(settled), total)

    for week_folder in {outbox_week_folder(root, c.week, draft=draft) for c in candidates}:
        clear_interrupted_writes(week_folder)
    progress(0, total)
    for candidate in candidates:
        if not candidate.ready:
            status: EpisodeStatus = FAILED if candidate.broken else SKIPPED
            reason = (
                candidate.reason
                if candidate.broken
                else _("not ready: {reason}").format(reason=candidate.reason)
            )
            settle(replace(_pending(candidate), status=status, reason=reason))
    if jobs:
        if scheduler:
            run_on_dask(
                jobs,
                job,
                address=scheduler,
                retries=retries,
                timeout_s=connect_timeout_s,
                on_result=settle,
                security=security,
            )
        else:
            run_local(jobs, job, workers=workers, retries=retries, on_result=settle)
    results = tuple(sorted(settled.values(), key=lambda r: (r.week, r.slug)))
    summaries = _write_summaries(root, results, draft)
    return BatchReport(root, week, results, summaries)


def _job(root: Path, candidate: Candidate, platforms: Sequence[str], draft: bool) -> EpisodeJob:
    package = outbox_week_folder(root, candidate.week, draft=draft) / candidate.slug
    return EpisodeJob(
        str(candidate.folder), tuple(platforms), draft, candidate.week, str(package), candidate.slug
    )


def _pending(candidate: Candidate) -> EpisodeResult:
    log = str(log_path(candidate.folder, candidate.week)) if candidate.ready else ""
    return EpisodeResult(
        str(candidate.folder), candidate.slug, candidate.week, PENDING, _("not finished yet"), log=log
    )


def _write_summaries(root: Path, results: Sequence[EpisodeResult], draft: bool) -> tuple[Path, ...]:
    by_week: dict[str, list[EpisodeResult]] = {}
    for result in results:
        by_week.setdefault(result.week, []).append(result)
    return tuple(
        write_summary(outbox_week_folder(root, week, draft=draft), week, found, draft=draft)
        for week, found in sorted(by_week.items())
    )
