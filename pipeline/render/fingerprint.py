"""Fingerprints make re-renders incremental: an output is rebuilt only when something it shows changed.

A fingerprint is the `project.digest.content_key` (sha256 of the canonical JSON) of everything an
output depends on (its inputs' contents, the timeline and preset parameters, tool versions). Inputs
are named by project-relative path and sha256, never by mtime or absolute path, so a project copied
or moved elsewhere (Explorer, `cp -r`, rsync) re-renders nothing; the hashes come from
`project.digest.cached_sha256`, one re-hash per copied file. After a render that passed its
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
from pipeline.project.digest import cached_sha256, sha256_file
from pipeline.project.files import atomic_write_json
from pipeline.project.footage import Clip
from pipeline.render.filters import escape_value
from pipeline.render.manifest import ProjectLike, load_manifest, project_relative, project_root
from pipeline.resources import assets_dir

RECORD_DIR = Path(".cache") / "render"


@dataclass(frozen=True, slots=True)
class FileStamp:
    """An input file's identity: its content. Never its mtime, never an absolute path: a project
    copied to a shared drive (new path, new mtimes) has the same stamps and re-renders nothing."""

    path: str  # project-relative when inside the project; the bare file name when outside (fonts)
    size_bytes: int
    sha256: str  # of the bytes: recorded at ingest (footage), else `project.digest.cached_sha256`


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
    """Arguments without the project's location, nor the pipeline's assets folder (a template's
    music bed): moving the project, or rendering it on a machine where the pipeline is installed
    elsewhere, changes no fingerprint. Each is removed as written in a plain argument and as escaped
    inside a filtergraph (a folder named "E01, 终版")."""
    places = sorted(
        ((str(root), "$PROJECT"), (str(assets_dir().resolve()), "$ASSETS")),
        key=lambda place: -len(place[0]),  # the deeper folder first, when one holds the other
    )
    out = []
    for arg in args:
        for folder, name in places:
            arg = arg.replace(escape_value(folder), name).replace(folder, name)
        out.append(arg)
    return out


def file_stamp(path: Path, *, root: Path) -> FileStamp:
    """Identify an input by its content (sha256 remembered in `root`/.cache against its stat, so an
    unchanged file costs a stat and a copied or touched one a single re-hash)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        sha256 = cached_sha256(path, root)
    except FileNotFoundError:
        raise PipelineError(
            _("{path}: input file not found; restore it or re-ingest it, then render again").format(path=path)
        ) from None
    except OSError as exc:
        raise PipelineError(
            _(
                "{path}: input file cannot be read ({reason}); check its permissions, then render again"
            ).format(path=path, reason=exc.strerror or exc)
        ) from None
    shown = path.name
    with contextlib.suppress(ValueError):
        shown = path.resolve().relative_to(Path(root).resolve()).as_posix()
    return FileStamp(shown, size, sha256)


def clip_stamp(project: ProjectLike, clip: Clip) -> FileStamp:
    """Ingested footage, identified by its content as it is on disk now: normally the sha256 recorded
    at ingest (found again from the hash cache: a stat, or one re-hash after a copy). A file changed
    after ingest (a disk fault, a replacement) gets another stamp, so the render is redone and
    ffmpeg reports what it finds."""
    root = project_root(project)
    return dataclasses.replace(file_stamp(root / clip.file, root=root), path=clip.file)


@functools.cache
def tool_versions(root: Path) -> ToolVersions:
    """The tools, the fonts by content (their hashes cached in the project at `root`: a project
    rendered on another machine with the same font files sees the same tools)."""
    fonts: tuple[FileStamp, ...] = ()
    with contextlib.suppress(PipelineError):  # no CJK font: burn-in will fail later with its own message
        font = find_cjk_font()
        fonts = tuple(file_stamp(p, root=root) for p in dict.fromkeys((font.regular, font.bold)))
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
