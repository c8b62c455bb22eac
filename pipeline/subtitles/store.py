"""Where subtitles live in a project, and who approved what.

`<project>/subtitles/`:

- `<clip_id>.draft.srt`: the machine's draft, regenerated freely (transcribe, `subs fix`).
- `<clip_id>.srt`: the producers' file. Created from the draft only when it does not exist yet
  (by `approve` or the review page); the machine never overwrites or modifies it.
- `approvals.json`: `{clip_id: {file, sha256, by, at, forced_reason}}`. An approval covers the
  exact bytes of the producers' file; any later edit shows as "changed since approval".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pipeline.errors import SubtitleError
from pipeline.i18n import _, ngettext
from pipeline.project.files import atomic_write_json, temp_sibling
from pipeline.project.footage import clips_by_role
from pipeline.project.glossary import project_glossary
from pipeline.project.model import Project
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import project_profile
from pipeline.subtitles.qc import Finding, lint
from pipeline.subtitles.srt_io import parse_srt_bytes, read_srt, write_srt

APPROVALS_FILE = "approvals.json"
ApprovalStatus = Literal["not approved", "approved", "changed since approval"]
NOT_APPROVED: Final = "not approved"
APPROVED: Final = "approved"
CHANGED: Final = "changed since approval"


@dataclass(frozen=True, slots=True)
class Approval:
    clip_id: str
    file: str  # relative to the project folder: subtitles/int-001.srt
    sha256: str  # of the file's bytes when approved
    by: str
    at: str  # ISO 8601, UTC
    forced_reason: str | None = None  # set when approved with lint errors remaining


def draft_path(project: Project, clip_id: str) -> Path:
    """`subtitles/<clip_id>.draft.srt`: the machine's draft."""
    return project.subtitles_dir / f"{clip_id}.draft.srt"


def producer_path(project: Project, clip_id: str) -> Path:
    """`subtitles/<clip_id>.srt`: the producers' file, which the machine never writes over."""
    return project.subtitles_dir / f"{clip_id}.srt"


def approvals_path(project: Project) -> Path:
    """`subtitles/approvals.json`: who approved which content, when."""
    return project.subtitles_dir / APPROVALS_FILE


def working_path(project: Project, clip_id: str) -> Path | None:
    """The file that currently stands for a clip's subtitles: the producers' if present, else the draft."""
    for path in (producer_path(project, clip_id), draft_path(project, clip_id)):
        if path.exists():
            return path
    return None


def write_draft(project: Project, clip_id: str, cues: Iterable[Cue]) -> Path:
    """Write (or replace) the machine draft `<clip_id>.draft.srt`; never touches `<clip_id>.srt`."""
    return write_srt(draft_path(project, clip_id), cues)


def working_cues(project: Project, clip_id: str) -> tuple[Cue, ...]:
    """The producers' cues if they have a file, else the draft's (for previews and cut lists)."""
    path = working_path(project, clip_id)
    if path is None:
        raise SubtitleError(
            _("{path}: no subtitles for {clip} yet; run `pipeline transcribe {project}`").format(
                path=draft_path(project, clip_id), clip=clip_id, project=project.root
            )
        )
    return read_srt(path)


def load_approvals(project: Project) -> dict[str, Approval]:
    """The approval records, by clip id (empty when nothing was approved yet)."""
    path = approvals_path(project)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise SubtitleError(
            _("{path}: approval records unreadable ({problem}); restore the file from backup").format(
                path=path, problem=exc
            )
        ) from None
    try:
        return {clip_id: Approval(clip_id=clip_id, **record) for clip_id, record in data.items()}
    except (AttributeError, TypeError) as exc:
        raise SubtitleError(
            _("{path}: approval records malformed ({problem}); restore the file from backup").format(
                path=path, problem=exc
            )
        ) from None


def approval_status(project: Project, clip_id: str) -> ApprovalStatus:
    """ "not approved", "approved" or "changed since approval" (the producers' file was edited or removed)."""
    record = load_approvals(project).get(clip_id)
    if record is None:
        return NOT_APPROVED
    data = _read_or_none(project.root / record.file)
    return APPROVED if data is not None and _sha256(data) == record.sha256 else CHANGED


def approved_cues(project: Project, clip_id: str) -> tuple[Cue, ...]:
    """The approved subtitles of a clip, exactly as approved; refuses anything else."""
    path = producer_path(project, clip_id)
    record = load_approvals(project).get(clip_id)
    if record is None:
        raise SubtitleError(
            _("{path}: not approved; review it and run `pipeline subs approve {project} --by NAME`").format(
                path=path, project=project.root
            )
        )
    approved_file = project.root / record.file
    data = _read_or_none(approved_file)  # read once: the bytes checked are the bytes parsed
    if data is None or _sha256(data) != record.sha256:
        raise SubtitleError(
            _("{path}: changed since approval; re-approve with `pipeline subs approve`").format(
                path=approved_file
            )
        )
    return parse_srt_bytes(data, str(approved_file))


