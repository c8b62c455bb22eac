"""Batch command: the week's episodes rendered and packaged, locally or on a Dask cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.language import PipelineCommand
from pipeline.cli.options import (
    ProgressAdapter,
    cluster_options,
    cluster_security,
    draft_option,
    platforms_option,
)
from pipeline.cli.publish_cmds import batch_publish_options, publish_batch, publish_requests
from pipeline.i18n import N_, _


def _iso_week(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from pipeline.project.model import WEEK_RE

    if value is not None and not WEEK_RE.match(value):
        raise click.BadParameter(
            _("{value!r} is not an ISO week; write it like 2026-W48").format(value=value)
        )
    return value


# what each episode's status reads as (the statuses are pipeline.batch.jobs's names)
STATUS = {
    "rendered": N_("rendered"),
    "packaged": N_("packaged"),
    "up to date": N_("up to date"),
    "skipped": N_("skipped"),
    "failed": N_("failed"),
    "pending": N_("pending"),
}


def _line(result) -> None:
    # sys.stdout as it is now: while the bar is shown, rich's proxy that prints above it
    seconds = f" ({result.seconds:.1f} s)" if result.seconds else ""
    click.echo(
        f"{_(STATUS.get(result.status, result.status)):<10} {result.slug}: {result.reason}{seconds}",
        file=sys.stdout,
    )
    if result.failed and result.log:
        click.echo(" " * 11 + _("log: {log}").format(log=result.log), file=sys.stdout)


def _print_table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    counts = {"count": len(report.results), "root": report.root}
    if report.week:
        title = _("Week {week}: {count} episode(s) under {root}").format(week=report.week, **counts)
    else:
        title = _("All weeks: {count} episode(s) under {root}").format(**counts)
    table = Table(title=title, title_justify="left")
    for column in (_("episode"), _("week"), _("result"), _("reason")):
        table.add_column(column, overflow="fold")
    for r in report.results:
        table.add_row(r.slug, r.week, _(STATUS.get(r.status, r.status)), r.reason)
    Console(soft_wrap=True).print(table)


@click.command(
    "batch",
    cls=PipelineCommand,
    help=N_(
        "Render and package every ready episode under ROOT into ROOT/outbox/<week>/.\n\n"
        "An episode is ready when its subtitles are approved, everyone in it has consent recorded and it has a cut list; the others are skipped with the reason. A failed episode does not stop the others; a rerun redoes only what failed or changed. Exit 1 when any episode failed."
    ),
)
@click.argument("root", metavar="ROOT", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--week",
    metavar="YYYY-Www",
    callback=_iso_week,
    default=None,
    help=N_("Only the episodes scheduled for this ISO week ([episode] week), e.g. 2026-W48 [default: all]."),
)
@platforms_option(default="each project's platforms")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help=N_(
        "Episodes rendered at once on this machine. Each render already uses every core: "
        "raise it only on machines with many cores (about one per 8)."
    ),
)
@cluster_options(
    scheduler_help=N_(
        "Run the jobs on the Dask cluster of this scheduler (tls://HOST:8786) instead of locally; "
        "the project folders must be at the same path on every worker."
    )
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help=N_(
        "Run an episode again this many times when it failed unexpectedly (a crashed worker, a "
        "storage error); problems in an episode's own data are not retried."
    ),
)
@draft_option(
    help=N_("Fast low-resolution previews, packaged under outbox/<week>-draft/ (never for publishing).")
)
@batch_publish_options
def batch_cmd(
    root: Path,
    week: str | None,
    platforms: tuple[str, ...],
    workers: int,
    scheduler: str | None,
    tls_ca: Path | None,
    tls_cert: Path | None,
    tls_key: Path | None,
    retries: int,
    connect_timeout: float,
    draft: bool,
    publish_targets: tuple[str, ...] = (),
    **publish_options,
) -> None:
    from pipeline.batch.run import run_batch
    from pipeline.errors import BatchError

    if publish_targets and draft:
        raise click.UsageError(_("--publish cannot be used with --draft: previews are never published"))
    requests = publish_requests(publish_targets, publish_options)
    security = cluster_security(scheduler, tls_ca, tls_cert, tls_key)
    with ProgressAdapter(_("Episodes"), unit="episodes") as bar:
        report = run_batch(
            root,
            week=week,
            platforms=platforms,
            draft=draft,
            workers=workers,
            scheduler=scheduler,
            retries=retries,
            connect_timeout_s=connect_timeout,
            security=security,
            on_result=_line,
            progress=bar,
        )
    if not report.results:
        click.echo(_("No episodes scheduled for {week} under {root}.").format(week=week, root=report.root))
        return
    _print_table(report)
    for r in report.results:
        for note in r.notes:
            click.echo(_("Note: {slug}: {note}").format(slug=r.slug, note=note), err=True)
    for summary in report.summaries:
        click.echo(_("Summary: {summary}").format(summary=summary))
    unpublished = publish_batch(report, requests)
    if report.failed:
        raise BatchError(report.failure_message())
    if unpublished:
        raise BatchError(
            _("{unpublished} publish step(s) failed (see the lines above); run the command again").format(
                unpublished=unpublished
            )
        )


def register(cli: click.Group) -> None:
    cli.add_command(batch_cmd)
