"""An outbox episode onto the WeChat official account: materials, stills, the draft, and on
request the publication, each step recorded in `published.json` as soon as WeChat confirmed it.

    cover   material/add_material type=image    the 2.35:1 cover (thumb_media_id), crops from it
    video   material/add_material type=video    the size-capped -api.mp4, titled like the article
    stills  media/uploadimg                     2-3 frames of the episode for the article body
    draft   draft/add (or draft/update)         title, author, digest, content, comment settings
    submit  freepublish/submit + freepublish/get   only with --submit

A rerun skips what the record shows as done with the same bytes, replaces a file that changed (and
notes it), updates the one draft rather than adding a second, and polls a publish job it already
submitted. `dry_run` checks every file and field against WeChat's limits and sends nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from pipeline.errors import PublishError
from pipeline.i18n import N_, _
from pipeline.media.probe import probe
from pipeline.project.digest import sha256_file
from pipeline.publish.article import Still, article_content, article_problems, centre_crop
from pipeline.publish.episode import EpisodeFile, OutboxEpisode
from pipeline.publish.record import PublishedRecord, now_utc
from pipeline.publish.stills import extract_still, still_times_ms
from pipeline.publish.wechat_api import Article, WechatApi

MB = 1024 * 1024
IMAGE_MAX = 10 * MB  # permanent image material
IMAGE_FORMATS = {"JPEG", "PNG", "BMP", "GIF"}
VIDEO_MAX = 10 * MB  # permanent video material, MP4
STILL_MAX = 1 * MB  # media/uploadimg: JPG/PNG, under 1 MB
STILL_FORMATS = {"JPEG", "PNG"}

# freepublish/get publish_status (0 成功, 1 发布中, 2 原创失败, 3 常规失败, 4 平台审核不通过,
# 5 成功后用户删除所有文章, 6 成功后系统封禁所有文章): what it means and what to do
PUBLISH_STATUS = {
    0: "published",
    1: "still being published",
    2: "failed: the original-content (原创) declaration was refused; open the draft in 公众平台 "
    "(草稿箱), remove or fix the 原创 declaration and run again with --submit",
    3: "failed (常规失败); open the draft in 公众平台 (草稿箱) to see why, fix it and run again with --submit",
    4: "refused by WeChat's review (平台审核不通过); open the draft in 公众平台 to see why",
    5: "was published, then every article of it was deleted in 公众平台; nothing is submitted again "
    "(publish it by hand in 公众平台 if that was a mistake)",
    6: "was published, then every article of it was blocked by WeChat (系统封禁); see the notice in "
    "公众平台 before publishing anything again",
}
RESUBMIT = {2, 3, 4}  # a failed job: --submit again submits the draft again


@dataclass(frozen=True, slots=True)
class WechatOptions:
    submit: bool = False
    dry_run: bool = False
    poll_interval_s: float = 5.0
    poll_timeout_s: float = 600.0
    stills: int = 3


@dataclass
class WechatResult:
    lines: list[str] = field(default_factory=list)  # what was done, step by step
    draft_media_id: str = ""
    video_title: str = ""
    article_url: str = ""
    status: int | None = None
    draft_written: bool = False  # created or updated by this run (an editor's video insert is gone)


def publish_wechat(
    episode: OutboxEpisode,
    api: WechatApi | None,
    options: WechatOptions = WechatOptions(),
    *,
    say: Callable[[str], None] = lambda line: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> WechatResult:
    """Publish `episode` through `api` (None only with dry_run)."""
    result = WechatResult()

    def tell(line: str) -> None:
        result.lines.append(line)
        say(line)

    cover = _cover(episode)
    video = episode.require("wechat", "-api.mp4", _("size-capped WeChat video"))
    _check_image(cover, IMAGE_MAX, IMAGE_FORMATS, _("a permanent image material"))
    _check_video(video)
    result.video_title = episode.title
    crops = _crops(cover.path)
    source = _still_source(episode)
    # the article's limits, before anything is uploaded (picture addresses stood in for)
    placeholders = [Still(f"http://mmbiz.qpic.cn/mmbiz_jpg/{'x' * 80}/0")] * options.stills
    _check_article(episode, _article(episode, "THUMB", placeholders, crops, result.video_title))

    if options.dry_run:
        with tempfile.TemporaryDirectory(prefix="pipeline-stills-") as tmp:
            taken = _take_stills(source, Path(tmp), options.stills)
            urls = [Still(f"https://mmbiz.qpic.cn/dry-run/{i}") for i in range(len(taken))]
            article = _article(episode, "DRY-RUN-THUMB", urls, crops, result.video_title)
        _check_article(episode, article)
        tell(
            _("cover    {name}: {kb} KB, crops {landscape} / {square}").format(
                name=cover.name,
                kb=f"{cover.path.stat().st_size / 1000:.0f}",
                landscape=crops[0],
                square=crops[1],
            )
        )
        tell(
            _("video    {name}: {mb} MB, title {title}").format(
                name=video.name, mb=f"{video.path.stat().st_size / MB:.1f}", title=result.video_title
            )
        )
        tell(_("stills   {count} from {name}, each under 1 MB").format(count=len(taken), name=source.name))
        tell(
            _("article  {count} characters; title, author and digest within WeChat's limits").format(
                count=len(article.content)
            )
        )
        tell(_("dry run: nothing was sent"))
        return result
    assert api is not None

    record = PublishedRecord.load(episode.folder)
    wechat = record.section("wechat")
    if (wechat.get("publish") or {}).get("status") == 0:
        # WeChat does not change a published article (and its draft has left the draft box):
        # uploading changed files now would only spend quota and record materials no article uses
        _published_already(record, wechat, episode, (cover, video, source), crops, result, tell)
        return result

    thumb = _material(record, wechat, "cover", cover, lambda: api.add_material("image", cover.path), tell)
    _material(
        record,
        wechat,
        "video",
        video,
        lambda: api.add_material("video", video.path, title=result.video_title, introduction=episode.digest),
        tell,
        title=result.video_title,
    )
    # the title the material library shows is the one it was uploaded with (a title changed since in
    # publish.json does not rename it): that is the one the editor must look for
    result.video_title = wechat["video"].get("title") or result.video_title
    stills = _upload_stills(record, wechat, source, api, options.stills, tell)
    article = _article(episode, thumb, stills, crops, result.video_title)
    _check_article(episode, article)
    before = dict(wechat.get("draft") or {})
    result.draft_media_id = _draft(record, wechat, api, article, tell)
    result.draft_written = wechat.get("draft") != before
    if options.submit:
        _submit(record, wechat, api, options, result, tell, sleep, clock)
    return result


# the steps
def _published_already(record, wechat, episode, files, crops, result, tell) -> None:
    cover, video, source = files
    job = wechat["publish"]
    result.status, result.article_url = 0, job.get("article_url", "")
    result.draft_media_id = (wechat.get("draft") or {}).get("media_id", "")
    result.video_title = (wechat.get("video") or {}).get("title") or result.video_title
    changed = [
        file.name
        for key, file in (("cover", cover), ("video", video))
        if (wechat.get(key) or {}).get("file") != file.name
        or (wechat.get(key) or {}).get("sha256") != sha256_file(file.path)
    ]
    stills = [s for s in wechat.get("stills") or [] if isinstance(s, dict)]
    if stills and not changed:
        source_sha = sha256_file(source.path)
        if any(s.get("video_sha256") != source_sha for s in stills):
            changed.append(source.name)
    if not changed and (wechat.get("cover") or {}).get("media_id"):
        article = _article(
            episode,
            wechat["cover"]["media_id"],
            [Still(s["url"]) for s in stills],
            crops,
            result.video_title,
        )
        if _article_sha(article) != (wechat.get("draft") or {}).get("article_sha256"):
            changed.append(ARTICLE_TEXT)
    tell(_("publish  already published: {url}").format(url=result.article_url))
    if changed:
        record.note(f"wechat: {', '.join(changed)} changed after the article was published; nothing was sent")
        record.save()
        tell(
            _(
                "publish  {changed} changed after publication; nothing was sent: WeChat does not "
                "change a published article, edit it in 公众平台 if it matters"
            ).format(changed=_(", ").join(_(c) if c == ARTICLE_TEXT else c for c in changed))
        )


def _article_sha(article: Article) -> str:
    return hashlib.sha256(
        json.dumps(article.to_json(), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


ARTICLE_TEXT = N_("the article's text")  # what changed after publication, beside file names
# the column label of an uploaded material's line
MATERIAL_LABELS = {"cover": N_("cover"), "video": N_("video")}


def _label(key: str) -> str:
    label = _(MATERIAL_LABELS[key]) if key in MATERIAL_LABELS else key
    return label.ljust(8 - sum(1 for c in label if ord(c) > 0x2E80))  # a CJK character takes two columns


def _material(record, wechat, key, file: EpisodeFile, upload, tell, *, title: str = "") -> str:
    sha = sha256_file(file.path)
    done = wechat.get(key)
    if done and done.get("file") == file.name and done.get("sha256") == sha:
        tell(
            _("{label} {name}: already uploaded ({media_id})").format(
                label=_label(key), name=file.name, media_id=done["media_id"]
            )
        )
        return done["media_id"]
    material = upload()
    entry = {"file": file.name, "sha256": sha, "media_id": material.media_id, "at": now_utc()}
    if material.url:
        entry["url"] = material.url
    if title:
        entry["title"] = title
    if done:
        entry["replaces"] = done.get("media_id", "")
        record.note(
            f"wechat {key}: {file.name} changed since it was uploaded; uploaded again as {material.media_id}"
        )
        tell(
            _("{label} {name}: changed since the last upload, uploaded again ({media_id})").format(
                label=_label(key), name=file.name, media_id=material.media_id
            )
        )
    else:
        tell(
            _("{label} {name}: uploaded ({media_id})").format(
                label=_label(key), name=file.name, media_id=material.media_id
            )
        )
    wechat[key] = entry
    record.save()
    return material.media_id


def _upload_stills(record, wechat, source: EpisodeFile, api, count, tell) -> list[Still]:
    sha = sha256_file(source.path)
    times = still_times_ms(probe(source.path).duration_ms, count)
    done = {
        s.get("at_ms"): s
        for s in wechat.get("stills", [])
        if isinstance(s, dict) and s.get("video_sha256") == sha and s.get("file") == source.name
    }
    if wechat.get("stills") and len(done) < len(wechat["stills"]):
        record.note(f"wechat stills: {source.name} changed since the stills were taken; taken again")
    kept = [done[t] for t in times if t in done]
    wechat["stills"] = kept
    if len(kept) == len(times):
        tell(_("stills   {count} already uploaded").format(count=len(kept)))
        return [Still(s["url"]) for s in kept]
    with tempfile.TemporaryDirectory(prefix="pipeline-stills-") as tmp:
        for i, at_ms in enumerate(times):
            if at_ms in done:
                continue
            still = extract_still(source.path, at_ms, Path(tmp) / f"still-{i + 1}.jpg")
            _check_still(still, source, at_ms)
            url = api.upload_image(still)
            wechat["stills"].append(
                {"file": source.name, "video_sha256": sha, "at_ms": at_ms, "url": url, "at": now_utc()}
            )
            wechat["stills"].sort(key=lambda s: s["at_ms"])
            record.save()
    tell(
        _("stills   {count} frames of {name} uploaded for the article").format(
            count=len(times), name=source.name
        )
    )
    return [Still(s["url"]) for s in wechat["stills"]]


def _draft(record, wechat, api, article: Article, tell) -> str:
    sha = _article_sha(article)
    done = wechat.get("draft")  # (a published one never gets here: see _published_already)
    if done and done.get("article_sha256") == sha:
        tell(_("draft    already in the draft box ({media_id}), unchanged").format(media_id=done["media_id"]))
        return done["media_id"]
    if done:
        api.update_draft(done["media_id"], article)
        wechat["draft"] = {**done, "article_sha256": sha, "updated_at": now_utc()}
        record.note(f"wechat draft: updated in place ({done['media_id']}) because its content changed")
        record.save()
        tell(_("draft    updated in place ({media_id})").format(media_id=done["media_id"]))
        return done["media_id"]
    media_id = api.add_draft(article)
    wechat["draft"] = {"media_id": media_id, "article_sha256": sha, "at": now_utc()}
    record.save()
    tell(_("draft    created ({media_id})").format(media_id=media_id))
    return media_id


def _submit(record, wechat, api, options, result, tell, sleep, clock) -> None:
    job = wechat.get("publish") or {}
    draft_sha = wechat["draft"]["article_sha256"]
    if job.get("status") == 0:
        result.status, result.article_url = 0, job.get("article_url", "")
        tell(_("publish  already published: {url}").format(url=result.article_url))
        return
    if not job.get("publish_id") or job.get("status") in RESUBMIT:
        publish_id = api.submit(result.draft_media_id)
        job = {"publish_id": publish_id, "draft_sha256": draft_sha, "status": None, "submitted_at": now_utc()}
        wechat["publish"] = job
        record.save()
        tell(
            _("publish  submitted (publish_id {publish_id}); waiting for WeChat").format(
                publish_id=publish_id
            )
        )
    deadline = clock() + options.poll_timeout_s
    while True:
        state = api.publish_state(job["publish_id"])
        job.update(status=state.status, checked_at=now_utc())
        if state.article_url:
            job["article_url"] = state.article_url
        record.save()
        if state.status != 1:
            break
        if clock() >= deadline:
            raise PublishError(
                _(
                    "WeChat is still publishing {job} after {poll_timeout_s:.0f} s; run the same command again later to check (it will not submit twice)"
                ).format(job=job["publish_id"], poll_timeout_s=options.poll_timeout_s)
            )
        sleep(options.poll_interval_s)
    result.status = state.status
    meaning = PUBLISH_STATUS.get(
        state.status,
        f"answered publish_status {state.status}, which this tool does not know; look in 公众平台 (发表记录)",
    )
    if state.status != 0:
        raise PublishError(
            _("WeChat publish job {job}: {meaning}").format(job=job["publish_id"], meaning=meaning)
        )
    result.article_url = job.get("article_url", "")
    tell(_("publish  published: {url}").format(url=result.article_url))


# checks and helpers
def _cover(episode: OutboxEpisode) -> EpisodeFile:
    found = episode.find("wechat", "-cover-2.35x1.jpg") or episode.find("web", "-poster.jpg")
    if found is None:
        raise PublishError(
            _(
                "{file}: the package has no WeChat cover (wechat/…-cover-2.35x1.jpg); render the wechat platform and run `pipeline batch` again"
            ).format(file=episode.folder / "publish.json")
        )
    return found


def _still_source(episode: OutboxEpisode) -> EpisodeFile:
    for platform in ("web", "wechat"):
        found = episode.find(platform, ".mp4", exclude=("-api.mp4",))
        if found:
            return found
    return episode.require("wechat", "-api.mp4", _("video to take stills from"))


def _image_format(path: Path) -> tuple[str, int, int]:
    try:
        with Image.open(path) as image:
            return str(image.format), image.width, image.height
    except (UnidentifiedImageError, OSError):
        raise PublishError(
            _("{path}: is not a picture; run `pipeline batch` again to repackage it").format(path=path)
        ) from None


def _check_image(file: EpisodeFile, limit: int, formats: set[str], what: str) -> None:
    kind, _width, _height = _image_format(file.path)
    size = file.path.stat().st_size
    if kind not in formats:
        raise PublishError(
            _("{path}: is {kind}; WeChat takes {formats} as {what}").format(
                path=file.path, kind=kind, formats="/".join(sorted(formats)), what=what
            )
        )
    if size > limit:
        raise PublishError(
            _("{path}: is {size:.1f} MB; WeChat takes at most {limit} MB as {what}").format(
                path=file.path, size=size / MB, limit=limit // MB, what=what
            )
        )


def _check_still(path: Path, source: EpisodeFile, at_ms: int) -> None:
    # the still itself is a temporary file: the message names the video it was taken from
    kind, _width, _height = _image_format(path)
    size = path.stat().st_size
    if kind not in STILL_FORMATS or size >= STILL_MAX:
        raise PublishError(
            _(
                "{path}: the still taken at {at:.1f} s is {size:.0f} KB ({kind}); media/uploadimg takes JPG/PNG under 1 MB; render the web platform again, and report it if it persists"
            ).format(path=source.path, at=at_ms / 1000, size=size / 1000, kind=kind)
        )


def _check_video(file: EpisodeFile) -> None:
    size = file.path.stat().st_size
    if file.path.suffix.lower() != ".mp4":
        raise PublishError(_("{path}: WeChat's video material must be MP4").format(path=file.path))
    if size > VIDEO_MAX:
        raise PublishError(
            _(
                "{path}: is {size:.1f} MB; WeChat's video material takes at most 10 MB; render the wechat platform again (its size-capped variant)"
            ).format(path=file.path, size=size / MB)
        )


def _crops(cover: Path) -> tuple[str, str]:
    _kind, width, height = _image_format(cover)
    return centre_crop(width, height, Fraction(235, 100)), centre_crop(width, height, Fraction(1))


def _take_stills(source: EpisodeFile, folder: Path, count: int) -> list[Path]:
    stills = []
    for i, at_ms in enumerate(still_times_ms(probe(source.path).duration_ms, count)):
        still = extract_still(source.path, at_ms, folder / f"still-{i + 1}.jpg")
        _check_still(still, source, at_ms)
        stills.append(still)
    return stills


def _article(episode, thumb: str, stills, crops: tuple[str, str], video_title: str) -> Article:
    return Article(
        title=episode.title,
        author=episode.author,
        digest=episode.digest,
        content=article_content(episode, stills, video_title),
        thumb_media_id=thumb,
        need_open_comment=int(episode.comments_open),
        only_fans_can_comment=int(episode.comments_open and episode.comments_fans_only),
        pic_crop_235_1=crops[0],
        pic_crop_1_1=crops[1],
    )


def _check_article(episode: OutboxEpisode, article: Article) -> None:
    problems = article_problems(article.title, article.author, article.digest, article.content)
    if problems:
        raise PublishError(
            _("{file}: {problem}; fix project.toml and run `pipeline batch` again").format(
                file=episode.folder / "publish.json", problem=problems[0]
            )
        )


def manual_step(video_title: str, article_title: str) -> str:
    """The one step the API cannot do, for the editor (in Chinese)."""
    return (
        f"还差一步（接口无法把视频放进图文）：登录微信公众平台 → 内容管理 → 草稿箱，打开草稿《{article_title}》，"
        f"在正文开头（人物介绍下方）点“视频”，从素材库选择视频“{video_title}”插入，保存后发表。"
    )


def channels_step(episode: OutboxEpisode) -> str | None:
    """WeChat Channels (视频号) has no upload API for ordinary accounts: what to upload by hand."""
    video = episode.find("channels", ".mp4")
    if video is None:
        return None
    cover = episode.find("channels", ".jpg")
    cover_text = f"，封面用 {cover.path}" if cover else ""
    return (
        f"视频号（没有上传接口，需手动）：在视频号助手 channels.weixin.qq.com 发表视频 {video.path}{cover_text}，"
        f"标题可用“{episode.episode_title}”，描述可用摘要。"
    )
