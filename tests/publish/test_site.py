"""`pipeline publish EPISODE --to site --site DIR`: the static website's files."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner
from outbox_episode import STEM, build_outbox_episode, cover

from pipeline.cli import cli


def publish_site(episode: Path, site: Path, *extra: str):
    return CliRunner().invoke(cli, ["publish", str(episode), "--to", "site", "--site", str(site), *extra])


def test_an_episode_page_with_video_poster_subtitles_story_and_credits(episode_dir, tmp_path):
    site = tmp_path / "site"

    result = publish_site(episode_dir, site)

    assert result.exit_code == 0, result.output
    folder = site / "episodes" / "2026-W48-01"
    assert {p.name for p in folder.iterdir()} == {"index.html", "video.mp4", "poster.jpg", "subtitles.vtt"}
    assert (folder / "video.mp4").read_bytes() == (episode_dir / f"web/{STEM}.mp4").read_bytes()
    page = (folder / "index.html").read_text("utf-8")
    assert '<video controls preload="metadata" playsinline poster="poster.jpg">' in page
    assert '<track kind="subtitles" src="subtitles.vtt" srclang="zh" label="中文" default>' in page
    assert '<meta property="og:title" content="《我是党员》驻村路上">' in page
    assert "三年前我来到石墙镇" in page
    assert "<dt>摄像</dt><dd>张 &amp; &lt;李&gt;</dd>" in page  # escaped, never raw markup
    assert "Note: feed.xml and sitemap.xml hold relative addresses" in result.output
    published = json.loads((episode_dir / "published.json").read_text("utf-8"))
    assert published["site"]["page"] == str((folder / "index.html").resolve())


def test_links_are_relative_and_nothing_is_loaded_from_elsewhere(episode_dir, tmp_path):
    site = tmp_path / "site"
    assert publish_site(episode_dir, site).exit_code == 0

    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        for link in re.findall(r'(?:src|href)="([^"]*)"', html):
            assert not re.match(r"^(https?:)?//|^/", link), (page, link)
            assert (page.parent / link).resolve().is_file(), (page, link)
        assert "<script" not in html and "@import" not in html and "@font-face" not in html


def test_index_lists_newest_first_and_republishing_updates_in_place(outbox_root, clip, tmp_path):
    site = tmp_path / "site"
    first = build_outbox_episode(outbox_root, clip)
    second = build_outbox_episode(
        outbox_root, clip, title="《我是党员》大棚里的<春天>", number=2, slug="E02-大棚里的春天"
    )
    assert publish_site(first, site).exit_code == 0
    assert publish_site(second, site).exit_code == 0
    data = json.loads((site / "site.json").read_text("utf-8"))
    data["episodes"][0]["date"] = "2026-11-30T08:00:00Z"  # make the order independent of the clock
    data["episodes"][1]["date"] = "2026-11-29T08:00:00Z"
    (site / "site.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    cover(first / f"web/{STEM}-poster.jpg", (320, 180), colour="#123")
    result = publish_site(first, site)

    assert result.exit_code == 0, result.output
    assert "poster.jpg copied" in result.output
    index = (site / "index.html").read_text("utf-8")
    assert index.index("2026-W48-02") < index.index("2026-W48-01")
    assert "大棚里的&lt;春天&gt;" in index and "<春天>" not in index
    assert len(json.loads((site / "site.json").read_text("utf-8"))["episodes"]) == 2
    assert (site / "episodes/2026-W48-01/poster.jpg").read_bytes() == (
        first / f"web/{STEM}-poster.jpg"
    ).read_bytes()
    history = json.loads((first / "published.json").read_text("utf-8"))["history"]
    assert any("poster.jpg changed since the last publish" in line for line in history)
    assert not list(site.rglob(".*part*"))  # no temporary file left behind


def test_feed_and_sitemap_parse_and_use_the_site_url_when_given(episode_dir, tmp_path):
    site = tmp_path / "site"
    assert publish_site(episode_dir, site, "--site-url", "https://dangyuan.example.gov.cn/wdy").exit_code == 0

    rss = ET.parse(site / "feed.xml").getroot()
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    (item,) = rss.findall("./channel/item")
    assert item.findtext("title") == "《我是党员》驻村路上"
    assert item.findtext("link") == "https://dangyuan.example.gov.cn/wdy/episodes/2026-W48-01/index.html"
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "video/mp4"
    assert int(enclosure.get("length")) == (site / "episodes/2026-W48-01/video.mp4").stat().st_size
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert locs == [
        "https://dangyuan.example.gov.cn/wdy/index.html",
        "https://dangyuan.example.gov.cn/wdy/episodes/2026-W48-01/index.html",
    ]
    # remembered: a later publish without --site-url keeps absolute addresses
    assert publish_site(episode_dir, site).exit_code == 0
    assert "https://dangyuan.example.gov.cn/wdy/" in (site / "feed.xml").read_text("utf-8")


def test_site_needs_a_folder(episode_dir):
    result = CliRunner().invoke(cli, ["publish", str(episode_dir), "--to", "site"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: publishing to the website needs --site DIR, the folder the website is kept in"
    )


def test_a_folder_holding_another_website_is_refused(episode_dir, tmp_path):
    site = tmp_path / "other"
    site.mkdir()
    (site / "index.html").write_text("<h1>the office's old site</h1>", "utf-8")
    result = publish_site(episode_dir, site)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {site}: has an index.html but no site.json; give an empty folder or one made by "
        "`pipeline publish --to site`"
    )
    assert (site / "index.html").read_text("utf-8") == "<h1>the office's old site</h1>"


def test_a_changed_file_is_recorded_when_the_site_folder_is_given_relative(
    episode_dir, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert publish_site(episode_dir, Path("site")).exit_code == 0
    (episode_dir / f"web/{STEM}.vtt").write_text(
        "WEBVTT\n\n00:00:00.200 --> 00:00:01.400\n我叫王建华。\n", "utf-8"
    )

    result = publish_site(episode_dir, Path("site"))

    assert result.exit_code == 0, result.output
    assert "subtitles.vtt copied" in result.output
    history = json.loads((episode_dir / "published.json").read_text("utf-8"))["history"]
    assert any("subtitles.vtt changed since the last publish" in line for line in history)


def test_a_site_url_that_is_not_a_web_address_is_refused(episode_dir, tmp_path):
    result = publish_site(episode_dir, tmp_path / "site", "--site-url", "dangyuan.example.gov.cn")

    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: --site-url 'dangyuan.example.gov.cn' is not a web address; give it whole, e.g. "
        "https://dangyuan.example.gov.cn/wdy/"
    )
    assert not (tmp_path / "site").exists()
