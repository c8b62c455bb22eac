"""Edit commands: cut (propose or refresh the cut list) and export (the Timeline for editing suites)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.language import PipelineCommand
from pipeline.cli.options import project_dir
from pipeline.i18n import N_, _


class Duration(click.ParamType):
    """`4m`, `3m30s`, `240s`, `240` or `4:00`, in milliseconds."""

    name = "DURATION"

    def convert(self, value, param, ctx):
        from pipeline.edit.clock import parse_duration

        if isinstance(value, int):
            return value
        ms = parse_duration(str(value))
        if ms is None or ms <= 0:
            self.fail(f"{value!r} is not a duration; write it like 4m, 3m30s, 240s or 240", param, ctx)
        return ms


@click.command(
    "cut",
    cls=PipelineCommand,
    help=N_(
        "Propose the cut list (cut.md) from the transcripts, or refresh it keeping your edits.\n\n"
        "One line per sentence, ticked to keep; fillers, false starts and silences are left out and the ticks aim at the target length. Edit cut.md by hand (its header explains how), then render."
    ),
)
@project_dir
@click.option(
    "--target",
    type=Duration(),
    default=None,
    help=N_(
        "Episode length to aim at, cards included: 4m, 3m30s, 240s or 240 "
        "[default: the template's target, 4m for first-person]."
    ),
)
@click.option(
    "--fresh",
    is_flag=True,
    help=N_("Throw away the edits in cut.md (kept as cut.md.bak) and propose again from the transcripts."),
)
def cut_cmd(project_dir: Path, target: int | None, fresh: bool) -> None:
    from pipeline.edit.cut import update_cut_list
    from pipeline.project.model import load_project

    report = update_cut_list(load_project(project_dir), target_ms=target, fresh=fresh)
    click.echo(_("Wrote {path}").format(path=report.path))
    for line in report.messages:
        click.echo(f"  {line}")


@click.command(
    "export",
    cls=PipelineCommand,
    help=N_(
        "Write the episode's Timeline for finishing in an editing suite (EDIUS, Premiere, Resolve).\n\n"
        "Tracks: V1 picture (interview and B-roll clips linked to the footage files from their start timecode; the title and credits cards as PNG stills written beside the export), A1 narration, A2 music; subtitles and the lower third as markers. EDL is CMX 3600: one video track only."
    ),
)
@project_dir
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["otio", "edl", "fcpxml"]),
    required=True,
    help=N_(
        "otio: OpenTimelineIO (Resolve, and anything with an OTIO importer), full timeline; "
        "fcpxml: Final Cut Pro X XML (Resolve, Premiere via converters), tracks, dissolves, markers, "
        "a format per source size and rate; edl: CMX 3600 (EDIUS, Premiere, Resolve), the picture "
        "track only with cuts and dissolves, reel names from clip ids (int-001 -> INT001), no audio "
        "or markers. All carry the cameras' start timecode; cards are PNG stills beside the file."
    ),
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Where to write [default: DIR/exports/timeline.<otio|edl|fcpxml>]."),
)
@click.option(
    "--subtitles",
    type=click.Choice(["approved", "working", "none"]),
    default="approved",
    show_default=True,
    help=N_("Subtitle markers from the approved subtitles, the working drafts, or none."),
)
def export_cmd(project_dir: Path, format_name: str, output: Path | None, subtitles: str) -> None:
    from pipeline.edit.interchange import export_project
    from pipeline.project.model import load_project
    from pipeline.render.graphics import Canvas, card_image

    project = load_project(project_dir)

    def draw_card(card, timeline):  # the cards as the render draws them, at the programme size
        return card_image(card, timeline.style, Canvas(1920, 1080), project.cache_dir / "graphics")

    result = export_project(project, format_name, output, subtitles=subtitles, draw_card=draw_card)
    click.echo(_("Wrote {path}").format(path=result.path))
    if result.length_note:
        click.echo("  " + _("Note: {length_note}").format(length_note=result.length_note))


def register(cli: click.Group) -> None:
    for command in (cut_cmd, export_cmd):
        cli.add_command(command)
