"""Review command: `pipeline review DIR` serves the producers' subtitle review page."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from pipeline.cli.language import PipelineCommand
from pipeline.cli.options import project_dir
from pipeline.i18n import N_, _


@click.command(
    "review",
    cls=PipelineCommand,
    help=N_(
        "Serve the review page where producers watch, correct and approve the subtitle drafts.\n\n"
        "Edits go to subtitles/<clip>.srt (never the machine draft); approval is recorded exactly as `pipeline subs approve` does. Stop with Ctrl-C."
    ),
)
@project_dir
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default="a free port",
    help=N_("Port to listen on; 0 or nothing picks a free one."),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_(
        "Address to listen on. Keep the default (this computer only) unless the office network "
        "is trusted: the page lets anyone who reaches it edit and approve subtitles."
    ),
)
@click.option(
    "--no-browser", is_flag=True, help=N_("Do not open the page in the web browser; just print its address.")
)
def review_cmd(project_dir: Path, port: int, host: str, no_browser: bool) -> None:
    from pipeline.review.server import open_review

    server = open_review(project_dir, host=host, port=port)
    if not server.loopback_only:
        click.echo(
            _(
                "Warning: listening on {host}, not only this computer: anyone on the network who can reach it can edit and approve subtitles."
            ).format(host=host),
            err=True,
        )
    click.echo(_("Review page: {url}  (Ctrl-C to stop)").format(url=server.url))
    if not no_browser:
        webbrowser.open(server.url)
    server.serve_until_stopped()
    click.echo(_("Review server stopped."))


def register(cli: click.Group) -> None:
    cli.add_command(review_cmd)
