"""The office's static website: one folder the office copies to any web server.

    DIR/index.html                      the episodes, newest first: poster, title, date, digest
    DIR/episodes/<week>-<NN>/index.html  the episode: <video> with poster and WebVTT track, story, credits
    DIR/episodes/<week>-<NN>/video.mp4, poster.jpg, subtitles.vtt
    DIR/feed.xml, DIR/sitemap.xml, DIR/style.css
    DIR/site.json                       the list the pages are made from (edit nothing else by hand)

Pages are rendered with Jinja2 (autoescaping on), the feed and sitemap with xml.etree; links are
relative, nothing is loaded from elsewhere, and every file is written under a temporary name and
renamed. Publishing an episode again updates its entry and page in place.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import PublishError
from pipeline.i18n import _
from pipeline.project.digest import sha256_file
from pipeline.project.files import atomic_output, atomic_write_bytes, atomic_write_json, atomic_write_text
from pipeline.publish.article import templates
from pipeline.publish.episode import OutboxEpisode
from pipeline.publish.record import PublishedRecord, now_utc

SITE_FILE = "site.json"


@dataclass(frozen=True, slots=True)
class SiteResult:
    page: Path
    changed_files: tuple[str, ...]
    base_url: str = ""


def episode_id(episode: OutboxEpisode) -> str:
    return f"{episode.week}-{episode.number:02d}"


def publish_site(episode: OutboxEpisode, site: Path, *, site_url: str | None = None) -> SiteResult:
    """Add or update `episode` in the site at `site`, then rewrite the index, feed and sitemap."""
    video = episode.require("web", ".mp4", _("website video"))
    poster = episode.require("web", "-poster.jpg", _("website poster"))
    vtt = episode.require("web", ".vtt", _("WebVTT subtitles"))
    site.mkdir(parents=True, exist_ok=True)
    data = _load(site)
    if site_url is not None:
        data["base_url"] = site_url.rstrip("/") + "/" if site_url else ""
    data.setdefault("base_url", "")
    data.setdefault("title", f"《{episode.series}》" if episode.series else "微视频")

    ident = episode_id(episode)
    folder = site / "episodes" / ident
    changed = [
        name
        for source, name in (
            (video.path, "video.mp4"),
            (poster.path, "poster.jpg"),
            (vtt.path, "subtitles.vtt"),
        )
        if _place(source, folder / name)
    ]
    entries = [e for e in data["episodes"] if e.get("id") != ident]
    old: dict[str, Any] = next((e for e in data["episodes"] if e.get("id") == ident), {})
    entry = {
        "id": ident,
        "title": episode.title,
        "episode_title": episode.episode_title,
        "series": episode.series,
        "number": episode.number,
        "week": episode.week,
        "digest": episode.digest,
        "subject": {"name": episode.subject_name, "role": episode.subject_role, "unit": episode.subject_unit},
        "story": list(episode.story),
        "credits": [{"role": c.role, "name": c.name} for c in episode.credits],
        "video_bytes": (folder / "video.mp4").stat().st_size,
        "date": old.get("date") or now_utc(),
        "updated": now_utc(),
    }
    entries.append(entry)
    entries.sort(key=lambda e: (e["date"], e["week"], e["number"]), reverse=True)
    data["episodes"] = entries

    env = templates()
    page = folder / "index.html"
    atomic_write_text(
        page, env.get_template("site_episode.html.j2").render(site=data, e=entry, root="../../")
    )
    atomic_write_text(site / "index.html", env.get_template("site_index.html.j2").render(site=data, root=""))
    atomic_write_bytes(
        site / "style.css", resources.files("pipeline.publish").joinpath("templates/style.css").read_bytes()
    )
    atomic_write_bytes(site / "feed.xml", feed_xml(data))
    atomic_write_bytes(site / "sitemap.xml", sitemap_xml(data))
    atomic_write_json(site / SITE_FILE, data)

    record = PublishedRecord.load(episode.folder)
    section = record.section("site")
    if section and changed and section.get("page") == str(page.resolve()):
        record.note(f"site: {', '.join(changed)} changed since the last publish; replaced on the website")
    section.update(dir=str(site.resolve()), page=str(page.resolve()), at=now_utc())
    section.setdefault("first_at", entry["date"])
    record.save()
    return SiteResult(page, tuple(changed), data["base_url"])


def _load(site: Path) -> dict[str, Any]:
    file = site / SITE_FILE
    if not file.exists():
        if any(site.iterdir()):
            if (site / "index.html").exists():
                raise PublishError(
                    _(
                        "{site}: has an index.html but no {SITE_FILE}; give an empty folder or one made by `pipeline publish --to site`"
                    ).format(site=site, SITE_FILE=SITE_FILE)
                )
        return {"episodes": []}
    try:
        data = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise PublishError(
            _("{file}: cannot be read ({exc}); restore it from a backup").format(file=file, exc=exc)
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("episodes"), list):
        raise PublishError(
            _("{file}: is not a site list made by `pipeline publish`; restore it from a backup").format(
                file=file
            )
        )
    return data


def _place(source: Path, target: Path) -> bool:
    """Copy `source` to `target` atomically unless it already holds the same bytes; True if copied."""
    if target.exists() and sha256_file(target) == sha256_file(source):
        return False
    with atomic_output(target) as tmp:
        shutil.copyfile(source, tmp)
    return True


def _link(data: dict[str, Any], relative: str) -> str:
    return f"{data.get('base_url') or ''}{relative}"


def _rfc822(stamp: str) -> str:
    return format_datetime(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))


def feed_xml(data: dict[str, Any]) -> bytes:
    """RSS 2.0: one item per episode with its video as the enclosure."""
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = data["title"]
    ET.SubElement(channel, "link").text = _link(data, "index.html")
    ET.SubElement(channel, "description").text = f"{data['title']} 每周一集"
    ET.SubElement(channel, "language").text = "zh-cn"
    for e in data["episodes"]:
        item = ET.SubElement(channel, "item")
        page = _link(data, f"episodes/{e['id']}/index.html")
        ET.SubElement(item, "title").text = e["title"]
        ET.SubElement(item, "link").text = page
        ET.SubElement(item, "guid", isPermaLink="false").text = f"episode-{e['id']}"
        ET.SubElement(item, "pubDate").text = _rfc822(e["date"])
        ET.SubElement(item, "description").text = e["digest"]
        ET.SubElement(
            item,
            "enclosure",
            url=_link(data, f"episodes/{e['id']}/video.mp4"),
            length=str(e["video_bytes"]),
            type="video/mp4",
        )
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemap_xml(data: dict[str, Any]) -> bytes:
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    pages = [("index.html", data["episodes"][0]["updated"] if data["episodes"] else now_utc())]
    pages += [(f"episodes/{e['id']}/index.html", e["updated"]) for e in data["episodes"]]
    for relative, updated in pages:
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = _link(data, relative)
        ET.SubElement(url, "lastmod").text = updated[:10]
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
