"""Progress bars: rich on a terminal, silent otherwise (cron, CI, tests)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


def interactive() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(description: str, total: float, *, unit: str = "s") -> Iterator[Callable[[float], None]]:
    """Yield `update(done)` where `done` counts in the same unit as `total` (absolute, not increments)."""
    if not interactive() or total <= 0:
        yield lambda done: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} " + unit),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=min(done, total))


def ms_to_seconds(update: Callable[[float], None]) -> Callable[[int], None]:
    """Adapt a seconds-based update to the ffmpeg runner's millisecond callback."""
    return lambda ms: update(ms / 1000)
