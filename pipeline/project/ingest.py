"""`pipeline ingest`: bring footage into a project, all or nothing.

Every file is checked first (exists, non-empty, probes as media with the streams its role needs,
not truncated); only then is anything copied. Copies land under a temporary name and are renamed;
the footage index is written last, atomically. If any step fails, the files this run created are
removed and the project is exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import MediaError, ProjectError
from pipeline.media.probe import MediaFacts, probe
from pipeline.media.runner import run_ffmpeg
from pipeline.project.digest import remember_sha256, sha256_file
from pipeline.project.files import atomic_output, temp_sibling
from pipeline.project.footage import ID_PREFIX, ROLES, Clip, load_footage, save_footage, speech_audio_path
from pipeline.project.model import Project

LINK_MODES = ("copy", "hard", "soft")


@dataclass(frozen=True, slots=True)
class Offered:
    """A file offered for ingest, checked and hashed, not yet copied."""

    source: Path
    facts: MediaFacts
    sha256: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    added: tuple[Clip, ...]
    already: tuple[tuple[Path, str], ...]  # (file offered, clip id it already is)


def check_role(path: Path, facts: MediaFacts, role: str) -> None:
    """Refuse a file that cannot serve its role, naming the file and what to do."""
    if role == "interview":
        if facts.video is None:
            raise MediaError(
                f"{path}: audio only, but interview clips need picture; "
                "ingest it with --role music, or offer the camera file"
            )
        if facts.audio is None:
            raise MediaError(
                f"{path}: has no audio track, but interview clips need the narration; "
                "ingest it with --role broll, or offer the file with sound"
            )
    elif role == "broll":
        if facts.video is None:
            raise MediaError(f"{path}: has no picture; B-roll needs video (music goes in with --role music)")
    elif role == "music":
        if facts.audio is None:
            raise MediaError(f"{path}: has no audio track; a music bed needs sound")
    else:  # pragma: no cover - click restricts the choice
        raise MediaError(f"unknown role {role!r}; use {', '.join(ROLES)}")


def examine(
    files: Sequence[Path], role: str, hash_progress: Callable[[int], None] | None = None
) -> list[Offered]:
    """Check every offered file before anything is written."""
    offered = []
    for file in files:
        file = Path(file)
        facts = probe(file)
        check_role(file, facts, role)
        try:
            digest = sha256_file(file, hash_progress)
        except OSError as exc:
            raise MediaError(
                f"{file}: cannot be read ({exc.strerror}); check the file and its permissions"
            ) from None
        offered.append(Offered(file, facts, digest))
    return offered


def ingest(
    project: Project,
    files: Sequence[Path],
    *,
    role: str = "interview",
    link: str = "copy",
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    if link not in LINK_MODES:
        raise ValueError(f"link must be one of {LINK_MODES}")
    if not files:
        raise MediaError("no files given; name the footage files to ingest")
    _check_project_writable(project)
    existing = load_footage(project)
    by_hash = {c.sha256: c.clip_id for c in existing}
    offered = examine(files, role, progress)

    already: list[tuple[Path, str]] = []
    fresh: list[Offered] = []
    for item in offered:
        if item.sha256 in by_hash:
            already.append((item.source, by_hash[item.sha256]))
        elif any(o.sha256 == item.sha256 for o in fresh):
            already.append((item.source, "(same content offered twice)"))
        else:
            fresh.append(item)

    created: list[Path] = []
    added: list[Clip] = []
    try:
        next_number = _next_number(existing, role)
        for item in fresh:
            clip_id = f"{ID_PREFIX[role]}-{next_number:03d}"
            next_number += 1
            target = project.footage_dir / f"{clip_id}{item.source.suffix.lower()}"
            mode = _place(item.source, target, link)
            remember_sha256(target, project.root, item.sha256)  # issue 18: the first render only stats it
            created.append(target)
            clip = Clip(
                clip_id=clip_id,
                role=role,
                file=str(target.relative_to(project.root)),
                original_name=item.source.name,
                source_path=str(item.source.resolve()),
                sha256=item.sha256,
                facts=item.facts,
                ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                linked="" if mode == "copy" else mode,
            )
            if role == "interview":
                wav = extract_speech_audio(project, clip)
                created.append(wav)
            added.append(clip)
        if added:
            save_footage(project, existing + tuple(added))
    except BaseException:
        for path in created:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        raise
    return IngestReport(tuple(added), tuple(already))


def speech_audio_args(source: Path, target: Path) -> list[str]:
    """ffmpeg arguments for the speech model's input: the first audio stream, mono, 16 kHz, 16-bit."""
    return [
        "-y",
        "-i",
        str(source),
        "-map",
        "0:a:0",
        "-vn",
        "-ac",
        "1",
        "-ar",
        "16000",
        "-c:a",
        "pcm_s16le",
        str(target),
    ]


def extract_speech_audio(project: Project, clip: Clip) -> Path:
    """16 kHz mono WAV of an interview clip, for the speech model (derived: lives in .cache)."""
    wav = speech_audio_path(project, clip.clip_id)
    with atomic_output(wav) as tmp:
        run_ffmpeg(
            speech_audio_args(clip.path(project), tmp),
            outputs=[tmp],
            what=f"extracting the speech audio of {clip.clip_id}",
        )
    return wav


def _place(source: Path, target: Path, link: str) -> str:
    """Copy (or link) `source` to `target`; returns the mode used. Never leaves a partial file."""
    if target.exists():
        raise ProjectError(
            f"{target}: already exists but is not in the footage index; "
            "move it out of footage/ and ingest again"
        )
    if link == "hard":
        try:
            os.link(source, target)
            return "hard"
        except OSError:
            link = "soft"  # another file system: fall back to a symbolic link
    if link == "soft":
        os.symlink(source.resolve(), target)
        return "soft"
    with atomic_output(target) as tmp:
        shutil.copyfile(source, tmp)
        if tmp.stat().st_size != source.stat().st_size:
            raise MediaError(f"{source}: copy came out short; check the disk space and try again")
        os.chmod(tmp, 0o444)  # footage is never modified after ingest
    return "copy"


def _next_number(existing: Sequence[Clip], role: str) -> int:
    prefix = ID_PREFIX[role] + "-"
    numbers = [
        int(c.clip_id[len(prefix) :])
        for c in existing
        if c.clip_id.startswith(prefix) and c.clip_id[len(prefix) :].isdigit()
    ]
    return max(numbers, default=0) + 1


def _check_project_writable(project: Project) -> None:
    footage = project.footage_dir
    if footage.exists() and not footage.is_dir():
        raise ProjectError(
            f"{footage}: is a file, but must be the footage folder; move it away and try again"
        )
    try:
        footage.mkdir(exist_ok=True)
        probe_file = temp_sibling(footage / "write-check")
        probe_file.unlink()
    except OSError as exc:
        raise ProjectError(
            f"{footage}: cannot write into the project ({exc.strerror}); "
            "check the folder's permissions and free space"
        ) from None
