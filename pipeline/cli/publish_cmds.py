"""Publish command: an outbox episode onto the WeChat official account or the office website."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.language import PipelineCommand
from pipeline.i18n import N_, _


def publish_options(func):
    """--site, --site-url, --submit, --dry-run, --credentials: shared by publish and batch."""
    for decorator in reversed(
        (
            click.option(
                "--site",
                "site_dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help=N_("The website folder for --to site (made when missing; copy it to any web server)."),
            ),
            click.option(
                "--site-url",
                metavar="URL",
                default=None,
                help=N_(
                    "The address the website folder is served at (https://.../); makes the feed, "
                    "sitemap and Open Graph links absolute. Remembered in the site folder."
                ),
            ),
            click.option(
                "--submit",
                is_flag=True,
                help=N_(
                    "WeChat: also publish the draft (freepublish) and wait until WeChat says it is out. "
                    "Without it nothing reaches followers."
                ),
            ),
            click.option(
                "--dry-run",
                is_flag=True,
                help=N_("WeChat: check every file and field against WeChat's limits; send nothing."),
            ),
            click.option(
                "--credentials",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help=N_(
                    'TOML file with appid = "..." and secret = "..." (mode 600), used when '
                    "WECHAT_APPID / WECHAT_APPSECRET are not set."
                ),
            ),
            click.option("--poll-interval", type=float, default=5.0, hidden=True),
            click.option("--poll-timeout", type=click.FloatRange(min=0), default=600.0, hidden=True),
            click.option("--retry-backoff", type=float, default=1.0, hidden=True),
        )
    ):
        func = decorator(func)
    return func


def make_request(target: str, **options):
    from pipeline.publish.run import PublishRequest, check_request

    request = PublishRequest(
        target=target,
        site=options["site_dir"],
        site_url=options["site_url"],
        submit=options["submit"],
        dry_run=options["dry_run"],
        credentials=options["credentials"],
        poll_interval_s=options["poll_interval"],
        poll_timeout_s=options["poll_timeout"],
        backoff_s=options["retry_backoff"],
    )
    check_request(request)
    return request


def run_publish(folder: Path, request) -> None:
    from pipeline.publish.run import publish_episode

    publish_episode(
        folder,
        request,
        say=click.echo,
        note=lambda line: click.echo(_("Note: {line}").format(line=line), err=True),
    )


@click.command(
    "publish",
    cls=PipelineCommand,
    help=N_(
        "Publish an outbox episode on the WeChat official account or the website.\n\n"
        "EPISODE is a package made by `pipeline batch` (ROOT/outbox/<week>/<episode>/).\n\n"
        "WeChat credentials come from WECHAT_APPID and WECHAT_APPSECRET (PIPELINE_WECHAT_API overrides the API address). What was done is recorded in EPISODE/published.json: a rerun continues where it stopped and never makes a second draft or uploads an unchanged file again."
    ),
)
@click.argument("episode", metavar="EPISODE", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--to",
    "target",
    type=click.Choice(["wechat", "site"]),
    required=True,
    help=N_(
        "wechat: the official account (a draft; --submit publishes it). site: the static website in --site DIR."
    ),
)
@publish_options
def publish_cmd(episode: Path, target: str, **options) -> None:
    run_publish(episode, make_request(target, **options))


def register(cli: click.Group) -> None:
    cli.add_command(publish_cmd)


def batch_publish_options(func):
    """`pipeline batch ... --publish wechat --publish site --site DIR`."""
    func = publish_options(func)
    return click.option(
        "--publish",
        "publish_targets",
        multiple=True,
        type=click.Choice(["wechat", "site"]),
        help=N_(
            "Also publish each packaged episode: wechat (a draft; --submit publishes it) and/or site "
            "(with --site DIR). Repeat for both."
        ),
    )(func)


def publish_requests(targets: tuple[str, ...], options: dict) -> list:
    """The checked requests for `batch --publish` (before anything is rendered)."""
    return [make_request(target, **options) for target in dict.fromkeys(targets)]


def publish_batch(report, requests: list) -> int:
    """Publish every episode `report` packaged to each target; returns how many publishes failed.

    One episode's failure does not stop the others; each is reported on its own line."""
    from pipeline.errors import PipelineError

    failed = 0
    for result in report.results:
        if result.failed or not getattr(result, "package", ""):
            continue
        for request in requests:
            try:
                run_publish(Path(result.package), request)
            except PipelineError as exc:
                failed += 1
                click.echo(
                    _("Error: {slug}: publishing to {target} failed: {exc}").format(
                        slug=result.slug, target=request.target, exc=exc
                    ),
                    err=True,
                )
    return failed
