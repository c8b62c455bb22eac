"""Fingerprints make re-renders incremental: an output is rebuilt only when something it shows changed.

A fingerprint is the `project.digest.content_key` (sha256 of the canonical JSON) of everything an output depends on (its inputs'
identities, the timeline and preset parameters, tool versions). After a render that passed its
checks, `record` stores it in `.cache/render/<output path>.json` with the output's sha256, size and
mtime; `is_up_to_date` then answers from a stat and two small JSON files, re-hashing the output only
when its size or mtime changed (a touched but identical file stays up to date).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.errors import PipelineError
from pipeline.i18n import _
from pipeline.media.ffmpeg_bin import ffmpeg_version
from pipeline.media.fonts import find_cjk_font
from pipeline.project.digest import sha256_file
from pipeline.project.files import atomic_write_json
from pipeline.project.footage import Clip
from pipeline.render.manifest import ProjectLike, load_manifest, project_relative, project_root

RECORD_DIR = Path(".cache") / "render"


@dataclass(frozen=True, slots=True)
class FileStamp:
    """A cheap identity for an input file."""

    path: str  # project-relative when inside the project (moving the project changes nothing)
    size_bytes: int
    mtime_ns: int = 0  # 0 when the file is identified by its content
    sha256: str = ""  # content hash when known (footage: recorded at ingest)


@dataclass(frozen=True, slots=True)
class ToolVersions:
    """What else shapes the pixels and samples: the ffmpeg build, this package, the drawing
    library and the CJK font files libass and Pillow draw subtitles and cards with. Nothing else:
    a library the render does not use (moviepy, only in bench/) must not make outputs stale."""

    ffmpeg: str
    pipeline: str
    pillow: str
    fonts: tuple[FileStamp, ...]


@dataclass(frozen=True, slots=True)
class RenderRecord:
    """What `record` stores beside the fingerprint to recognise the output it rendered."""

    output: str  # project-relative path
    fingerprint: str
    sha256: str
    size_bytes: int
    mtime_ns: int


def without_root(args: Sequence[str], root: Path) -> list[str]:
    """Arguments without the project's location (moving the folder changes no fingerprint)."""
    return [arg.replace(str(root), "$PROJECT") for arg in args]


def file_stamp(path: Path, *, root: Path | None = None, hash_content: bool = False) -> FileStamp:
    """Identify an input by path, size and mtime (or by content, for small files: `hash_content`)."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise PipelineError(
            _("{path}: input file not found; restore it or re-ingest it, then render again").format(path=path)
        ) from None
    shown = path.as_posix()
    if root is not None:
        with contextlib.suppress(ValueError):
            shown = path.resolve().relative_to(Path(root).resolve()).as_posix()
    if hash_content:
        return FileStamp(shown, stat.st_size, 0, sha256_file(path))
    return FileStamp(shown, stat.st_size, stat.st_mtime_ns)


def clip_stamp(clip: Clip) -> FileStamp:
    """Footage is identified by the sha256 recorded at ingest: never re-hashed, never re-stat'ed
    (ingested files are not modified afterwards)."""
    return FileStamp(clip.file, clip.facts.size_bytes, 0, clip.sha256)


@functools.cache
def tool_versions() -> ToolVersions:
    fonts: tuple[FileStamp, ...] = ()
    with contextlib.suppress(PipelineError):  # no CJK font: burn-in will fail later with its own message
        font = find_cjk_font()
        fonts = tuple(file_stamp(p) for p in dict.fromkeys((font.regular, font.bold)))
    return ToolVersions(
        ffmpeg=ffmpeg_version(),
        pipeline=__version__,
        pillow=_package_version("pillow"),
        fonts=fonts,
    )


def record_path(project: ProjectLike, output_path: Path | str) -> Path:
    """`.cache/render/exports/web/x.mp4.json` for `exports/web/x.mp4`."""
    relative = project_relative(project, output_path)
    return project_root(project) / RECORD_DIR / f"{relative}.json"


def record(project: ProjectLike, output_path: Path | str, fp: str, *, sha256: str | None = None) -> None:
    """Remember that `output_path` (as it is now on disk) was rendered from fingerprint `fp`.

    Call it after the output passed its checks and its manifest entry (with `fingerprint=fp`) was
    written. `sha256`: the hash `measure_output` already computed, to avoid reading the file again.
    """
    output = project_root(project) / project_relative(project, output_path)
    stat = output.stat()
    rec = RenderRecord(
        project_relative(project, output_path),
        fp,
        sha256 or sha256_file(output),
        stat.st_size,
        stat.st_mtime_ns,
    )
    _write_record(project, rec)


def forget(project: ProjectLike, output_path: Path | str) -> None:
    """Drop the record of `output_path` (e.g. before re-rendering it with --force)."""
    with contextlib.suppress(FileNotFoundError):
        record_path(project, output_path).unlink()


def is_up_to_date(project: ProjectLike, output_path: Path | str, fp: str) -> bool:
    """True only when the output exists, is the very file recorded (size and mtime, or else its
    sha256, match), was rendered from fingerprint `fp`, and the manifest lists it with `fp`, the
    same sha256 and no problems."""
    rec = _read_record(project, output_path)
    if rec is None or rec.fingerprint != fp:
        return False
    output = project_root(project) / rec.output
    try:
        stat = output.stat()
    except FileNotFoundError:
        return False
    if stat.st_size != rec.size_bytes:
        return False
    if stat.st_mtime_ns != rec.mtime_ns:
        if sha256_file(output) != rec.sha256:
            return False
        # touched (copied back, restored) but the same bytes: remember the new mtime, skip the hash next time
        _write_record(project, dataclasses.replace(rec, mtime_ns=stat.st_mtime_ns))
    entry = next((e for e in load_manifest(project) if e.path == rec.output), None)
    return entry is not None and entry.fingerprint == fp and entry.sha256 == rec.sha256 and entry.passed


def _read_record(project: ProjectLike, output_path: Path | str) -> RenderRecord | None:
    """The stored record, or None when missing or unreadable (.cache is disposable: re-render)."""
    try:
        data = json.loads(record_path(project, output_path).read_text("utf-8"))
        return RenderRecord(
            output=str(data["output"]),
            fingerprint=str(data["fingerprint"]),
            sha256=str(data["sha256"]),
            size_bytes=int(data["size_bytes"]),
            mtime_ns=int(data["mtime_ns"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_record(project: ProjectLike, rec: RenderRecord) -> None:
    atomic_write_json(record_path(project, rec.output), dataclasses.asdict(rec))


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"
