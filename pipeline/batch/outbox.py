"""One finished episode packaged for publishing: `outbox/<week>/<episode>/`.

    <episode>/web/…mp4, .srt, .vtt, -poster.jpg      the platform files, covers, sidecar subtitles
    <episode>/wechat/…  <episode>/channels/…
    <episode>/publish.json                            title, digest, author, covers, approvals,
                                                      QC figures, sha256 of every file

Files are hard links to the exports when the outbox is on the same file system (no second copy of
the video; the render replaces exports by renaming, so a link keeps the bytes it was made with),
copies otherwise. The package is assembled under a temporary name beside its final place and
renamed into it, so an outbox never holds half a package; a package whose recorded content
(every file's sha256 and the publish record) already matches is left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.batch.publish import PublishText, publish_text, story_paragraphs
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.project.digest import sha256_file
from pipeline.project.files import atomic_write_json, current_umask
from pipeline.project.lock import exclusive
from pipeline.project.model import Project
from pipeline.render.engine import RenderReport
from pipeline.render.manifest import ManifestEntry, manifest_path, now_utc
from pipeline.subtitles import store
from pipeline.subtitles.cue import Cue

PUBLISH_FILE = "publish.json"
PUBLISH_VERSION = 1
PACKAGED_AT = "packaged_at"  # the one field that may differ between equal packages
# written by `pipeline publish` into the package; kept when the package is rebuilt
PUBLISHED_FILE = "published.json"
PUBLISH_LOCK = ".publish.lock"  # held while `pipeline publish` works on the package


@dataclass(frozen=True, slots=True)
class PackageFile:
    name: str  # inside the package, "/" separators: "web/我是党员-01-驻村路上.mp4"
    source: Path
    sha256: str


@dataclass(frozen=True, slots=True)
class Package:
    folder: Path
    changed: bool  # False: the package on disk already held exactly this content
    notes: tuple[str, ...] = ()  # what was fitted to the platform's limits (a shortened title...)


def package_episode(
    project: Project, report: RenderReport, cues: Sequence[Cue], folder: Path, *, draft: bool = False
) -> Package:
    """Package the outputs of `report` (with their covers and sidecars) into `folder`.

    `cues`: the episode's subtitles in output time (the digest quotes their first sentences).
    """
    _remove_leftovers(folder)
    entries = _measured_entries(project, report)
    files = package_files(project, entries)
    text = publish_text(project, cues)
    record = publish_record(project, entries, files, text, draft=draft, story=story_paragraphs(cues))
    if package_matches(folder, record, files):
        return Package(folder, False, text.notes)
    _assemble(folder, files, record)
    return Package(folder, True, text.notes)


def package_files(project: Project, entries: Sequence[ManifestEntry]) -> tuple[PackageFile, ...]:
    """Every file the outputs deliver, named `<platform>/<file name>`, with its sha256."""
    sources: dict[str, Path] = {}
    for entry in entries:
        paths = [
            entry.path,
            *(c.path for c in entry.covers),
            *(entry.subtitles.sidecars if entry.subtitles else ()),
        ]
        for relative in paths:
            name = package_name(entry.platform, relative)
            source = project.root / relative
            if sources.setdefault(name, source) != source:
                raise RenderError(
                    _(
                        "{manifest_path}: {sources} and {source} would both be {name} in the package; give the outputs distinct names"
                    ).format(
                        manifest_path=manifest_path(project), sources=sources[name], source=source, name=name
                    )
                )
    missing = [str(path) for path in sources.values() if not path.is_file()]
    if missing:
        raise RenderError(
            _("{missing}: listed in {manifest_path} but missing; run `pipeline render {root}` again").format(
                missing=missing[0], manifest_path=manifest_path(project), root=project.root
            )
        )
    return tuple(PackageFile(name, path, sha256_file(path)) for name, path in sorted(sources.items()))


def package_name(platform: str, relative: str) -> str:
    return f"{platform}/{Path(relative).name}"


def publish_record(
    project: Project,
    entries: Sequence[ManifestEntry],
    files: Sequence[PackageFile],
    text: PublishText,
    *,
    draft: bool,
    story: Sequence[str] = (),
) -> dict[str, Any]:
    """`publish.json` without its time stamp, as plain JSON data."""
    episode, subject = project.episode, project.subject
    approvals = store.load_approvals(project)
    videos, covers = [], []
    for entry in entries:
        figures = entry.to_dict()
        videos.append(
            {
                "platform": entry.platform,
                "variant": entry.variant,
                "file": package_name(entry.platform, entry.path),
                **{
                    key: figures[key]
                    for key in (
                        "duration_s",
                        "size_bytes",
                        "width",
                        "height",
                        "video_codec",
                        "audio_codec",
                        "loudness_lufs",
                        "true_peak_dbtp",
                    )
                },
                "subtitles": None
                if entry.subtitles is None
                else {
                    "burned_in": entry.subtitles.burned_in,
                    "sidecars": [package_name(entry.platform, s) for s in entry.subtitles.sidecars],
                },
                "problems": [p.message for p in entry.problems],
            }
        )
        covers += [
            {
                "platform": entry.platform,
                "name": c.name,
                "file": package_name(entry.platform, c.path),
                "width": c.width,
                "height": c.height,
                "size_bytes": c.size_bytes,
            }
            for c in entry.covers
        ]
    record = {
        "publish_version": PUBLISH_VERSION,
        "draft": draft,
        "episode": {
            "series": episode.series,
            "number": episode.number,
            "title": episode.title,
            "week": episode.week,
            "subject": {"name": subject.name, "role": subject.role, "unit": subject.unit},
        },
        "title": text.title.text,
        "digest": text.digest.text,
        "author": text.author.text,
        "notes": list(text.notes),
        # what the article and the website page say: the story in paragraphs, the credits, comments
        "story": list(story),
        "credits": [{"role": c.role, "name": c.name} for c in project.credits],
        "comments": {
            "open": project.publish.comments,
            "fans_only": project.publish.comments_fans_only,
        },
        "covers": covers,
        "approvals": [
            {
                "clip_id": a.clip_id,
                "file": a.file,
                "sha256": a.sha256,
                "by": a.by,
                "at": a.at,
                "forced_reason": a.forced_reason,
            }
            for _key, a in sorted(approvals.items())
        ],
        # who is on screen and their consent: name, consent, at, by, form (a file in the project)
        "consent": [person.record() for person in project.people],
        "qc": videos,
        "files": {f.name: f.sha256 for f in files},
    }
    return json.loads(json.dumps(record, ensure_ascii=False))  # the shape it has when read back


def package_matches(folder: Path, record: dict[str, Any], files: Sequence[PackageFile]) -> bool:
    """True when `folder` holds exactly `files` (same bytes) and a publish record equal to `record`."""
    try:
        existing = json.loads((folder / PUBLISH_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(existing, dict):
        return False
    existing.pop(PACKAGED_AT, None)
    if existing != record:
        return False
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    present -= {PUBLISHED_FILE, PUBLISH_LOCK}
    if present != {f.name for f in files} | {PUBLISH_FILE}:
        return False
    for f in files:
        target = folder / f.name
        with contextlib.suppress(OSError):
            if os.path.samefile(target, f.source):
                continue  # the hard link made last time: the very bytes just hashed
        if sha256_file(target) != f.sha256:
            return False
    return True


def _measured_entries(project: Project, report: RenderReport) -> tuple[ManifestEntry, ...]:
    entries = []
    for output in report.outputs:
        if output.entry is None:
            raise RenderError(
                _("{manifest_path}: no figures for {path}; run `pipeline render {root} --force`").format(
                    manifest_path=manifest_path(project), path=output.path, root=project.root
                )
            )
        if output.entry.problems:
            raise RenderError(output.entry.problems[0].message)
        entries.append(output.entry)
    return tuple(entries)


def _assemble(folder: Path, files: Sequence[PackageFile], record: dict[str, Any]) -> None:
    """Build the package beside `folder` under a temporary name, then swap it in."""
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.part-", dir=parent))
    try:
        os.chmod(building, 0o777 & ~current_umask())  # mkdtemp makes 0700; a package is for others to read
        for f in files:
            target = building / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            _place(f.source, target)
        atomic_write_json(building / PUBLISH_FILE, {**record, PACKAGED_AT: now_utc()})
        if folder.exists():
            # `pipeline publish` records each step in the package's published.json: a publish saving
            # into the old folder after the copy below would be lost with it (and its rerun would
            # make a second draft), so the copy and the swap wait for no publish, like a publish
            with exclusive(folder / PUBLISH_LOCK, what="pipeline publish", where=folder):
                with contextlib.suppress(FileNotFoundError):  # what was published stays recorded
                    shutil.copy2(folder / PUBLISHED_FILE, building / PUBLISHED_FILE)
                # a folder cannot be renamed over a non-empty one: move the old package aside first
                old = parent / f".{folder.name}.old-{uuid.uuid4().hex[:8]}"
                os.rename(folder, old)
                os.rename(building, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(building, folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _place(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


def _remove_leftovers(folder: Path) -> None:
    """Temporary folders of an earlier run that was killed while packaging this episode."""
    for pattern in (f".{folder.name}.part-*", f".{folder.name}.old-*"):
        for leftover in folder.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
