"""Machine edits of project.toml that keep the editors' comments and layout (tomlkit).

Used where a command records something the editors may later change by hand: an interview clip's
audio routing (`ingest --audio-channel`), a consent record (`pipeline consent`). The edited text is
validated as a project before it replaces the file (atomically), so a command never leaves a
project.toml that the next command refuses.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from typing import Any

import tomlkit

from pipeline.errors import ProjectError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_text
from pipeline.project.model import AudioRouting, Project, load_project, parse_project


def edit_project_toml(project: Project, change: Callable[[Any], None]) -> Project:
    """Apply `change` to the parsed document (a tomlkit document: a dict that keeps comments) and
    write it back; returns the project as reloaded."""
    file = project.file
    try:
        document = tomlkit.parse(file.read_text("utf-8-sig"))
    except OSError as exc:
        raise ProjectError(
            _("{file}: cannot be read ({strerror}); check the file").format(file=file, strerror=exc.strerror)
        ) from None
    except tomlkit.exceptions.ParseError as exc:
        raise ProjectError(
            _("{file}: invalid TOML ({exc}); fix the syntax").format(file=file, exc=exc)
        ) from None
    change(document)
    text = tomlkit.dumps(document)
    parse_project(project.root, tomllib.loads(text))  # refuse to write what would not load
    try:
        atomic_write_text(file, text)
    except OSError as exc:
        raise ProjectError(
            _("{file}: cannot be written ({strerror}); check the folder's permissions").format(
                file=file, strerror=exc.strerror
            )
        ) from None
    return load_project(project.root)


def set_audio_routing(project: Project, clip_id: str, routing: AudioRouting) -> Project:
    """`[audio.<clip_id>]` stream and channel; a default routing removes the table."""

    def change(document: Any) -> None:
        audio = document.get("audio")
        if routing.is_default:
            if audio is not None and clip_id in audio:
                del audio[clip_id]
            return
        if audio is None:
            audio = tomlkit.table(is_super_table=True)
            document["audio"] = audio
        entry = tomlkit.table()
        entry["stream"] = routing.stream
        entry["channel"] = routing.channel
        audio[clip_id] = entry

    return edit_project_toml(project, change)
