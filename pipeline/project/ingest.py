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
from pipeline.i18n import _
from pipeline.media.channels import channel_warnings, check_choice, pan_filter
from pipeline.media.probe import MediaFacts, probe
from pipeline.media.runner import run_ffmpeg
from pipeline.media.spanned import concat_list, group_spanned, join_args
from pipeline.project.digest import remember_sha256, sha256_file
from pipeline.project.files import atomic_output, atomic_write_bytes, temp_sibling
from pipeline.project.footage import ID_PREFIX, ROLES, Clip, load_footage, save_footage, speech_audio_path
from pipeline.project.model import AudioRouting, Project
from pipeline.project.toml_edit import set_audio_routing

LINK_MODES = ("copy", "hard", "soft")


@dataclass(frozen=True, slots=True)
class Offered:
    """A file offered for ingest, checked and hashed, not yet copied."""

    source: Path
    facts: MediaFacts
    sha256: str
    parts: tuple[Offered, ...] = ()  # a spanned recording joined from these files (source is the join)


@dataclass(frozen=True, slots=True)
class IngestReport:
    added: tuple[Clip, ...]
    already: tuple[tuple[Path, str], ...]  # (file offered, clip id it already is)
    warnings: tuple[str, ...] = ()  # what the editor should check (a silent channel, two microphones)


def check_role(path: Path, facts: MediaFacts, role: str) -> None:
    """Refuse a file that cannot serve its role, naming the file and what to do."""
    if role == "interview":
        if facts.video is None:
            raise MediaError(
                _(
                    "{path}: audio only, but interview clips need picture; ingest it with --role music, or offer the camera file"
                ).format(path=path)
            )
        if facts.audio is None:
            raise MediaError(
                _(
                    "{path}: has no audio track, but interview clips need the narration; ingest it with --role broll, or offer the file with sound"
                ).format(path=path)
            )
    elif role == "broll":
        if facts.video is None:
            raise MediaError(
                _("{path}: has no picture; B-roll needs video (music goes in with --role music)").format(
                    path=path
                )
            )
    elif role == "music":
        if facts.audio is None:
            raise MediaError(_("{path}: has no audio track; a music bed needs sound").format(path=path))
    else:  # pragma: no cover - click restricts the choice
        raise MediaError(_("unknown role {role!r}; use {roles}").format(role=role, roles=", ".join(ROLES)))


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
                _("{file}: cannot be read ({strerror}); check the file and its permissions").format(
                    file=file, strerror=exc.strerror
                )
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
    audio: AudioRouting | None = None,
    join: bool = True,
) -> IngestReport:
    """`audio`: which audio stream and channel of every file is the speech (1-based; channel 0 =
    the stream's channels mixed), recorded in project.toml as `[audio.<clip id>]` when not the default.
    `join`: files continuing one camera recording (AVCHD/XAVC spanning) become one clip."""
    audio = audio or AudioRouting()
    if link not in LINK_MODES:
        raise ValueError(f"link must be one of {LINK_MODES}")  # a programming error, not the user's
    if not files:
        raise MediaError(_("no files given; name the footage files to ingest"))
    _check_project_writable(project)
    existing = load_footage(project)
    by_hash = {c.sha256: c.clip_id for c in existing}
    offered = examine(files, role, progress)
    _check_audio_choice(offered, role, audio)

    already: list[tuple[Path, str]] = []
    fresh: list[Offered] = []
    joined: list[Path] = []  # temporary joins under .cache/join/, moved into footage/ when added
    try:
        if join:
            offered = _join_spanned(project, offered, existing, already, joined)
    except BaseException:
        for path in joined:
            path.unlink(missing_ok=True)
        raise
    for item in offered:
        if item.sha256 in by_hash:
            already.append((item.source, by_hash[item.sha256]))
        elif any(o.sha256 == item.sha256 for o in fresh):
            already.append((item.source, _("(same content offered twice)")))
        else:
            fresh.append(item)

    created: list[Path] = []
    added: list[Clip] = []
    settings = project.file.read_bytes()  # put back if the run fails after recording an audio choice
    try:
        next_number = _next_number(existing, role)
        for item in fresh:
            clip_id = f"{ID_PREFIX[role]}-{next_number:03d}"
            next_number += 1
            first = item.parts[0].source if item.parts else item.source
            target = project.footage_dir / f"{clip_id}{first.suffix.lower()}"
            mode = _place_joined(item.source, target) if item.parts else _place(item.source, target, link)
            remember_sha256(target, project.root, item.sha256)  # the first render then only stats it
            created.append(target)
            clip = Clip(
                clip_id=clip_id,
                role=role,
                file=str(target.relative_to(project.root)),
                original_name=" + ".join(p.source.name for p in item.parts) or item.source.name,
                source_path=str(first.resolve()),
                sha256=item.sha256,
                facts=item.facts,
                ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                linked="" if mode == "copy" else mode,
                parts=tuple((p.source.name, p.sha256) for p in item.parts),
            )
            if role == "interview":
                wav = extract_speech_audio(project, clip, audio)
                created.append(wav)
            added.append(clip)
        if added:
            _record_audio_choice(project, added, role, audio)
            save_footage(project, existing + tuple(added))
    except BaseException:
        for path in created:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if project.file.read_bytes() != settings:
            atomic_write_bytes(project.file, settings)
        raise
    finally:
        for path in joined:  # moved into footage/ when added; otherwise not needed
            path.unlink(missing_ok=True)
    return IngestReport(tuple(added), tuple(already), _audio_warnings(project, added, role, audio))


