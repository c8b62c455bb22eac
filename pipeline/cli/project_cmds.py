"""Project commands: init, ingest, doctor, demo."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.language import PipelineCommand
from pipeline.cli.options import project_dir
from pipeline.i18n import N_, _


@click.command("init", cls=PipelineCommand, help=N_("Create a new project folder with project.toml."))
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", required=True, help=N_("Episode title, e.g. 驻村路上."))
@click.option("--subject-name", required=True, help=N_("The party member telling their story."))
@click.option("--subject-role", required=True, help=N_("Their role, shown in the lower third."))
@click.option("--subject-unit", default="", help=N_("Their unit or village (optional)."))
@click.option("--series", default="我是党员", show_default=True, help=N_("Series name on the title card."))
@click.option(
    "--episode",
    "episode",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help=N_("Episode number."),
)
@click.option("--week", default=None, help=N_("Publishing week, ISO style: 2026-W48."))
@click.option("--template", default="first-person", show_default=True, help=N_("Template preset name."))
def init_cmd(
    directory: Path,
    title: str,
    subject_name: str,
    subject_role: str,
    subject_unit: str,
    series: str,
    episode: int,
    week: str | None,
    template: str,
) -> None:
    from pipeline.project.create import create_project

    project = create_project(
        directory,
        title=title,
        subject_name=subject_name,
        subject_role=subject_role,
        subject_unit=subject_unit,
        series=series,
        episode=episode,
        week=week,
        template=template,
    )
    click.echo(_("Created {file}").format(file=project.file))
    click.echo(
        _(
            "Next: record each signed consent form with `pipeline consent DIR NAME --form FILE`, "
            "then `pipeline ingest DIR FILE... --role interview`"
        )
    )


@click.command(
    "ingest",
    cls=PipelineCommand,
    help=N_(
        "Copy footage into the project, probe it and record checksums (re-ingesting the same file is a no-op)."
    ),
)
@project_dir
@click.argument("files", metavar="FILE...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--role",
    type=click.Choice(["interview", "broll", "music"]),
    default="interview",
    show_default=True,
    help=N_("interview: the subject speaking (transcribed); broll: cutaway picture; music: the music bed."),
)
@click.option(
    "--link",
    "link",
    flag_value="hard",
    default=None,
    help=N_("Hard-link instead of copying (symbolic link across file systems); the originals must stay put."),
)
@click.option("--symlink", "link", flag_value="soft", help=N_("Symbolic-link instead of copying."))
@click.option(
    "--audio-stream",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help=N_("Which audio stream holds the speech (1 = the first)."),
)
@click.option(
    "--audio-channel",
    type=click.IntRange(min=1),
    default=None,
    help=N_(
        "Use only this channel of the audio stream as the speech, for transcription and render "
        "(e.g. 1 = the lavalier on a two-microphone camera) [default: all channels mixed]."
    ),
)
@click.option(
    "--no-join",
    is_flag=True,
    help=N_(
        "Keep consecutive camera files (00001.MTS, 00002.MTS... of one spanned recording) as "
        "separate clips instead of joining them into one."
    ),
)
def ingest_cmd(
    project_dir: Path,
    files: tuple[Path, ...],
    role: str,
    link: str | None,
    audio_stream: int,
    audio_channel: int | None,
    no_join: bool,
) -> None:
    from pipeline.progress import progress_bar
    from pipeline.project.ingest import ingest
    from pipeline.project.model import AudioRouting, load_project

    project = load_project(project_dir)
    total = sum(f.stat().st_size for f in files if f.is_file())
    routing = AudioRouting(audio_stream, audio_channel or 0)
    with progress_bar(_("checking footage"), total / 1e6, unit="MB") as update:
        report = ingest(
            project,
            files,
            role=role,
            link=link or "copy",
            progress=lambda b: update(b / 1e6),
            audio=routing,
            join=not no_join,
        )
    for clip in report.added:
        click.echo(f"{clip.clip_id}  {clip.original_name}  {describe_facts(clip.facts)}")
        click.echo(f"    {clip.facts.describe()}")
        if clip.parts:
            click.echo(
                "    "
                + _("one recording joined from {count} files without re-encoding").format(
                    count=len(clip.parts)
                )
            )
        if role == "interview" and not routing.is_default:
            click.echo(
                "    "
                + _("speech: {routing} (as [audio.{clip_id}] in project.toml)").format(
                    routing=routing.describe(), clip_id=clip.clip_id
                )
            )
    for source, clip_id in report.already:
        click.echo(_("already ingested: {source} is {clip_id}").format(source=source, clip_id=clip_id))
    for warning in report.warnings:
        click.echo(_("Warning: {warning}").format(warning=warning), err=True)
    click.echo(
        _("{n_added} added, {n_already} already there").format(
            n_added=len(report.added), n_already=len(report.already)
        )
    )


def describe_facts(facts) -> str:
    parts = [f"{facts.duration_ms / 1000:.1f} s"]
    v = facts.video
    if v:
        scan = f"i ({v.field_order})" if v.interlaced else "p"
        parts.append(
            f"{v.codec} {v.width}x{v.height}{scan} {float(v.fps):.3g} fps"
            + (" VFR" if v.variable_frame_rate else "")
        )
        if v.rotation:
            parts.append(_("rotated {degrees}°").format(degrees=v.rotation))
    a = facts.audio
    parts.append(f"{a.codec} {a.sample_rate} Hz {a.channels} ch" if a else _("no audio"))
    return ", ".join(parts)


@click.command(
    "doctor",
    cls=PipelineCommand,
    help=N_("Check ffmpeg (libx264, libass, loudnorm), the CJK font, the speech model and disk space."),
)
@click.argument("directory", metavar="[DIR]", required=False, type=click.Path(path_type=Path))
def doctor_cmd(directory: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from pipeline.doctor import run_checks

    checks = run_checks(directory)
    table = Table(title="pipeline doctor")
    for column in (_("check"), _("status"), _("detail")):
        table.add_column(column)
    for check in checks:
        table.add_row(check.name, _("ok") if check.ok else _("MISSING"), check.detail)
    Console(stderr=False).print(table)
    failed = [c for c in checks if c.required and not c.ok]
    if failed:
        names = ", ".join(c.name for c in failed)
        raise click.exceptions.Exit(_report_failure(names))
    click.echo(_("Ready."))


def _report_failure(names: str) -> int:
    click.echo(
        _("Error: not ready: {names}; see the table above for what to do").format(names=names), err=True
    )
    return 1


def register(cli: click.Group) -> None:
    for command in (init_cmd, ingest_cmd, doctor_cmd):
        cli.add_command(command)
