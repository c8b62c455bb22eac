"""Render command: the episode for every platform, checked, incrementally."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click
from click.core import ParameterSource

from pipeline.cli.language import PipelineCommand
from pipeline.cli.options import (
    ProgressAdapter,
    cluster_options,
    cluster_security,
    draft_option,
    platforms_option,
    project_dir,
)
from pipeline.i18n import N_, _
from pipeline.render.chunks import DEFAULT_JOBS

if TYPE_CHECKING:
    from pipeline.render.engine import RenderReport


def _figure(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _print_table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    title = _("Outputs ({seconds} s programme)").format(seconds=f"{report.duration_ms / 1000:.1f}")
    table = Table(title=title, title_justify="left")
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        (_("platform"), "left"),
        (_("file"), "left"),
        ("", "left"),
        (_("picture"), "right"),
        (_("length"), "right"),
        (_("size"), "right"),
        (_("loudness"), "right"),
        (_("true peak"), "right"),
        (_("checks"), "left"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for out in report.outputs:
        e = out.entry
        platform = out.platform if out.variant == "main" else f"{out.platform} ({out.variant})"
        if e is None:
            checked = _("not measured")
        elif e.passed:
            checked = _("ok")
        else:
            checked = _("{count} problem(s)").format(count=len(e.problems))
        try:
            shown = out.path.relative_to(report.project).as_posix()
        except ValueError:
            shown = str(out.path)
        table.add_row(
            platform,
            shown,
            _("rendered") if out.rendered else _("up to date"),
            f"{e.width}x{e.height}" if e and e.width else "-",
            _figure(e.duration_s if e else None, "{:.2f} s"),
            _figure(e.size_bytes / 1e6 if e else None, "{:.1f} MB"),
            _figure(e.loudness_lufs if e else None, "{:.1f} LUFS"),
            _figure(e.true_peak_dbtp if e else None, "{:.1f} dBTP"),
            checked,
        )
    console = Console()
    if not console.is_terminal:  # a log file or a pipe: no wrapping at 80 columns
        console = Console(width=200)
    console.print(table)


@click.command(
    "render",
    cls=PipelineCommand,
    help=N_(
        "Render the episode for each platform; skip outputs that are up to date.\n\n"
        "The picture is encoded in chunks kept in .cache/chunks/, so after a change only the chunks "
        "it touches are encoded again; each output is measured and checked against its platform "
        "preset, listed in exports/manifest.json, and the command fails when one misses its preset."
    ),
    short_help=N_("Render the episode for each platform."),
)
@project_dir
@platforms_option(default="the project's platforms; with --draft, web")
@click.option("--force", is_flag=True, help=N_("Render even the outputs that are up to date."))
@draft_option(
    help=N_(
        "Fast low-resolution previews with the working (unapproved) subtitles, under exports/draft/, "
        "decoded from the review page's small proxies of the footage."
    )
)
@click.option(
    "--watch",
    is_flag=True,
    help=N_(
        "With --draft: render the draft again whenever cut.md, project.toml or the subtitles change; "
        "Ctrl-C stops."
    ),
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=DEFAULT_JOBS,
    show_default=True,
    help=N_(
        "Chunks encoded at once on this machine, each by its own ffmpeg (and its memory). x264 "
        "already keeps every core busy: try more only on machines with many cores (see the README)."
    ),
)
@cluster_options(
    scheduler_help=N_(
        "Encode the chunks on the workers of the Dask cluster of this scheduler (tls://HOST:8786): "
        "one urgent episode finishes sooner. The project folder must be at the same path on every "
        "worker; the sound and the joins are done on this machine."
    )
)
def render_cmd(
    project_dir: Path,
    platforms: tuple[str, ...],
    force: bool,
    draft: bool,
    watch: bool,
    jobs: int,
    scheduler: str | None,
    tls_ca: Path | None,
    tls_cert: Path | None,
    tls_key: Path | None,
    connect_timeout: float,
) -> None:
    if watch and not draft:
        raise click.UsageError(_("--watch re-renders drafts only; add --draft."))
    given = click.get_current_context().get_parameter_source("jobs") is not ParameterSource.DEFAULT
    if given and scheduler is not None:
        raise click.UsageError(
            _("--jobs is for this machine; with --scheduler the cluster's workers encode the chunks")
        )
    security = cluster_security(scheduler, tls_ca, tls_cert, tls_key)
    from pipeline.errors import RenderError
    from pipeline.render.engine import render_project

    proxies = None
    if draft:
        from pipeline.review.proxy import make_proxy

        proxies = make_proxy
    with _cluster(scheduler, connect_timeout, security) as cluster:
        # what every render of this command shares (one, or one per --watch pass)
        render = functools.partial(
            render_project,
            platforms=platforms or None,
            force=force,
            proxies=proxies,
            jobs=jobs,
            cluster=cluster,
        )
        if watch:
            _watch(project_dir, render)
            return
        with ProgressAdapter(_("Rendering")) as bar:
            report = render(project_dir, draft=draft, progress=bar)
    _print_table(report)
    for note in report.notes:
        click.echo(_("Note: {note}").format(note=note), err=True)
    if report.failed:
        raise RenderError(report.failure_message())


@contextlib.contextmanager
def _cluster(scheduler: str | None, timeout_s: float, security) -> Iterator[Executor | None]:
    """The Dask cluster's executor for --scheduler (tasks never memoised: a chunk is encoded again
    when its cached file is missing), or None."""
    if scheduler is None:
        yield None
        return
    from pipeline.batch.executors import connect

    client = connect(scheduler, timeout_s, security)
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()


def _watch(project_dir: Path, render_project: Callable[..., RenderReport]) -> None:
    """Draft, then draft again after every change, until Ctrl-C."""
    from pipeline.errors import PipelineError
    from pipeline.project.model import load_project
    from pipeline.render.watch import Watcher, watch, watched_files

    project = load_project(project_dir)
    drafts: list[Path] = []

    def render() -> None:
        report = render_project(project.root, draft=True)
        drafts[:] = [o.path for o in report.outputs]
        for note in report.notes:
            click.echo(_("Note: {note}").format(note=note), err=True)
        if report.failed:
            click.echo(_("Error: {message}").format(message=report.failure_message()), err=True)

    def on_pass(seconds: float) -> None:
        shown = ", ".join(_shown(project.root, p) for p in drafts)
        click.echo(_("Draft rendered in {seconds} s: {files}").format(seconds=f"{seconds:.1f}", files=shown))
        click.echo(_("Watching cut.md, project.toml and the subtitles; Ctrl-C stops."))

    def on_error(exc: PipelineError) -> None:
        click.echo(_("Error: {message}").format(message=exc), err=True)
        click.echo(_("Still watching: the draft is rendered again at the next change."), err=True)

    def files() -> list[Path]:
        try:  # the subtitle folder may move with project.toml; a half-saved project.toml keeps the old list
            return watched_files(load_project(project.root))
        except PipelineError:
            return watched_files(project)

    watcher = Watcher(files)
    try:
        watch(render, watcher, on_pass=on_pass, on_error=on_error)
    except KeyboardInterrupt:
        click.echo(_("Stopped watching."))


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def register(cli: click.Group) -> None:
    cli.add_command(render_cmd)
