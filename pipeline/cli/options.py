"""Shared click options and argument types, and the progress adapter the commands hand to library calls."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import click

from pipeline.i18n import N_
from pipeline.progress import progress_bar
from pipeline.render.platforms import platform_names

project_dir = click.argument("project_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))


# the help of --platform by what no --platform means (one whole sentence each, for the catalog)
PLATFORMS_HELP = {
    "each project's platforms": N_(
        "Render only this platform (repeat for several) [default: each project's platforms]."
    ),
    "the project's platforms": N_(
        "Render only this platform (repeat for several) [default: the project's platforms]."
    ),
    "the project's platforms; with --draft, web": N_(
        "Render only this platform (repeat for several) [default: the project's platforms; with --draft, web]."
    ),
}


def platforms_option(*, default: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`--platform` (repeatable) into `platforms`; `default` says what no --platform means (a key of
    PLATFORMS_HELP)."""
    return click.option(
        "--platform",
        "platforms",
        multiple=True,
        type=click.Choice(platform_names()),
        help=PLATFORMS_HELP[default],
    )


def draft_option(*, help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`--draft`: fast low-resolution previews; `help` says where they go."""
    return click.option("--draft", is_flag=True, help=help)


class ProgressAdapter:
    """A library's `progress(done, total)` callback drawn as one bar, opened when the total is
    first reported (a render knows it after planning, a batch after discovery). Use as a context
    manager so the bar is closed however the call ends."""

    def __init__(self, description: str, *, unit: str = "s") -> None:
        self._description = description
        self._unit = unit
        self._stack = contextlib.ExitStack()
        self._update: Callable[[float], None] | None = None

    def __call__(self, done: float, total: float) -> None:
        if self._update is None:
            self._update = self._stack.enter_context(progress_bar(self._description, total, unit=self._unit))
        self._update(done)

    def __enter__(self) -> ProgressAdapter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()
