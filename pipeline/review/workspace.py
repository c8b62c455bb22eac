"""What the review page does to a project, without HTTP: list clips, open, check, save, approve.

Every call takes the project as loaded for that request (the glossary or the footage index may
have changed since the server started). Clip ids come from the browser, so each is checked
against the footage index before it names a file.

Versions: a clip's version is the sha256 of the bytes of its working file (the producers' file
if present, else the draft; "" when there is neither). A save or an approval names the version
it was based on and is refused when the file has changed since (another tab, `subs fix`, a
hand edit), so nobody overwrites or approves what they have not seen. The caller serialises
saves and approvals of one project (the server holds one lock around them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pipeline.errors import SubtitleError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_bytes
from pipeline.project.footage import Clip, clips_by_role
from pipeline.project.glossary import project_glossary
from pipeline.project.model import Project
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import project_profile
from pipeline.subtitles.qc import Finding, has_errors, lint
from pipeline.subtitles.srt_io import parse_srt_bytes, read_srt, srt_text
from pipeline.subtitles.store import (
    Approval,
    ApprovalStatus,
    approval_status,
    approve,
    draft_path,
    load_approvals,
    producer_path,
    working_path,
)

HISTORY_DIR = ".history"


class UnknownClip(SubtitleError):
    """The browser named a clip that is not an interview clip of this project."""


class StaleVersion(SubtitleError):
    """The subtitle file changed since the page loaded it."""


class ErrorsRemain(SubtitleError):
    """Approval refused: QC errors remain."""

    def __init__(self, message: str, cues: Sequence[Cue], findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.cues = tuple(cues)
        self.findings = tuple(findings)


SubtitleSource = Literal["producer", "draft", "none"]  # which file a clip's working subtitles come from


@dataclass(frozen=True, slots=True)
class ClipSummary:
    clip_id: str
    original_name: str
    duration_ms: int
    status: ApprovalStatus
    source: SubtitleSource
    errors: int
    warnings: int
    problem: str = ""  # why the subtitle file could not be read


@dataclass(frozen=True, slots=True)
class ClipSubtitles:
    clip: Clip
    source: SubtitleSource
    file: str  # the working file, relative to the project ("" when none)
    version: str
    cues: tuple[Cue, ...]
    draft: tuple[Cue, ...]  # the machine draft, for the difference view (empty when none)
    findings: tuple[Finding, ...]
    status: ApprovalStatus
    approval: Approval | None


@dataclass(frozen=True, slots=True)
class Saved:
    clip_id: str
    version: str
    file: str
    changed: bool  # False when the cues were already exactly what the file holds
    history: str = ""  # where the previous producers' file was kept ("" when there was none)


def review_clip(project: Project, clip_id: str) -> Clip:
    """The interview clip named `clip_id`; UnknownClip for anything else."""
    for clip in clips_by_role(project, "interview"):
        if clip.clip_id == clip_id:
            return clip
    raise UnknownClip(
        _("{path}: no interview clip {clip!r}; reload the review page").format(
            path=project.footage_dir, clip=clip_id
        )
    )


def list_clips(project: Project) -> tuple[ClipSummary, ...]:
    """Every interview clip with its approval status and QC counts."""
    profile, glossary = project_profile(project), project_glossary(project)
    summaries = []
    for clip in clips_by_role(project, "interview"):
        path = working_path(project, clip.clip_id)
        errors = warnings = 0
        problem = ""
        if path is not None:
            try:
                findings = lint(read_srt(path), profile, glossary, clip.clip_id)
            except SubtitleError as exc:
                problem = str(exc)
            else:
                errors = sum(f.severity == "error" for f in findings)
                warnings = len(findings) - errors
        summaries.append(
            ClipSummary(
                clip.clip_id,
                clip.original_name,
                clip.facts.duration_ms,
                approval_status(project, clip.clip_id),
                _source(project, clip.clip_id, path),
                errors,
                warnings,
                problem,
            )
        )
    return tuple(summaries)


def open_clip(project: Project, clip_id: str) -> ClipSubtitles:
    """The clip's working cues (the producers' file if present, else the draft), with findings and version."""
    clip = review_clip(project, clip_id)
    path = working_path(project, clip_id)
    data = path.read_bytes() if path is not None else b""
    cues = parse_srt_bytes(data, str(path)) if path is not None else ()
    draft_file = draft_path(project, clip_id)
    draft = read_srt(draft_file) if draft_file.exists() else ()
    return ClipSubtitles(
        clip=clip,
        source=_source(project, clip_id, path),
        file=path.relative_to(project.root).as_posix() if path is not None else "",
        version=_sha256(data) if path is not None else "",
        cues=cues,
        draft=draft,
        findings=check_cues(project, clip_id, cues),
        status=approval_status(project, clip_id),
        approval=load_approvals(project).get(clip_id),
    )


def check_cues(project: Project, clip_id: str, cues: Sequence[Cue]) -> tuple[Finding, ...]:
    """The QC findings `pipeline subs lint` would report for these cues (not saved anywhere)."""
    return lint(cues, project_profile(project), project_glossary(project), clip_id)


def current_version(project: Project, clip_id: str) -> str:
    path = working_path(project, clip_id)
    return _sha256(path.read_bytes()) if path is not None else ""


def save_cues(project: Project, clip_id: str, cues: Sequence[Cue], base_version: str) -> Saved:
    """Write the producers' file `<clip>.srt` (never the draft), keeping the previous one in `.history/`.

    Refused with StaleVersion when the working file is no longer the one at `base_version`.
    Saving over an approved file is allowed: it then shows as "changed since approval".
    """
    review_clip(project, clip_id)
    target = producer_path(project, clip_id)
    _require_version(project, clip_id, base_version)
    data = srt_text(cues, str(target)).encode("utf-8")
    if parse_srt_bytes(data, str(target)) != tuple(cues):
        # e.g. a text line that reads as a timing line: the file would not give these cues back
        raise SubtitleError(
            _(
                "{target}: these cues would not read back as written; check the text for --> or numbers-only lines"
            ).format(target=target)
        )
    relative = target.relative_to(project.root).as_posix()
    previous = target.read_bytes() if target.exists() else None
    if previous == data:
        return Saved(clip_id, _sha256(data), relative, changed=False)
    history = _keep_history(project, clip_id, previous) if previous is not None else ""
    atomic_write_bytes(target, data)
    return Saved(clip_id, _sha256(data), relative, changed=True, history=history)


def approve_clip(project: Project, clip_id: str, by: str, base_version: str) -> Approval:
    """Approve the clip's subtitles as `pipeline subs approve --clip` does, if they are still what the
    producer saw (`base_version`) and no QC error remains."""
    review_clip(project, clip_id)
    _require_version(project, clip_id, base_version)
    path = working_path(project, clip_id)
    if path is None:
        raise SubtitleError(
            _("{path}: no subtitles for {clip} yet; run `pipeline transcribe {project}` first").format(
                path=draft_path(project, clip_id), clip=clip_id, project=project.root
            )
        )
    cues = read_srt(path)
    findings = check_cues(project, clip_id, cues)
    if has_errors(findings):
        errors = [f for f in findings if f.severity == "error"]
        raise ErrorsRemain(
            _("{path}: {n} QC error(s) remain; correct them before approving").format(
                path=path, n=len(errors)
            ),
            cues,
            findings,
        )
    return approve(project, by, [clip_id])[0]


def history_dir(project: Project) -> Path:
    return project.subtitles_dir / HISTORY_DIR


def _keep_history(project: Project, clip_id: str, data: bytes) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = history_dir(project) / f"{clip_id}.{stamp}.srt"
    counter = 1
    while path.exists():  # two saves within a microsecond: keep both
        path = history_dir(project) / f"{clip_id}.{stamp}-{counter}.srt"
        counter += 1
    atomic_write_bytes(path, data)
    return path.relative_to(project.root).as_posix()


def _require_version(project: Project, clip_id: str, base_version: str) -> None:
    if current_version(project, clip_id) != base_version:
        raise StaleVersion(
            _(
                "{path}: changed since the page loaded it (another tab or program); "
                "reload the page, then make the edit again"
            ).format(path=producer_path(project, clip_id))
        )


def _source(project: Project, clip_id: str, path: Path | None) -> SubtitleSource:
    if path is None:
        return "none"
    return "producer" if path == producer_path(project, clip_id) else "draft"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
