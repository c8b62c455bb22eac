"""The `pipeline` command line. Commands are thin: they call one library function each.

Library code raises PipelineError subclasses; only this module turns them into
`Error: ...` lines and exit codes (0 ok, 1 data/environment problem, 2 usage).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

import click

from pipeline import __version__
from pipeline.cli.language import PipelineCommand, TranslatedGroup, use_interface_language
from pipeline.errors import PipelineError
from pipeline.i18n import N_, _

use_interface_language()  # click's own words ("Usage:", "Error: Missing argument") in the reader's language


class PipelineGroup(TranslatedGroup):
    """Converts library errors into one `Error:` line and exit code 1 (traceback with --debug); help in
    the interface language."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except PipelineError as exc:
            _fail(ctx, str(exc))
        except KeyboardInterrupt:
            _fail(ctx, _("interrupted; finished outputs are kept, partial ones were removed"))
        except OSError as exc:
            problem = f"{exc.strerror or exc} ({exc.filename})" if exc.filename else f"{exc.strerror or exc}"
            _fail(ctx, _("{problem}; check the disk and the folder's permissions").format(problem=problem))


def _fail(ctx: click.Context, message: str) -> None:
    if debug_enabled(ctx):
        traceback.print_exc()
    click.echo(_("Error: {message}").format(message=message), err=True)
    ctx.exit(1)


def debug_enabled(ctx: click.Context | None = None) -> bool:
    ctx = ctx or click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return bool(root and root.params.get("debug")) or os.environ.get("PIPELINE_DEBUG") == "1"


@click.group(
    cls=PipelineGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "Micro-video production pipeline: footage in, finished episodes for web, WeChat and Channels out."
    ),
)
@click.option("--debug", is_flag=True, help=N_("Show tracebacks and the ffmpeg commands being run."))
@click.version_option(__version__, prog_name="pipeline")
def cli(debug: bool) -> None:
    """The root of every command: sets up --debug logging."""
    if debug or os.environ.get("PIPELINE_DEBUG") == "1":
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s: %(message)s")


def _register() -> None:
    # one module per command group; each exposes `register(cli)`
    from pipeline.cli import (
        batch_cmds,
        cluster_cmds,
        consent_cmds,
        demo_cmds,
        edit_cmds,
        project_cmds,
        publish_cmds,
        render_cmds,
        review_cmds,
        subs_cmds,
        transcribe_cmds,
    )

    for module in (
        project_cmds,
        transcribe_cmds,
        subs_cmds,
        review_cmds,
        edit_cmds,
        consent_cmds,
        render_cmds,
        batch_cmds,
        publish_cmds,
        cluster_cmds,
        demo_cmds,
    ):
        module.register(cli)


_register()


__all__ = ["PipelineCommand", "PipelineGroup", "cli", "main"]


def main() -> None:
    cli(prog_name="pipeline")
