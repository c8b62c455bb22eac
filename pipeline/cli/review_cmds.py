"""Review command: `pipeline review DIR` serves the producers' subtitle review page."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from pipeline.cli.options import project_dir


@click.command("review")
@project_dir
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default="a free port",
    help="Port to listen on; 0 or nothing picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep the default (this computer only) unless the office network "
    "is trusted: the page lets anyone who reaches it edit and approve subtitles.",
)
@click.option(
    "--no-browser", is_flag=True, help="Do not open the page in the web browser; just print its address."
)
def review_cmd(project_dir: Path, port: int, host: str, no_browser: bool) -> None:
    """Serve the review page where producers watch, correct and approve the subtitle drafts.

    Edits go to subtitles/<clip>.srt (never the machine draft); approval is recorded exactly as
    `pipeline subs approve` does. Stop with Ctrl-C.
    """
    from pipeline.review.server import open_review

    server = open_review(project_dir, host=host, port=port)
    if not server.loopback_only:
        click.echo(
            f"Warning: listening on {host}, not only this computer: anyone on the network "
            "who can reach it can edit and approve subtitles.",
            err=True,
        )
    click.echo(f"Review page: {server.url}  (Ctrl-C to stop)")
    if not no_browser:
        webbrowser.open(server.url)
    server.serve_until_stopped()
    click.echo("Review server stopped.")


def register(cli: click.Group) -> None:
    cli.add_command(review_cmd)
