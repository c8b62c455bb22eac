"""Transcription command: transcribe."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.language import PipelineCommand
from pipeline.cli.options import project_dir
from pipeline.i18n import N_, _

# what each clip's status reads as (the statuses themselves are pipeline.transcribe.step's names)
STATUS = {
    "transcribed": N_("transcribed"),
    "cached": N_("cached"),
    "redrafted": N_("redrafted"),
    "up to date": N_("up to date"),
}


@click.command(
    "transcribe",
    cls=PipelineCommand,
    help=N_("Transcripts and subtitle drafts for every interview clip not yet transcribed."),
)
@project_dir
@click.option(
    "--model",
    "model",
    default=None,
    metavar="NAME|PATH",
    help=N_(
        "Speech model: a name (base, small...) from the local cache or the installed model "
        "package, or the path of a CTranslate2 Whisper folder. Default: [transcribe] model in "
        "project.toml, else base."
    ),
)
@click.option(
    "--language",
    default="zh",
    show_default=True,
    metavar="CODE",
    help=N_("Spoken language (Whisper code: zh, en...); 'auto' lets the model detect it."),
)
@click.option(
    "--force",
    is_flag=True,
    help=N_(
        "Transcribe every interview clip again and rewrite the drafts (instant when the cached "
        "result for the same model and settings exists)."
    ),
)
def transcribe_cmd(project_dir: Path, model: str | None, language: str, force: bool) -> None:
    from pipeline.progress import progress_bar
    from pipeline.project.model import load_project
    from pipeline.transcribe.step import pending_clips, transcribe_project

    project = load_project(project_dir)
    spoken = None if language.strip().lower() == "auto" else language.strip().lower()
    total_s = sum(c.facts.duration_ms for c in pending_clips(project, force=force)) / 1000
    with progress_bar(_("transcribing"), total_s, unit="s audio") as update:
        report = transcribe_project(project, model=model, language=spoken, force=force, progress=update)
    for clip in report.clips:
        line = f"{clip.clip_id}  {clip.duration_ms / 1000:6.1f} s  {_(STATUS.get(clip.status, clip.status))}"
        if clip.real_time_factor is not None:
            line += "  " + _("real-time factor {factor:.2f}").format(factor=clip.real_time_factor)
        if clip.status != "up to date":
            line += "  " + _("{words} words").format(words=clip.words)
        click.echo(line)
    done = report.count("transcribed") + report.count("cached")
    counts = {"done": done, "cached": report.count("cached"), "current": report.count("up to date")}
    if report.model:
        summary = _("{done} transcribed ({cached} from cache), {current} up to date; model {model}")
        click.echo(summary.format(model=report.model, **counts))
    else:
        click.echo(_("{done} transcribed ({cached} from cache), {current} up to date").format(**counts))
    if done:
        click.echo(
            _("Drafts are in {subtitles_dir}; next: `pipeline subs lint {project_dir}`").format(
                subtitles_dir=project.subtitles_dir, project_dir=project_dir
            )
        )


def register(cli: click.Group) -> None:
    cli.add_command(transcribe_cmd)
