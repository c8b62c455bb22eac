"""Atomic writes and safe paths: a crash never leaves a half-written file where a good one was."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from pipeline.errors import ProjectError
from pipeline.i18n import _


def temp_sibling(path: Path) -> Path:
    """A temporary name next to `path` with the same suffix (ffmpeg picks the muxer from it)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    os.close(fd)
    os.chmod(name, 0o666 & ~current_umask())  # mkstemp makes 0600; finished files get the usual permissions
    return Path(name)


_UMASK = threading.Lock()


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back; under a lock,
    or two threads reading it at once could leave it at 0 for good)."""
    with _UMASK:
        current = os.umask(0)
        os.umask(current)
    return current


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path; rename it onto `path` only if the block completes.

    On any exception (KeyboardInterrupt included) the temporary file is removed and `path`
    is left exactly as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_sibling(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_outputs(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """`atomic_output` for several files made together (one ffmpeg run, many outputs): yield their
    temporary paths; all are renamed onto `paths` only if the block completes, else all removed."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(atomic_output(path)) for path in paths]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, data: object) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def inside(root: Path, candidate: Path) -> bool:
    """True when `candidate` (resolved, links followed) lies under `root`."""
    try:
        candidate.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def resolve_inside(root: Path, relative: str, *, what: str, allowed_roots: tuple[Path, ...] = ()) -> Path:
    """Resolve a path written in project.toml; refuse one that escapes the project (or `allowed_roots`)."""
    candidate = Path(relative)
    if not candidate.is_absolute():
        candidate = root / candidate
    for allowed in (root, *allowed_roots):
        if inside(allowed, candidate):
            return candidate.resolve()
    raise ProjectError(
        _(
            "{file}: {what} = {relative!r} points outside the project; copy the file into the project folder (or the repository's assets/) and give a relative path"
        ).format(file=root / "project.toml", what=what, relative=relative)
    )
