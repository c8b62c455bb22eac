"""Project commands: init, ingest, doctor, demo."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import project_dir


@click.command("init")
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", required=True, help="Episode title, e.g. 驻村路上.")
@click.option("--subject-name", required=True, help="The party member telling their story.")
@click.option("--subject-role", required=True, help="Their role, shown in the lower third.")
@click.option("--subject-unit", default="", help="Their unit or village (optional).")
@click.option("--series", default="我是党员", show_default=True, help="Series name on the title card.")
@click.option("--episode", "episode", type=click.IntRange(min=0), default=1, show_default=True, help="Episode number.")
@click.option("--week", default=None, help="Publishing week, ISO style: 2026-W48.")
@click.option("--template", default="first-person", show_default=True, help="Template preset name.")
def init_cmd(directory: Path, title: str, subject_name: str, subject_role: str, subject_unit: str,
             series: str, episode: int, week: str | None, template: str) -> None:
    """Create a new project folder with project.toml."""
    from pipeline.project.create import create_project

    project = create_project(
        directory, title=title, subject_name=subject_name, subject_role=subject_role,
        subject_unit=subject_unit, series=series, episode=episode, week=week, template=template,
    )
    click.echo(f"Created {project.file}")
    click.echo("Next: record consent in [[people]], then `pipeline ingest DIR FILE... --role interview`")


def register(cli: click.Group) -> None:
    for command in (init_cmd,):
        cli.add_command(command)
