"""The generated website in a real browser (Playwright driving Debian's Chromium, headless), served
by a local http.server: the index links to the episode, the video plays, its subtitle track has
cues, and the feed parses."""

from __future__ import annotations

import functools
import shutil
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required", "--mute-audio"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def served_site(episode_dir, tmp_path):
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["publish", str(episode_dir), "--to", "site", "--site", str(site)])
    assert result.exit_code == 0, result.output
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", site
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        # a phone: the page must read at this width
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None)
        yield page
        assert not outside, f"the page loaded something from elsewhere: {outside}"
        browser.close()


def test_index_links_to_the_episode_whose_video_plays_with_subtitles(served_site, page):
    url, site = served_site
    page.goto(url)
    link = page.locator("a[href='episodes/2026-W48-01/index.html']")
    assert link.locator("h2").inner_text() == "《我是党员》驻村路上"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    link.click()
    page.wait_for_url("**/episodes/2026-W48-01/index.html")

    page.wait_for_function("document.querySelector('video').readyState >= 2", timeout=15000)
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("document.querySelector('video').currentTime > 0.3", timeout=15000)
    # the default track is shown without anyone choosing it, and its cues are the episode's subtitles
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"
    page.wait_for_function(
        "(document.querySelector('video').textTracks[0].cues || []).length > 0", timeout=10000
    )
    cues = page.evaluate("Array.from(document.querySelector('video').textTracks[0].cues).map(c => c.text)")
    assert cues == ["我叫王建华", "是一名驻村工作队队员"]
    # played from the start, each cue becomes the active one in turn (what the viewer sees)
    shown = page.evaluate(
        """() => new Promise(done => {
            const v = document.querySelector('video');
            const track = v.textTracks[0];
            const shown = [];
            track.addEventListener('cuechange', () => {
                for (const c of Array.from(track.activeCues || [])) {
                    if (shown[shown.length - 1] !== c.text) shown.push(c.text);
                }
            });
            v.addEventListener('ended', () => done(shown), {once: true});
            setTimeout(() => done(shown), 10000);
            v.currentTime = 0;
            v.play();
        })"""
    )
    assert shown == ["我叫王建华", "是一名驻村工作队队员"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    feed = page.request.get(url + "feed.xml")
    assert feed.ok
    item = ET.fromstring(feed.body()).find("./channel/item")
    assert item.find("enclosure").get("url") == "episodes/2026-W48-01/video.mp4"
