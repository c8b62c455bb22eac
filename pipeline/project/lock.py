"""One writer at a time: `pipeline render` locks its project, `pipeline batch` its root folder.

Two renders of one project at once would write the same exports and clear each other's temporary
files; two batches on one root would also race on the week's summary. The lock is an `flock` on a
small file: the kernel drops it when the holder exits, however it exits, so a killed run never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import ProjectError
from pipeline.i18n import _


@contextlib.contextmanager
def exclusive(path: Path, *, what: str, where: Path) -> Iterator[None]:
    """Hold the lock file `path` for the block; refuse at once when another process holds it.

    `what` names the command and `where` the folder it works on, for the refusal.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise ProjectError(
                _(
                    "{where}: another {what} is running on it (pid {holder}); wait for it to finish, or stop it, and run again"
                ).format(where=where, what=what, holder=holder)
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
