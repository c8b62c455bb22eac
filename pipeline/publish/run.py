"""`pipeline publish`: one outbox episode to one target, with the lines the command prints."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PublishError
from pipeline.i18n import _
from pipeline.project.lock import exclusive
from pipeline.publish.credentials import API_ENV, api_base, load_credentials
from pipeline.publish.episode import load_episode
from pipeline.publish.site import publish_site
from pipeline.publish.wechat import WechatOptions, channels_step, manual_step, publish_wechat
from pipeline.publish.wechat_api import HttpWechatApi

TARGETS = ("wechat", "site")
EPISODE_LOCK = ".publish.lock"  # one publish of an episode at a time (two could make two drafts)
SITE_LOCK = ".site.lock"  # one writer of a website folder at a time


@dataclass(frozen=True, slots=True)
class PublishRequest:
    target: str
    site: Path | None = None
    site_url: str | None = None
    submit: bool = False
    dry_run: bool = False
    credentials: Path | None = None
    poll_interval_s: float = 5.0
    poll_timeout_s: float = 600.0
    retries: int = 3
    backoff_s: float = 1.0


def check_request(request: PublishRequest) -> None:
    if request.target not in TARGETS:
        raise PublishError(
            _("unknown publish target {target!r}; use wechat or site").format(target=request.target)
        )
    if request.target == "site" and request.site is None:
        raise PublishError(_("publishing to the website needs --site DIR, the folder the website is kept in"))
    if request.site_url and not request.site_url.startswith(("https://", "http://")):
        # it becomes the start of every address in feed.xml, sitemap.xml and the Open Graph tags
        raise PublishError(
            _(
                "--site-url {site_url!r} is not a web address; give it whole, e.g. https://dangyuan.example.gov.cn/wdy/"
            ).format(site_url=request.site_url)
        )


def publish_episode(
    folder: Path, request: PublishRequest, *, say: Callable[[str], None], note: Callable[[str], None]
) -> None:
    """Publish the outbox episode in `folder`; `say` prints progress, `note` the steps left to people."""
    check_request(request)
    episode = load_episode(folder)
    with exclusive(episode.folder / EPISODE_LOCK, what="pipeline publish", where=episode.folder):
        _publish(episode, request, say=say, note=note)


def _publish(
    episode, request: PublishRequest, *, say: Callable[[str], None], note: Callable[[str], None]
) -> None:
    if request.target == "site":
        assert request.site is not None
        with exclusive(request.site / SITE_LOCK, what="pipeline publish --to site", where=request.site):
            site = publish_site(episode, request.site, site_url=request.site_url)
        changed = (
            _(" ({files} copied)").format(files=_(", ").join(site.changed_files))
            if site.changed_files
            else ""
        )
        say(_("site     {slug}: {page}{changed}").format(slug=episode.slug, page=site.page, changed=changed))
        if not site.base_url:
            note(
                _(
                    "feed.xml and sitemap.xml hold relative addresses; give --site-url https://… once "
                    "(it is remembered) so feed readers and search engines can follow them"
                )
            )
        return
    options = WechatOptions(
        submit=request.submit,
        dry_run=request.dry_run,
        poll_interval_s=request.poll_interval_s,
        poll_timeout_s=request.poll_timeout_s,
    )
    api = None
    if request.dry_run:
        try:
            load_credentials(request.credentials)
        except PublishError as exc:
            note(_("{exc} (a real run needs them; this dry run does not)").format(exc=exc))
    else:
        api = HttpWechatApi(
            api_base(),
            load_credentials(request.credentials),
            retries=request.retries,
            backoff_s=request.backoff_s,
        )
    say(
        _("WeChat   {slug} → {address}").format(
            slug=episode.slug, address=api.base_url if api else _("(dry run)")
        )
    )
    result = publish_wechat(episode, api, options, say=say, sleep=time.sleep)
    if not request.dry_run and result.status != 0:
        note(manual_step(result.video_title, episode.title))
        if not request.submit:
            note(_("未加 --submit：草稿不会推送给粉丝，发表前请在公众平台预览。"))
    if request.submit and result.draft_written and result.status == 0:
        note(
            _(
                "文章已发表，但其中没有视频（接口无法插入视频）。下次请先不加 --submit 运行，在公众平台的草稿中插入素材库视频“{video_title}”，再加 --submit 发表。"
            ).format(video_title=result.video_title)
        )
    channels = channels_step(episode)
    if channels:
        note(channels)


__all__ = ["API_ENV", "PublishRequest", "publish_episode", "check_request"]
