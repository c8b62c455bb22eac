"""Shared click options and argument types, and the progress adapter the commands hand to library calls."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import click

from pipeline.i18n import N_, _
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


def cluster_options(*, scheduler_help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`--scheduler` (its help: what runs on the cluster), `--tls-ca/--tls-cert/--tls-key` and
    `--connect-timeout`: a Dask cluster of the office (see pipeline/batch/cluster.py); turn them
    into a `distributed.Security` with `cluster_security`."""
    options = (
        click.option("--scheduler", metavar="ADDRESS", default=None, help=scheduler_help),
        click.option(
            "--tls-ca",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=N_(
                "The office's CA certificate (ca.pem of `pipeline cluster certs`) for a tls:// scheduler "
                "[default: Dask's configuration]."
            ),
        ),
        click.option(
            "--tls-cert",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=N_("This client's certificate (client.pem) for a tls:// scheduler."),
        ),
        click.option(
            "--tls-key",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=N_("This client's private key (client-key.pem) for a tls:// scheduler."),
        ),
        click.option(
            "--connect-timeout",
            "connect_timeout",
            type=click.FloatRange(min=0.1),
            default=10.0,
            show_default=True,
            help=N_("Seconds to wait for the Dask scheduler (and a first worker)."),
        ),
    )

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def cluster_security(scheduler: str | None, tls_ca: Path | None, tls_cert: Path | None, tls_key: Path | None):
    """The client's TLS security for --scheduler (None for local runs and loopback tcp://); warns on plain TCP."""
    from pipeline.batch.cluster import TlsFiles, client_security, plain_tcp_warning

    given = {"--tls-ca": tls_ca, "--tls-cert": tls_cert, "--tls-key": tls_key}
    if any(given.values()) and not all(given.values()):
        missing = ", ".join(option for option, value in given.items() if value is None)
        raise click.UsageError(
            _("--tls-ca, --tls-cert and --tls-key go together; {missing} missing").format(missing=missing)
        )
    if scheduler is None:
        if any(given.values()):
            raise click.UsageError(_("--tls-ca/--tls-cert/--tls-key are for --scheduler tls://HOST:PORT"))
        return None
    warning = plain_tcp_warning(scheduler)
    if warning:
        click.echo(_("Warning: {warning}").format(warning=warning), err=True)
    tls = TlsFiles(tls_ca, tls_cert, tls_key) if tls_ca and tls_cert and tls_key else None
    return client_security(scheduler, tls)


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
