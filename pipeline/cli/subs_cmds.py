"""Subtitle commands: `pipeline subs lint | fix | approve | status | import`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from pipeline.cli.language import TranslatedGroup
from pipeline.cli.options import project_dir
from pipeline.errors import SubtitleError
from pipeline.i18n import N_, _, ngettext


@click.group(
    "subs", cls=TranslatedGroup, help=N_("Subtitle QC, safe automatic fixes and producers' approval.")
)
def subs() -> None:
    """The `pipeline subs` commands (the help above is what people read)."""


@subs.command(
    "lint",
    help=N_(
        "Check every interview clip's subtitles (the producers' file if present, else the draft).\n\n"
        "Exits 1 when any finding is an error."
    ),
)
@project_dir
@click.option(
    "--json", "as_json", is_flag=True, help=N_("Print the findings as a JSON list instead of a table.")
)
@click.option(
    "--vertical", is_flag=True, help=N_("Check against the 9:16 profile (one line of 13 characters).")
)
def lint_cmd(project_dir: Path, as_json: bool, vertical: bool) -> None:
    from pipeline.project.model import load_project
    from pipeline.subtitles.checks import lint_project
    from pipeline.transcribe.flags import with_flag_findings

    project = load_project(project_dir)
    results = with_flag_findings(project, lint_project(project, vertical=vertical))
    findings = [f for r in results for f in r.findings]
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for line in _lint_table(project.root, results):
            click.echo(line)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        files = sorted(
            {
                _relative(project.root, r.path)
                for r in results
                if r.path and any(f.severity == "error" for f in r.findings)
            }
        )
        raise SubtitleError(
            ngettext(
                "{n} subtitle error in {files}; run `pipeline subs fix {project_dir}` for drafts, "
                "correct producers' files by hand",
                "{n} subtitle errors in {files}; run `pipeline subs fix {project_dir}` for drafts, "
                "correct producers' files by hand",
                len(errors),
            ).format(n=len(errors), files=", ".join(files), project_dir=project_dir)
        )


@subs.command(
    "fix",
    help=N_(
        "Apply the safe fixes (line breaks, punctuation, script, glossary, merge/split) to the drafts.\n\n"
        "The producers' files (<clip>.srt) are never touched."
    ),
)
@project_dir
def fix_cmd(project_dir: Path) -> None:
    from pipeline.project.model import load_project
    from pipeline.subtitles.checks import fix_drafts

    project = load_project(project_dir)
    for result in fix_drafts(project):
        click.echo(_fix_line(project.root, result))


@subs.command(
    "approve",
    help=N_('Record who approved which subtitle content; later edits show as "changed since approval".'),
)
@project_dir
@click.option("--by", "by", required=True, help=N_("Name of the producer approving the subtitles."))
@click.option("--force", is_flag=True, help=N_("Approve although lint errors remain (needs --reason)."))
@click.option(
    "--reason", default=None, help=N_("Why the remaining errors are acceptable (recorded with --force).")
)
@click.option(
    "--clip",
    "clips",
    multiple=True,
    help=N_("Approve only this clip id (repeatable); default: all interview clips."),
)
def approve_cmd(project_dir: Path, by: str, force: bool, reason: str | None, clips: tuple[str, ...]) -> None:
    from pipeline.project.model import load_project
    from pipeline.subtitles.store import approve

    if force and reason is None:
        raise click.UsageError(
            _("--force needs --reason TEXT saying why the remaining errors are acceptable")
        )
    if reason is not None and not force:
        raise click.UsageError(
            _("--reason goes with --force; without --force approval refuses while errors remain")
        )
    project = load_project(project_dir)
    for record in approve(project, by, clips or None, force_reason=reason if force else None):
        forced = f" [forced: {record.forced_reason}]" if record.forced_reason else ""
        click.echo(
            _("Approved {clip_id}: {file} (sha256 {sha256}) by {by} at {at}{forced}").format(
                clip_id=record.clip_id,
                file=record.file,
                sha256=record.sha256[:12],
                by=record.by,
                at=record.at,
                forced=forced,
            )
        )


@subs.command(
    "status",
    help=N_("Show each interview clip's approval state: not approved, approved, or changed since approval."),
)
@project_dir
def status_cmd(project_dir: Path) -> None:
    from pipeline.project.model import load_project
    from pipeline.subtitles.store import approval_status, interview_clip_ids, working_path

    project = load_project(project_dir)
    for clip_id in interview_clip_ids(project):
        path = working_path(project, clip_id)
        where = _relative(project.root, path) if path else "no subtitles yet"
        click.echo(f"{clip_id}  {approval_status(project, clip_id)}  ({where})")


@subs.command(
    "import",
    help=N_(
        "Place an SRT, WebVTT or ASS/SSA file from another tool as a clip's producers' file.\n\n"
        "It is converted to UTF-8 SRT in simplified script and checked completely first (times inside the clip, no empty or inverted cues); nothing is written when it is refused."
    ),
)
@project_dir
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--clip", "clip_id", required=True, metavar="ID", help=N_("The interview clip the subtitles are for.")
)
@click.option(
    "--encoding",
    default=None,
    metavar="E",
    help=N_("The file's encoding (big5, gb18030, cp1252, utf-16...) when it cannot be told for sure."),
)
@click.option(
    "--force",
    is_flag=True,
    help=N_(
        "Replace an existing producers' file, even an approved one (kept under subtitles/.history/; "
        "the approval is withdrawn)."
    ),
)
def import_cmd(project_dir: Path, file: Path, clip_id: str, encoding: str | None, force: bool) -> None:
    from pipeline.project.model import load_project
    from pipeline.subtitles.importing import import_subtitles

    project = load_project(project_dir)
    report = import_subtitles(project, clip_id, file, encoding=encoding, force=force)
    how = "detected" if report.encoding.detected else "as given"
    click.echo(
        _("Imported {file} as {relative} for {clip_id}: {cues} cues ({format}, {encoding} {how}).").format(
            file=file,
            relative=_relative(project.root, report.target),
            clip_id=report.clip_id,
            cues=report.cues,
            format=report.format,
            encoding=report.encoding.encoding,
            how=how,
        )
    )
    if report.simplified_cues:
        click.echo(
            _("Converted to simplified characters in {cues} cues: {characters}").format(
                cues=report.simplified_cues,
                characters=" ".join(report.traditional[:20])
                + (" ..." if len(report.traditional) > 20 else ""),
            )
        )
    if report.skipped:
        click.echo(
            _("Skipped {skipped} comment or drawing lines of the {format} file.").format(
                skipped=report.skipped, format=report.format
            )
        )
    if report.replaced is not None:
        click.echo(
            _("The previous producers' file is kept as {relative}.").format(
                relative=_relative(project.root, report.replaced)
            )
        )
    if report.withdrawn is not None:
        click.echo(
            _(
                "The approval by {by} at {at} is withdrawn; approve again with `pipeline subs approve {project_dir} --by NAME --clip {clip_id}`."
            ).format(
                by=report.withdrawn.by,
                at=report.withdrawn.at,
                project_dir=project_dir,
                clip_id=report.clip_id,
            )
        )


def _relative(root: Path, path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _lint_table(root: Path, results) -> list[str]:
    from pipeline.subtitles.srt_io import srt_timestamp

    lines = []
    for result in results:
        errors = sum(f.severity == "error" for f in result.findings)
        warnings = sum(f.severity == "warning" for f in result.findings)
        where = _relative(root, result.path) or "no subtitles"
        lines.append(
            f"{result.clip_id}  {where}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        )
        for f in result.findings:
            time = f"{srt_timestamp(f.start_ms)}" if f.cue else "-"
            lines.append(f"  {f.cue:>4}  {time:<12}  {f.severity:<7}  {f.rule:<20}  {f.message}")
    return lines


def _fix_line(root: Path, result) -> str:
    draft = _relative(root, result.path)
    note = (
        f" ({_relative(root, result.producers_file)} is the producers' file: not touched)"
        if result.producers_file
        else ""
    )
    if not result.fixed:
        return f"{result.clip_id}: no draft ({draft}); run `pipeline transcribe` first{note}"
    if not result.changed:
        return f"{result.clip_id}: {draft} unchanged (nothing to fix safely){note}"
    before, after = Counter(f.rule for f in result.before), Counter(f.rule for f in result.after)
    fixed = ", ".join(f"{rule} x{count}" for rule, count in sorted((before - after).items())) or "layout"
    errors_after = sum(f.severity == "error" for f in result.after)
    return (
        f"{result.clip_id}: {draft} fixed ({fixed}); cues {result.cues_before} -> {result.cues_after}; "
        f"findings {len(result.before)} -> {len(result.after)} ({errors_after} errors left){note}"
    )


def register(cli: click.Group) -> None:
    cli.add_command(subs)
