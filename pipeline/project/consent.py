"""Consent of the people on screen: recorded with the signed form, checked before publishing.

A record is who, when, who recorded it, and the signed form (a scan or a phone photo) copied into
the project's `consent/` folder, so the project carries its own evidence when it is archived or
handed on. It lives in project.toml's `[[people]]` (consent = true, consent_at, consent_by,
consent_form); `pipeline render` refuses publishable files while anyone lacks it, and the record
goes into the outbox's publish.json.

A person written by hand with `consent = true` and no form (projects older than this command)
counts as recorded; `pipeline consent DIR` lists them as "no form on file".
"""

from __future__ import annotations

import getpass
import hashlib
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomlkit

from pipeline.errors import ProjectError
from pipeline.i18n import _
from pipeline.project.files import temp_sibling
from pipeline.project.model import Person, Project
from pipeline.project.toml_edit import edit_project_toml

CONSENT_DIR = "consent"
UNSAFE = '/\\:*?"<>|'


def consent_dir(project: Project) -> Path:
    return project.root / CONSENT_DIR


def recorder_name() -> str:
    """Who records, when --by is not given: the account running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def record_consent(
    project: Project, name: str, form: Path, *, by: str = "", at: str = ""
) -> tuple[Project, Person]:
    """Copy the signed `form` into the project and mark `name` as consenting (added to [[people]] if
    missing). Returns the reloaded project and the person's record."""
    name = name.strip()
    if not name:
        raise ProjectError(_("the person's name is empty; give it as it appears in [[people]]"))
    form = Path(form)
    if not form.is_file():
        raise ProjectError(
            _("{form}: signed consent form not found; give the scan or photo of the signed form").format(
                form=form
            )
        )
    if form.stat().st_size == 0:
        raise ProjectError(
            _("{form}: the signed consent form is empty (0 bytes); scan or photograph it again").format(
                form=form
            )
        )
    relative = _copy_form(project, name, form)
    at = at or datetime.now(UTC).isoformat(timespec="seconds")
    by = by.strip() or recorder_name()

    def change(document: Any) -> None:
        people = document.get("people")
        if people is None:
            people = tomlkit.array()
            document["people"] = people
        entry = next((p for p in people if str(p.get("name", "")).strip() == name), None)
        if entry is None:
            # `init` writes people = [{...}] (inline tables); [[people]] written by hand is an array of tables
            entry = tomlkit.table() if isinstance(people, tomlkit.items.AoT) else tomlkit.inline_table()
            entry["name"] = name
            people.append(entry)
        if isinstance(people, tomlkit.items.Array):
            people.multiline(True)  # one person a line
        entry["consent"] = True
        entry["consent_at"] = at
        entry["consent_by"] = by
        entry["consent_form"] = relative

    project = edit_project_toml(project, change)
    return project, next(p for p in project.people if p.name == name)


def _copy_form(project: Project, name: str, form: Path) -> str:
    """The form copied to consent/<name><suffix> (a second, different form gets -2, -3...); the
    copy lands under a temporary name first. Returns its path relative to the project."""
    folder = consent_dir(project)
    folder.mkdir(exist_ok=True)
    stem = "".join("_" if c in UNSAFE or ord(c) < 32 else c for c in name)
    digest = _sha256(form)
    for n in range(1, 1000):
        target = folder / f"{stem}{'' if n == 1 else f'-{n}'}{form.suffix.lower()}"
        if target.exists():
            if _sha256(target) == digest:
                break  # the same form recorded again
            continue
        tmp = temp_sibling(target)
        try:
            shutil.copyfile(form, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        break
    return target.relative_to(project.root).as_posix()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def consent_state(project: Project, person: Person) -> str:
    """ "recorded", "recorded, no form on file", "form missing: <path>" or "NOT RECORDED"."""
    if not person.consent:
        return _("NOT RECORDED")
    if not person.consent_form:
        return _("recorded, no form on file")
    if not (project.root / person.consent_form).is_file():
        return _("form missing: {form}").format(form=person.consent_form)
    return _("recorded")


def consent_records(project: Project) -> list[dict[str, Any]]:
    """Everyone's record, for publish.json."""
    return [person.record() for person in project.people]