def _join_spanned(
    project: Project,
    offered: Sequence[Offered],
    existing: Sequence[Clip],
    already: list[tuple[Path, str]],
    created: list[Path],
) -> list[Offered]:
    """Files continuing one recording, joined (stream copy) into one offered file under .cache/join/."""
    groups = group_spanned([(o.source, o.facts) for o in offered])
    known = {sha: clip.clip_id for clip in existing for _name, sha in clip.parts}
    result: list[Offered] = []
    for group in groups:
        items = tuple(offered[i] for i in group)
        if len(items) == 1:
            result.append(items[0])
        elif all(item.sha256 in known for item in items):
            already += [(item.source, known[item.sha256]) for item in items]
        else:
            joined = join_parts(project, items)
            created.append(joined)
            result.append(Offered(joined, probe(joined), sha256_file(joined), parts=items))
    return result


def join_parts(project: Project, parts: Sequence[Offered]) -> Path:
    """The parts joined without re-encoding into .cache/join/ (moved into footage/ by the caller)."""
    folder = project.cache_dir / "join"
    folder.mkdir(parents=True, exist_ok=True)
    target = temp_sibling(folder / f"joined{parts[0].source.suffix.lower()}")
    listing = temp_sibling(folder / "parts.txt")
    listing.write_text(concat_list([p.source for p in parts]), "utf-8")
    try:
        run_ffmpeg(
            join_args(listing, target, parts[0].facts),
            outputs=[target],
            what=_("joining the spanned recording {first} to {last}").format(
                first=parts[0].source.name, last=parts[-1].source.name
            ),
        )
    finally:
        listing.unlink(missing_ok=True)
    return target


def _place_joined(joined: Path, target: Path) -> str:
    """Move a joined recording (made by this run, on the project's disk) into footage/."""
    if target.exists():
        raise ProjectError(
            _(
                "{target}: already exists but is not in the footage index; move it out of footage/ and ingest again"
            ).format(target=target)
        )
    os.chmod(joined, 0o444)  # footage is never modified after ingest
    os.replace(joined, target)
    return "copy"


def _check_audio_choice(offered: Sequence[Offered], role: str, audio: AudioRouting) -> None:
    if role == "interview" and not audio.is_default:
        for item in offered:
            check_choice(item.source, item.facts, audio.stream, audio.channel)


def _record_audio_choice(project: Project, added: Sequence[Clip], role: str, audio: AudioRouting) -> None:
    """The chosen stream/channel into project.toml (where the editors can change it later)."""
    if role == "interview" and not audio.is_default:
        for clip in added:
            project = set_audio_routing(project, clip.clip_id, audio)


def _audio_warnings(
    project: Project, added: Sequence[Clip], role: str, audio: AudioRouting
) -> tuple[str, ...]:
    """Interview clips whose channels are mixed: warn when one is near-silent or they are two microphones."""
    if role != "interview" or audio.channel:
        return ()
    warnings: list[str] = []
    for clip in added:
        scratch = temp_sibling(project.cache_dir / "audio" / f"{clip.clip_id}-check.f32")
        name = f"{clip.clip_id} ({clip.original_name})"
        warnings += channel_warnings(
            clip.path(project), clip.facts, audio.stream, clip.clip_id, scratch, name
        )
    return tuple(warnings)


def extract_speech_audio(project: Project, clip: Clip, routing: AudioRouting | None = None) -> Path:
    """16 kHz mono WAV of an interview clip, for the speech model (derived: lives in .cache): the
    chosen channel of the chosen audio stream, or the stream's channels mixed (5.1: centre at full)."""
    routing = routing or project.audio_routing(clip.clip_id)
    wav = speech_audio_path(project, clip.clip_id, routing)
    with atomic_output(wav) as tmp:
        run_ffmpeg(
            speech_args(clip.path(project), tmp, clip.facts, routing),
            outputs=[tmp],
            what=_("extracting the speech audio of {clip}").format(clip=clip.clip_id),
        )
    return wav


def speech_args(source: Path, target: Path, facts: MediaFacts, routing: AudioRouting) -> list[str]:
    """ffmpeg arguments of the speech WAV (pure)."""
    streams = facts.audio_streams or ((facts.audio,) if facts.audio else ())
    channels = streams[routing.stream - 1].channels if routing.stream <= len(streams) else 1
    mix = pan_filter(channels, routing.channel) if channels > 1 else "anull"
    return [
        "-y",
        "-i",
        str(source),
        "-map",
        f"0:a:{routing.stream - 1}",
        "-vn",
        "-af",
        mix,
        "-ac",
        "1",
        "-ar",
        "16000",
        "-c:a",
        "pcm_s16le",
        str(target),
    ]


def _place(source: Path, target: Path, link: str) -> str:
    """Copy (or link) `source` to `target`; returns the mode used. Never leaves a partial file."""
    if target.exists():
        raise ProjectError(
            _(
                "{target}: already exists but is not in the footage index; move it out of footage/ and ingest again"
            ).format(target=target)
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
            raise MediaError(
                _("{source}: copy came out short; check the disk space and try again").format(source=source)
            )
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
            _("{footage}: is a file, but must be the footage folder; move it away and try again").format(
                footage=footage
            )
        )
    try:
        footage.mkdir(exist_ok=True)
        probe_file = temp_sibling(footage / "write-check")
        probe_file.unlink()
    except OSError as exc:
        raise ProjectError(
            _(
                "{footage}: cannot write into the project ({strerror}); check the folder's permissions and free space"
            ).format(footage=footage, strerror=exc.strerror)
        ) from None
