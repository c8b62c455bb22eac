"""Lint and fix a whole project's subtitles: what `pipeline subs lint` and `pipeline subs fix` run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.project.glossary import project_glossary
from pipeline.project.model import Project
from pipeline.subtitles.fix import fix_cues
from pipeline.subtitles.profile import project_profile
from pipeline.subtitles.qc import Finding, lint, missing_subtitles
from pipeline.subtitles.srt_io import read_srt
from pipeline.subtitles.store import draft_path, interview_clip_ids, producer_path, working_path, write_draft


@dataclass(frozen=True, slots=True)
class ClipLint:
    clip_id: str
    path: Path | None  # the file checked: the producers' file if present, else the draft; None if neither
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class DraftFix:
    clip_id: str
    path: Path  # the draft
    fixed: bool  # False when there was no draft to fix
    changed: bool  # the draft was rewritten
    cues_before: int = 0
    cues_after: int = 0
    before: tuple[Finding, ...] = ()
    after: tuple[Finding, ...] = ()
    producers_file: Path | None = None  # exists beside the draft and was left alone


def lint_project(
    project: Project, vertical: bool = False, clip_ids: Sequence[str] | None = None
) -> tuple[ClipLint, ...]:
    """QC findings for every interview clip's subtitles (the producers' file when present, else the draft)."""
    profile = project_profile(project, vertical)
    glossary = project_glossary(project)
    results = []
    for clip_id in interview_clip_ids(project, clip_ids):
        path = working_path(project, clip_id)
        if path is None:
            missing = missing_subtitles(profile, clip_id, draft_path(project, clip_id).name)
            results.append(ClipLint(clip_id, None, (missing,) if missing else ()))
            continue
        results.append(ClipLint(clip_id, path, lint(read_srt(path), profile, glossary, clip_id)))
    return tuple(results)


def fix_drafts(project: Project, clip_ids: Sequence[str] | None = None) -> tuple[DraftFix, ...]:
    """Apply the safe fixes to every interview clip's draft; the producers' files are never touched."""
    profile = project_profile(project)
    glossary = project_glossary(project)
    results = []
    for clip_id in interview_clip_ids(project, clip_ids):
        path = draft_path(project, clip_id)
        producers_path = producer_path(project, clip_id)
        producers = producers_path if producers_path.exists() else None
        if not path.exists():
            results.append(DraftFix(clip_id, path, fixed=False, changed=False, producers_file=producers))
            continue
        cues = read_srt(path)
        fixed = fix_cues(cues, profile, glossary)
        changed = fixed != cues
        if changed:
            write_draft(project, clip_id, fixed)
        results.append(
            DraftFix(
                clip_id,
                path,
                fixed=True,
                changed=changed,
                cues_before=len(cues),
                cues_after=len(fixed),
                before=lint(cues, profile, glossary, clip_id),
                after=lint(fixed, profile, glossary, clip_id),
                producers_file=producers,
            )
        )
    return tuple(results)
