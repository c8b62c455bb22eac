"""Render command: the episode for every platform, checked, incrementally."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from pipeline.cli.options import ProgressAdapter, draft_option, platforms_option, project_dir


def _figure(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _print_table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Outputs ({report.duration_ms / 1000:.1f} s programme)", title_justify="left")
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("platform", "left"),
        ("file", "left"),
        ("", "left"),
        ("picture", "right"),
        ("length", "right"),
        ("size", "right"),
        ("loudness", "right"),
        ("true peak", "right"),
        ("checks", "left"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for out in report.outputs:
        e = out.entry
        platform = out.platform if out.variant == "main" else f"{out.platform} ({out.variant})"
        try:
            shown = out.path.relative_to(report.project).as_posix()
        except ValueError:
            shown = str(out.path)
        table.add_row(
            platform,
            shown,
            "rendered" if out.rendered else "up to date",
            f"{e.width}x{e.height}" if e and e.width else "-",
            _figure(e.duration_s if e else None, "{:.2f} s"),
            _figure(e.size_bytes / 1e6 if e else None, "{:.1f} MB"),
            _figure(e.loudness_lufs if e else None, "{:.1f} LUFS"),
            _figure(e.true_peak_dbtp if e else None, "{:.1f} dBTP"),
            "not measured" if e is None else ("ok" if e.passed else f"{len(e.problems)} problem(s)"),
        )
    console = Console()
    if not console.is_terminal:  # a log file or a pipe: no wrapping at 80 columns
        console = Console(width=200)
    console.print(table)


@click.command("render")
@project_dir
@platforms_option(default="the project's platforms")
@click.option("--force", is_flag=True, help="Render even the outputs that are up to date.")
@draft_option(
    help="Fast low-resolution previews with the working (unapproved) subtitles, under exports/draft/."
)
def render_cmd(project_dir: Path, platforms: tuple[str, ...], force: bool, draft: bool) -> None:
    """Render the episode for each platform; skip outputs that are up to date.

    One ffmpeg run makes every stale output; each is measured and checked against its platform
    preset, listed in exports/manifest.json, and the command fails when one misses its preset.
    """
    from pipeline.errors import RenderError
    from pipeline.render.engine import render_project

    with ProgressAdapter("Rendering") as bar:
        report = render_project(project_dir, platforms or None, force=force, draft=draft, progress=bar)
    _print_table(report)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    if report.failed:
        raise RenderError(report.failure_message())


def register(cli: click.Group) -> None:
    cli.add_command(render_cmd)
