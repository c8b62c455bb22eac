"""The review page in a real browser: Playwright driving Debian's Chromium, headless.

Never `playwright install`: the browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from review_samples import DRAFT

from pipeline.media.runner import run_ffmpeg
from pipeline.render.outputs import video_path
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import read_srt
from pipeline.subtitles.store import approval_status, approvals_path, draft_path, producer_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path("/tmp/review-page.png")
# the guide's pictures of the page (tools/doc_images.py sets it): taken here, from the real page
DOC_SHOTS = "PIPELINE_DOC_SHOTS"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, review_server):
    # bypass_csp: Playwright evaluates its wait conditions as strings, which the page policy forbids;
    # without the policy, markup wrongly inserted as HTML would also run, so the text test is stricter
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(review_server.url)
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def doc_shot(page, name: str) -> None:
    """Save the page as the producer sees it at this step, when PIPELINE_DOC_SHOTS names a folder."""
    folder = os.environ.get(DOC_SHOTS)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def row(page, number: int):
    return page.locator("#cue-list li.cue").nth(number - 1)


def current_time(page) -> float:
    return page.evaluate("document.getElementById('video').currentTime")


def test_producer_watches_corrects_saves_and_approves(page, review_project):
    draft_before = draft_path(review_project, "int-001").read_bytes()
    assert page.locator("#cue-list li.cue").count() == 3
    assert (
        row(page, 1).locator(".backdrop span.term").first.text_content() == "王建华"
    )  # glossary term marked
    assert "单行最多 16 字" in row(page, 2).locator(".finding.error").text_content()

    # play: the cue under the playhead is highlighted
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=60_000)
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('video').currentTime > 0.3")
    assert not page.evaluate("document.getElementById('video').paused")
    page.wait_for_selector("#cue-list li.cue.current")
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('video').paused")
    doc_shot(page, "review-page")  # the cue under the playhead, a glossary term, a QC error
    page.focus("#video")  # the player's own Space must not be undone by the page's
    page.keyboard.press("Space")
    page.wait_for_function("!document.getElementById('video').paused")
    page.keyboard.press("Control+Space")
    page.wait_for_function("document.getElementById('video').paused")

    # clicking a cue seeks the video to it
    row(page, 3).locator("textarea").click()
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 2.7) < 0.05")
    assert "current" in row(page, 3).get_attribute("class")

    # a QC error appears while typing, and clears when fixed
    first = row(page, 1).locator("textarea")
    first.fill("我是王建华我是王建华我是王建华我是")
    row(page, 1).locator(".finding.error", has_text="单行最多 16 字").wait_for()
    assert row(page, 1).locator(".badge").text_content() == "已修改"
    first.fill("我是王建华")
    row(page, 1).locator(".finding.error").wait_for(state="detached")

    # approval is refused while an error remains
    page.fill("#approver", "张红")
    page.click("#approve")
    page.wait_for_selector("#message.error")
    assert "还有 1 处错误没有改正" in page.text_content("#message-text")
    assert not approvals_path(review_project).exists()

    # fix the error, save with Ctrl+S
    second = row(page, 2).locator("textarea")
    second.fill("这一行字幕写得太长")
    row(page, 2).locator(".finding.error").wait_for(state="detached")
    assert row(page, 2).locator(".badge").text_content() == "已修改"
    assert "这一行字幕写得实在太长" in row(page, 2).locator(".draft-text").text_content()
    second.press("Control+s")
    page.wait_for_selector("#message.ok")
    expected = (DRAFT[0], Cue(1600, 2600, ("这一行字幕写得太长",)), DRAFT[2])
    assert read_srt(producer_path(review_project, "int-001")) == expected

    # approve: recorded as `pipeline subs approve` records it
    page.click("#approve")
    page.wait_for_selector("#message.ok >> text=已批准")
    assert "已批准" in page.text_content("#clip-status")
    assert page.text_content("#clip-list .clip .status") == "已批准"
    record = json.loads(approvals_path(review_project).read_text("utf-8"))["int-001"]
    assert (
        record["by"] == "张红"
        and record["file"] == "subtitles/int-001.srt"
        and record["forced_reason"] is None
    )
    assert approval_status(review_project, "int-001") == "approved"
    assert draft_path(review_project, "int-001").read_bytes() == draft_before
    assert page.evaluate("localStorage.getItem('pipeline-review.approver')") == "张红"
    doc_shot(page, "review-approved")

    page.screenshot(path=str(SCREENSHOT), full_page=False)


def test_split_and_merge_with_the_keyboard(page, review_project):
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=60_000)
    text = row(page, 2).locator("textarea")
    text.click()
    text.evaluate("el => el.setSelectionRange(9, 9)")
    page.keyboard.press("Alt+s")
    page.wait_for_function("document.querySelectorAll('#cue-list li.cue').length === 4")
    assert row(page, 2).locator("textarea").input_value() == "这一行字幕写得实在"
    assert row(page, 3).locator("textarea").input_value() == "太长太长超过了十六个字"
    assert row(page, 2).locator("input.end").input_value() == "00:02.050"  # 9/20 of the way, by characters
    assert row(page, 3).locator("input.start").input_value() == "00:02.130"  # + the 2-frame minimum gap

    row(page, 2).locator("textarea").click()
    page.keyboard.press("Alt+m")
    page.wait_for_function("document.querySelectorAll('#cue-list li.cue').length === 3")
    assert row(page, 2).locator("textarea").input_value() == "这一行字幕写得实在\n太长太长超过了十六个字"
    assert row(page, 2).locator("input.end").input_value() == "00:02.600"

    # next / previous cue
    page.keyboard.press("Alt+ArrowDown")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 2.7) < 0.05")
    page.keyboard.press("Alt+ArrowUp")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 1.6) < 0.05")
    assert not producer_path(review_project, "int-001").exists()  # nothing saved without asking


def test_undo_takes_back_merge_and_split_in_turn(page, review_project):
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=60_000)
    assert page.locator("#undo").is_disabled()
    before = [row(page, k).locator("textarea").input_value() for k in (1, 2, 3)]
    text = row(page, 2).locator("textarea")
    text.click()
    text.evaluate("el => el.setSelectionRange(9, 9)")
    page.keyboard.press("Alt+s")
    page.wait_for_function("document.querySelectorAll('#cue-list li.cue').length === 4")
    row(page, 1).locator("textarea").click()
    page.keyboard.press("Alt+m")
    page.wait_for_function("document.querySelectorAll('#cue-list li.cue').length === 3")
    assert "合并第 1、2 条" in page.locator("#undo").get_attribute("title")

    page.keyboard.press("Alt+z")  # the merge goes
    page.wait_for_function("document.querySelectorAll('#cue-list li.cue').length === 4")
    assert row(page, 2).locator("textarea").input_value() == "这一行字幕写得实在"
    page.locator("#undo").click()  # then the split
    page.wait_for_function("document.querySelectorAll('#cue-list li.cue').length === 3")
    assert [row(page, k).locator("textarea").input_value() for k in (1, 2, 3)] == before
    assert row(page, 2).locator("input.end").input_value() == "00:02.600"
    assert page.locator("#undo").is_disabled()
    page.keyboard.press("Alt+z")  # nothing left: said, nothing changes
    assert page.locator("#message-text").inner_text().startswith("没有可以撤销的")
    assert page.locator("#cue-list li.cue").count() == 3


def test_markup_in_a_cue_shows_as_text(page, review_project):
    third = row(page, 3).locator("textarea")
    assert third.input_value() == "<script>alert(1)</script>"
    third.fill('<img src=x onerror="window.pwned=1">')
    page.keyboard.press("Control+s")
    page.wait_for_selector("#message.ok")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert row(page, 3).locator("textarea").input_value() == '<img src=x onerror="window.pwned=1">'
    assert row(page, 3).locator(".backdrop").text_content().startswith("<img src=x")
    assert (
        page.evaluate("document.querySelectorAll('#cue-list img, #cue-list script, #overlay *').length") == 0
    )
    assert page.evaluate("window.pwned") is None


def test_the_pages_pure_helpers(page):
    results = page.evaluate("""async () => {
        const text = await import('/static/text.js');
        const edits = await import('/static/edits.js');
        const draft = [{start_ms: 0, end_ms: 1000, text: '我们修路'}, {start_ms: 1100, end_ms: 2000, text: '两委班子'}];
        const [a, b] = edits.splitCue({start_ms: 0, end_ms: 1000, text: '我们修路'}, 2, 5000, 80);
        const restored = edits.restoreFromDraft([a, b, draft[1]], 1, draft);
        return {
            times: [text.parseTime('01:02.5'), text.parseTime('1:00:00,001'), text.parseTime('62'),
                    text.parseTime('1:75'), text.parseTime('abc'), text.formatTime(3723004), text.formatTime(62500)],
            split: [a, b],
            merged: edits.mergeCues(draft[0], draft[1], 2),
            mergedLong: edits.mergeCues({start_ms: 0, end_ms: 1, text: '甲\\n乙'}, draft[1], 2).text,
            restored: restored.cues.map(c => c.text), restoredAt: restored.at,
            edited: text.compareWithDraft({start_ms: 0, end_ms: 1000, text: '我们修好路'}, draft),
            retimed: text.compareWithDraft({start_ms: 0, end_ms: 900, text: '我们修路'}, draft).kind,
            added: text.compareWithDraft({start_ms: 5000, end_ms: 6000, text: '新'}, draft).kind,
            marks: text.runs('王建华说王建', text.characterMarks('王建华说王建',
                {terms: ['王建华'], wrong_forms: [['王建', '王建华']]}, null)),
        };
    }""")
    assert results["times"] == [62500, 3600001, 62000, None, None, "1:02:03.004", "01:02.500"]
    assert results["split"] == [
        {"start_ms": 0, "end_ms": 500, "text": "我们"},
        {"start_ms": 580, "end_ms": 1000, "text": "修路"},
    ]
    assert results["merged"] == {"start_ms": 0, "end_ms": 2000, "text": "我们修路\n两委班子"}
    assert results["mergedLong"] == "甲 乙 两委班子"
    assert results["restored"] == ["我们修路", "两委班子"] and results["restoredAt"] == 0
    edited = results["edited"]
    assert edited["kind"] == "edited" and edited["draftText"] == "我们修路"
    assert edited["added"] == [False, False, False, True, False] and edited["gone"] == [False] * 4
    assert results["retimed"] == "retimed" and results["added"] == "new"
    assert results["marks"] == [["王建华", "term"], ["说", ""], ["王建", "wrong"]]


def test_a_page_that_fell_behind_is_told_to_reload(page, client, review_project):
    # another tab saves first
    version = client.get("/api/clips/int-001").json()["version"]
    other = [{"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text} for c in DRAFT]
    other[0]["text"] = "另一个窗口改的"
    assert client.post("/api/clips/int-001/save", {"version": version, "cues": other}).status == 200
    theirs = producer_path(review_project, "int-001").read_bytes()

    row(page, 1).locator("textarea").fill("我是王建华呀")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#message.error")
    assert "请重新载入后再修改" in page.text_content("#message-text")
    assert producer_path(review_project, "int-001").read_bytes() == theirs
    page.click("#message-reload")
    page.wait_for_function("document.querySelector('#cue-list textarea').value === '另一个窗口改的'")


def test_flagged_words_are_highlighted_restored_and_the_choice_saved(page, review_project):
    from pipeline.project.files import atomic_write_json
    from pipeline.subtitles.store import write_draft
    from pipeline.transcribe.step import transcript_path
    from pipeline.transcribe.transcript import Correction, Segment, Transcript, Word

    words = (
        Word(0, 500, "有着", 0.9),
        Word(500, 900, "十五年", 0.9),
        Word(900, 1400, "党龄，", 0.8),
        Word(1600, 2100, "何林", 0.2),  # low confidence
        Word(2100, 2600, "军来了。", 0.9),
    )
    corrections = (Correction(0, 5, 900, 1400, "党领", "党龄", "office term, same sound", 7.5),)
    transcript = Transcript(
        "int-001",
        "zh",
        "fake",
        (Segment(0, 2600, "有着十五年党龄，何林军来了。", words),),
        corrections=corrections,
    )
    atomic_write_json(transcript_path(review_project, "int-001"), transcript.to_dict())
    write_draft(
        review_project, "int-001", (Cue(0, 1500, ("有着十五年党龄",)), Cue(1600, 2600, ("何林军来了",)))
    )
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    # the proxy video must be there for the jumps to move it (a seek before it loads is ignored)
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=60_000)

    # highlighted: the correction and the low-confidence word; hovering the button shows the original
    assert row(page, 1).locator(".backdrop span.flag-corrected").text_content() == "党龄"
    assert row(page, 2).locator(".backdrop span.flag-uncertain").text_content() == "何林"
    chip = row(page, 1).locator(".flags button.flag.corrected")
    assert "党领" in chip.get_attribute("title")
    chip.hover()
    assert "“党龄”原为“党领”" in row(page, 1).locator("textarea").get_attribute("title")  # hovering the text
    assert "待查 2 处" in page.text_content("#flag-count")

    # Alt+N jumps to the first flagged place, with the word selected; Alt+K restores the original
    page.click("#clip-name")
    page.keyboard.press("Alt+n")
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'TEXTAREA'")
    selected = page.evaluate(
        "(() => { const t = document.activeElement; return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert selected == "党龄"
    doc_shot(page, "review-flags")  # a machine correction and an uncertain word, the first one selected
    page.keyboard.press("Alt+k")
    assert row(page, 1).locator("textarea").input_value() == "有着十五年党领"
    assert row(page, 1).locator(".flags button.flag.restored").text_content() == "已还原“党领”"
    assert "".join(row(page, 1).locator(".backdrop span.flag-restored").all_text_contents()) == "党领"

    # the next flag is the uncertain word in cue 2, and the video goes where it is said
    page.click("#next-flag")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 1.6) < 0.05")
    assert "current" in row(page, 2).locator(".flags button.flag.uncertain").get_attribute("class")

    # one click corrects it again, another restores it; the producer's choice is what is saved
    row(page, 1).locator(".flags button.flag").click()
    assert row(page, 1).locator("textarea").input_value() == "有着十五年党龄"
    row(page, 1).locator(".flags button.flag").click()
    assert row(page, 1).locator("textarea").input_value() == "有着十五年党领"
    page.keyboard.press("Control+s")
    page.wait_for_selector("#message.ok")
    saved = read_srt(producer_path(review_project, "int-001"))
    assert [c.text for c in saved] == ["有着十五年党领", "何林军来了"]
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert row(page, 1).locator(".flags button.flag.restored").text_content() == "已还原“党领”"


def solid_draft(path: Path, colour: str, seconds: int) -> None:
    """A draft as `render --draft` leaves it: H.264 + AAC MP4 with faststart, one solid colour."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.stem}.part.mp4")
    run_ffmpeg(
        [
            *("-f", "lavfi", "-i", f"color=c={colour}:s=640x360:r=25:d={seconds}"),
            *("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"),
            *("-c:v", "libx264", "-preset", "superfast", "-pix_fmt", "yuv420p", "-c:a", "aac"),
            *("-movflags", "+faststart", "-shortest", str(temp)),
        ],
        what="making a draft",
    )
    temp.replace(path)  # as the render does: the page never sees a half-written file


