"""Transcription command: transcribe."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import project_dir


@click.command("transcribe")
@project_dir
@click.option(
    "--model",
    "model",
    default=None,
    metavar="NAME|PATH",
    help="Speech model: a name (base, small...) from the local cache or the installed model "
    "package, or the path of a CTranslate2 Whisper folder. Default: [transcribe] model in "
    "project.toml, else base.",
)
@click.option(
    "--language",
    default="zh",
    show_default=True,
    metavar="CODE",
    help="Spoken language (Whisper code: zh, en...); 'auto' lets the model detect it.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Transcribe every interview clip again and rewrite the drafts (instant when the cached "
    "result for the same model and settings exists).",
)
def transcribe_cmd(project_dir: Path, model: str | None, language: str, force: bool) -> None:
    """Transcripts and subtitle drafts for every interview clip not yet transcribed."""
    from pipeline.progress import progress_bar
    from pipeline.project.model import load_project
    from pipeline.transcribe.step import pending_clips, transcribe_project

    project = load_project(project_dir)
    spoken = None if language.strip().lower() == "auto" else language.strip().lower()
    total_s = sum(c.facts.duration_ms for c in pending_clips(project, force=force)) / 1000
    with progress_bar("transcribing", total_s, unit="s audio") as update:
        report = transcribe_project(project, model=model, language=spoken, force=force, progress=update)
    for clip in report.clips:
        line = f"{clip.clip_id}  {clip.duration_ms / 1000:6.1f} s  {clip.status}"
        if clip.real_time_factor is not None:
            line += f"  real-time factor {clip.real_time_factor:.2f}"
        if clip.status != "up to date":
            line += f"  {clip.words} words"
        click.echo(line)
    done = report.count("transcribed") + report.count("cached")
    click.echo(
        f"{done} transcribed ({report.count('cached')} from cache), {report.count('up to date')} up to date"
        + (f"; model {report.model}" if report.model else "")
    )
    if done:
        click.echo(f"Drafts are in {project.subtitles_dir}; next: `pipeline subs lint {project_dir}`")


def register(cli: click.Group) -> None:
    cli.add_command(transcribe_cmd)
