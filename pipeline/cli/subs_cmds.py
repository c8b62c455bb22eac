"""Subtitle commands: `pipeline subs lint | fix | approve | status | import`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from pipeline.cli.options import project_dir
from pipeline.errors import SubtitleError


@click.group("subs")
def subs() -> None:
    """Subtitle QC, safe automatic fixes and producers' approval."""


@subs.command("lint")
@project_dir
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list instead of a table.")
@click.option("--vertical", is_flag=True, help="Check against the 9:16 profile (one line of 13 characters).")
def lint_cmd(project_dir: Path, as_json: bool, vertical: bool) -> None:
    """Check every interview clip's subtitles (the producers' file if present, else the draft).

    Exits 1 when any finding is an error.
    """
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
            f"{len(errors)} subtitle error{'s' if len(errors) > 1 else ''} in {', '.join(files)}; "
            f"run `pipeline subs fix {project_dir}` for drafts, correct producers' files by hand"
        )


@subs.command("fix")
@project_dir
def fix_cmd(project_dir: Path) -> None:
    """Apply the safe fixes (line breaks, punctuation, script, glossary, merge/split) to the drafts.

    The producers' files (<clip>.srt) are never touched.
    """
    from pipeline.project.model import load_project
    from pipeline.subtitles.checks import fix_drafts

    project = load_project(project_dir)
    for result in fix_drafts(project):
        click.echo(_fix_line(project.root, result))


@subs.command("approve")
@project_dir
@click.option("--by", "by", required=True, help="Name of the producer approving the subtitles.")
@click.option("--force", is_flag=True, help="Approve although lint errors remain (needs --reason).")
@click.option(
    "--reason", default=None, help="Why the remaining errors are acceptable (recorded with --force)."
)
@click.option(
    "--clip",
    "clips",
    multiple=True,
    help="Approve only this clip id (repeatable); default: all interview clips.",
)
def approve_cmd(project_dir: Path, by: str, force: bool, reason: str | None, clips: tuple[str, ...]) -> None:
    """Record who approved which subtitle content; later edits show as "changed since approval"."""
    from pipeline.project.model import load_project
    from pipeline.subtitles.store import approve

    if force and reason is None:
        raise click.UsageError("--force needs --reason TEXT saying why the remaining errors are acceptable")
    if reason is not None and not force:
        raise click.UsageError(
            "--reason goes with --force; without --force approval refuses while errors remain"
        )
    project = load_project(project_dir)
    for record in approve(project, by, clips or None, force_reason=reason if force else None):
        forced = f" [forced: {record.forced_reason}]" if record.forced_reason else ""
        click.echo(
            f"Approved {record.clip_id}: {record.file} (sha256 {record.sha256[:12]}) by {record.by} "
            f"at {record.at}{forced}"
        )


@subs.command("status")
@project_dir
def status_cmd(project_dir: Path) -> None:
    """Show each interview clip's approval state: not approved, approved, or changed since approval."""
    from pipeline.project.model import load_project
    from pipeline.subtitles.store import approval_status, interview_clip_ids, working_path

    project = load_project(project_dir)
    for clip_id in interview_clip_ids(project):
        path = working_path(project, clip_id)
        where = _relative(project.root, path) if path else "no subtitles yet"
        click.echo(f"{clip_id}  {approval_status(project, clip_id)}  ({where})")


@subs.command("import")
@project_dir
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--clip", "clip_id", required=True, metavar="ID", help="The interview clip the subtitles are for."
)
@click.option(
    "--encoding",
    default=None,
    metavar="E",
    help="The file's encoding (big5, gb18030, cp1252, utf-16...) when it cannot be told for sure.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing producers' file, even an approved one (kept under subtitles/.history/; "
    "the approval is withdrawn).",
)
def import_cmd(project_dir: Path, file: Path, clip_id: str, encoding: str | None, force: bool) -> None:
    """Place an SRT, WebVTT or ASS/SSA file from another tool as a clip's producers' file.

    It is converted to UTF-8 SRT in simplified script and checked completely first (times inside
    the clip, no empty or inverted cues); nothing is written when it is refused.
    """
    from pipeline.project.model import load_project
    from pipeline.subtitles.importing import import_subtitles

    project = load_project(project_dir)
    report = import_subtitles(project, clip_id, file, encoding=encoding, force=force)
    how = "detected" if report.encoding.detected else "as given"
    click.echo(
        f"Imported {file} as {_relative(project.root, report.target)} for {report.clip_id}: "
        f"{report.cues} cues ({report.format}, {report.encoding.encoding} {how})."
    )
    if report.simplified_cues:
        click.echo(
            f"Converted to simplified characters in {report.simplified_cues} cues: "
            f"{' '.join(report.traditional[:20])}{' ...' if len(report.traditional) > 20 else ''}"
        )
    if report.skipped:
        click.echo(f"Skipped {report.skipped} comment or drawing lines of the {report.format} file.")
    if report.replaced is not None:
        click.echo(f"The previous producers' file is kept as {_relative(project.root, report.replaced)}.")
    if report.withdrawn is not None:
        click.echo(
            f"The approval by {report.withdrawn.by} at {report.withdrawn.at} is withdrawn; approve again "
            f"with `pipeline subs approve {project_dir} --by NAME --clip {report.clip_id}`."
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