def shown_colour(page) -> list[int]:
    """The RGB of the middle of the frame the page's player shows (drawn onto a canvas)."""
    return page.evaluate(
        """() => {
            const video = document.querySelector('video');
            const canvas = document.createElement('canvas');
            canvas.width = video.videoWidth; canvas.height = video.videoHeight;
            const context = canvas.getContext('2d');
            context.drawImage(video, 0, 0);
            return Array.from(context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data.slice(0, 3));
        }"""
    )


def seek(page, seconds: float) -> None:
    page.evaluate(
        """(to) => new Promise((done) => {
            const video = document.querySelector('video');
            video.addEventListener('seeked', () => done(), {once: true});
            video.currentTime = to;
        })""",
        seconds,
    )


def test_the_draft_page_plays_the_latest_draft(page, review_project):
    """The review page's 样片 link opens the draft page; the first draft appears there by itself, its
    player loads and seeks it (Range requests); the next render pass is swapped in without a reload,
    at the same playing position."""
    draft = video_path(review_project, "web", draft=True)
    with page.context.expect_page() as opened:
        page.click("#drafts")
    drafts = opened.value
    drafts.wait_for_selector("body[data-ready=true]")
    assert "还没有样片" in drafts.inner_text("main")

    solid_draft(draft, "0xC01818", 3)  # the first pass of `render --draft --watch`
    drafts.wait_for_selector("section[data-platform=web] video", timeout=15_000)
    assert drafts.inner_text("h2") == "web"
    drafts.wait_for_function("document.querySelector('video').readyState >= 1")
    assert abs(drafts.evaluate("document.querySelector('video').duration") - 3) < 0.1
    seek(drafts, 2.0)
    red, green, blue = shown_colour(drafts)
    assert red > 150 and green < 60 and blue < 60, (red, green, blue)

    drafts.evaluate("window.__same_page = true")  # gone if the page reloads
    solid_draft(draft, "0x1830C0", 5)  # the next pass
    drafts.wait_for_function("Math.abs(document.querySelector('video').duration - 5) < 0.1", timeout=15_000)
    drafts.wait_for_function("document.querySelector('video').readyState >= 2")
    assert drafts.evaluate("window.__same_page") is True
    assert abs(drafts.evaluate("document.querySelector('video').currentTime") - 2.0) < 0.1
    assert "已换上" in drafts.inner_text("section .updated")
    red, green, blue = shown_colour(drafts)
    assert blue > 150 and red < 60, (red, green, blue)
    doc_shot(drafts, "draft-page")
