"""`pipeline render --draft --watch`: render the draft again whenever the edit changes.

What is watched: `cut.md`, `project.toml` and the subtitle files (approved and working) under
`subtitles/`. Every `POLL_S` the folder is stat'ed (cheap: a handful of files); a change in size
or mtime is confirmed by the content (an editor that saves without changing anything, or a sync
tool touching files, starts no render) and waited out until the files stop changing for
`SETTLE_S` (an editor writes a file in several steps; a save-all writes several files). A pass that
fails (cut.md half edited) reports its error and the loop keeps watching.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.project.model import Project

POLL_S = 0.5
SETTLE_S = 0.7

Stats = dict[str, tuple[int, int]]  # path -> (size, mtime_ns)
Digests = dict[str, str]


def watched_files(project: Project) -> list[Path]:
    """The files whose change changes the draft."""
    files = [project.cut_list, project.file]
    if project.subtitles_dir.is_dir():
        files += sorted(p for p in project.subtitles_dir.rglob("*") if p.is_file())
    return files


def stats(paths: Iterable[Path]) -> Stats:
    found: Stats = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        found[str(path)] = (st.st_size, st.st_mtime_ns)
    return found


def digests(paths: Iterable[str]) -> Digests:
    found: Digests = {}
    for path in paths:
        try:
            found[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue
    return found


@dataclass
class Watcher:
    """Decides when to render again; the clock, the sleep and the file listing are given (tests)."""

    files: Callable[[], list[Path]]
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    poll_s: float = POLL_S
    settle_s: float = SETTLE_S

    def __post_init__(self) -> None:
        self._stats = stats(self.files())
        self._digests = digests(self._stats)

    def wait_for_change(self) -> None:
        """Return once the watched files' content changed and then stayed the same for `settle_s`."""
        while True:
            self.sleep(self.poll_s)
            now = stats(self.files())
            if now == self._stats:
                continue
            now = self._settled(now)
            self._stats = now
            content = digests(now)
            if content != self._digests:
                self._digests = content
                return

    def _settled(self, now: Stats) -> Stats:
        quiet_since = self.clock()
        while self.clock() - quiet_since < self.settle_s:
            self.sleep(self.poll_s)
            later = stats(self.files())
            if later != now:
                now, quiet_since = later, self.clock()
        return now


def watch(
    render: Callable[[], object],
    watcher: Watcher,
    *,
    on_pass: Callable[[float], None],
    on_error: Callable[[PipelineError], None],
    passes: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Render, then again after every change, `passes` times (None: until Ctrl-C, which the
    caller catches: the render in progress is stopped and its partial files removed)."""
    done = 0
    while passes is None or done < passes:
        if done:
            watcher.wait_for_change()
        started = clock()
        try:
            render()
        except PipelineError as exc:
            on_error(exc)
        else:
            on_pass(clock() - started)
        done += 1
