"""`EPISODE/published.json`: what was published, written atomically after every step.

A rerun reads it to resume: a file whose sha256 matches what was uploaded is not uploaded again, a
draft is created once (and updated, never duplicated), a publish job is polled rather than
resubmitted. Only what the API confirmed is recorded; no credential or token is ever written here.

    {"version": 1,
     "wechat": {"cover": {...}, "video": {...}, "stills": [...], "draft": {...}, "publish": {...}},
     "site": {"dir": ..., "page": ..., "at": ...},
     "history": ["2026-11-29T10:00:00Z wechat cover: web/…jpg changed since it was uploaded; replaced"]}
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import PublishError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_json

PUBLISHED_FILE = "published.json"
VERSION = 1


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PublishedRecord:
    """The record of one episode, saved after each change (`save`)."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def load(cls, folder: Path) -> PublishedRecord:
        path = folder / PUBLISHED_FILE
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            data = {"version": VERSION}
        except (OSError, ValueError) as exc:
            raise PublishError(
                _(
                    "{path}: cannot be read ({exc}); it records what was already uploaded, so fix it rather than delete it (deleting it makes the next run upload everything again)"
                ).format(path=path, exc=exc)
            ) from None
        if not isinstance(data, dict):
            raise PublishError(
                _("{path}: is not a publish record; restore it from a backup").format(path=path)
            )
        return cls(path, data)

    def section(self, name: str) -> dict[str, Any]:
        return self.data.setdefault(name, {})

    def note(self, text: str) -> None:
        self.data.setdefault("history", []).append(f"{now_utc()} {text}")

    def save(self) -> None:
        atomic_write_json(self.path, self.data)