def approve(
    project: Project, by: str, clip_ids: Sequence[str] | None = None, force_reason: str | None = None
) -> list[Approval]:
    """Approve the subtitles of `clip_ids` (default: every interview clip) as approved by `by`.

    The producers' file is created from the draft when it does not exist yet. Refuses with
    SubtitleError while any lint error remains, unless `force_reason` says why it is acceptable
    (the reason is recorded). Nothing is written when refused.
    """
    by = by.strip()
    if not by:
        raise SubtitleError(_("the approver's name is empty; give it with --by NAME"))
    if force_reason is not None and not force_reason.strip():
        raise SubtitleError(_("the reason for forcing the approval is empty; give it with --reason TEXT"))
    clip_ids = interview_clip_ids(project, clip_ids)
    profile = project_profile(project)
    glossary = project_glossary(project)
    pending = []
    for clip_id in clip_ids:
        source = working_path(project, clip_id)
        if source is None:
            raise SubtitleError(
                _("{path}: no subtitles for {clip} yet; run `pipeline transcribe {project}` first").format(
                    path=draft_path(project, clip_id), clip=clip_id, project=project.root
                )
            )
        data = source.read_bytes()
        cues = parse_srt_bytes(data, str(source))
        errors = [f for f in lint(cues, profile, glossary, clip_id) if f.severity == "error"]
        if errors and force_reason is None:
            raise SubtitleError(_refusal(source, errors))
        pending.append((clip_id, source, data, bool(errors)))

    at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    records = load_approvals(project)
    approved = []
    for clip_id, source, data, forced in pending:
        target = producer_path(project, clip_id)
        if source != target:
            create_producer_file(target, data)  # the very bytes that were checked
        record = Approval(
            clip_id=clip_id,
            file=target.relative_to(project.root).as_posix(),
            sha256=_sha256(data),
            by=by,
            at=at,
            forced_reason=force_reason.strip() if forced and force_reason is not None else None,
        )
        records[clip_id] = record
        approved.append(record)
    atomic_write_json(
        approvals_path(project),
        {
            clip_id: {k: v for k, v in asdict(r).items() if k != "clip_id"}
            for clip_id, r in sorted(records.items())
        },
    )
    return approved


def withdraw_approval(project: Project, clip_id: str) -> Approval | None:
    """Remove the approval record of `clip_id` (its file is about to be replaced); the record removed."""
    records = load_approvals(project)
    withdrawn = records.pop(clip_id, None)
    if withdrawn is not None:
        atomic_write_json(
            approvals_path(project),
            {
                cid: {k: v for k, v in asdict(r).items() if k != "clip_id"}
                for cid, r in sorted(records.items())
            },
        )
    return withdrawn


def interview_clip_ids(project: Project, clip_ids: Sequence[str] | None = None) -> tuple[str, ...]:
    """The interview clips to work on: all of them, or the ones named (which must exist)."""
    interview = tuple(c.clip_id for c in clips_by_role(project, "interview"))
    if not interview:
        raise SubtitleError(
            _("{path}: no interview clips; `pipeline ingest {project} FILE --role interview` first").format(
                path=project.footage_dir, project=project.root
            )
        )
    for clip_id in clip_ids or ():
        if clip_id not in interview:
            raise SubtitleError(
                _("{path}: no interview clip {clip!r}; interview clips: {clips}").format(
                    path=project.footage_dir, clip=clip_id, clips=", ".join(interview)
                )
            )
    return tuple(dict.fromkeys(clip_ids)) if clip_ids else interview


def _refusal(source: Path, errors: Sequence[Finding]) -> str:
    first = errors[0]
    return ngettext(
        "{path}: {n} lint error remains (cue {cue}: {rule}, {problem}); correct it (`pipeline subs lint`) "
        "or approve with --force --reason TEXT",
        "{path}: {n} lint errors remain (cue {cue}: {rule}, {problem}); correct them (`pipeline subs lint`) "
        "or approve with --force --reason TEXT",
        len(errors),
    ).format(path=source, n=len(errors), cue=first.cue, rule=first.rule, problem=first.message)


def create_producer_file(path: Path, data: bytes) -> None:
    """Write `path` only if it does not exist: a hard link from a finished temp file never replaces one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_sibling(path)
    try:
        tmp.write_bytes(data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise SubtitleError(
                _("{path}: appeared while approving (edited elsewhere?); run approve again").format(path=path)
            ) from None
        except OSError:  # a file system without hard links: exclusive create, then write
            try:
                with open(path, "xb") as fh:
                    fh.write(data)
            except FileExistsError:
                raise SubtitleError(
                    _("{path}: appeared while approving (edited elsewhere?); run approve again").format(
                        path=path
                    )
                ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
