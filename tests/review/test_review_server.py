"""The review server over real HTTP: safety rules, the JSON API, saving, approving, the proxy video."""

from __future__ import annotations

import hashlib
import json

import av
import pytest
from review_samples import DRAFT

from pipeline.review.proxy import proxy_path
from pipeline.review.workspace import history_dir
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import read_srt, srt_text
from pipeline.subtitles.store import approval_status, approvals_path, draft_path, producer_path

FIXED = [
    {"start_ms": 0, "end_ms": 1500, "text": "我是王建华"},
    {"start_ms": 1600, "end_ms": 2600, "text": "这一行字幕写得太长"},
    {"start_ms": 2700, "end_ms": 3900, "text": "<script>alert(1)</script>"},
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def opened(client, clip_id="int-001"):
    answer = client.get(f"/api/clips/{clip_id}")
    assert answer.status == 200, answer.body
    return answer.json()


# ---- who may talk to the server --------------------------------------------------------------------


def test_the_page_and_its_files_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "字幕审校" in page.body.decode("utf-8")
    script = client.get("/static/review.js")
    assert script.status == 200 and script.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",  # DNS rebinding: an attacker's name pointed at 127.0.0.1
        "evil.example",
        "localhost",  # no port
        "127.0.0.1:{other}",
        "localhost.evil.example:{port}",
        "",
    ],
)
@pytest.mark.parametrize("path", ["/", "/api/clips", "/api/clips/int-001", "/video/int-001.mp4"])
def test_requests_naming_another_host_are_refused(client, host, path):
    answer = client.get(path, host=host.format(port=client.port, other=client.port + 1))
    assert answer.status == 403
    assert "拒绝访问" in answer.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_requests_naming_this_server_are_answered(client, host):
    assert client.get("/api/clips", host=host.format(port=client.port)).status == 200


def test_a_refused_host_cannot_post_either(client, review_project):
    answer = client.post(
        "/api/clips/int-001/save", {"version": "", "cues": FIXED}, host=f"evil.example:{client.port}"
    )
    assert answer.status == 403
    assert not producer_path(review_project, "int-001").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/%2e%2e%2fhandler.py",
        "/static/..%5chandler.py",
        "/static/handler.py",
        "/static/",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/api/clips/..%2f..%2fproject.toml",
        "/api/clips/%2e%2e",
        "/video/..%2ffootage%2fint-001.mp4",
        "/video/..%2f..%2fproject.toml.mp4",
        "/footage/int-001.mp4",
        "/subtitles/int-001.draft.srt",
    ],
)
def test_no_path_reaches_files_outside_the_page_and_the_index(client, path):
    answer = client.get(path)
    assert answer.status == 404
    assert b"[episode]" not in answer.body and b"root:" not in answer.body and b"import" not in answer.body


@pytest.mark.parametrize(
    "request_line",
    [
        ("GET", "/api/clips/int-999"),
        ("GET", "/api/clips/int-999/proxy"),
        ("GET", "/video/int-999.mp4"),
        ("GET", "/api/clips/project.toml"),
    ],
)
def test_unknown_clips_are_refused(client, request_line):
    method, path = request_line
    answer = client.request(method, path)
    assert answer.status == 404
    assert answer.json()["error"] == "没有这个片段，请刷新页面"


def test_unknown_clips_cannot_be_saved_or_approved(client, review_project):
    assert client.post("/api/clips/int-999/save", {"version": "", "cues": FIXED}).status == 404
    assert client.post("/api/clips/..%2fint-001/save", {"version": "", "cues": FIXED}).status == 404
    assert client.post("/api/clips/int-999/approve", {"version": "", "by": "张红"}).status == 404
    assert sorted(p.name for p in review_project.subtitles_dir.iterdir()) == ["int-001.draft.srt"]


def test_posts_must_be_json_from_this_server(client, review_project):
    version = opened(client)["version"]
    body = json.dumps({"version": version, "cues": FIXED}).encode()
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ):
        answer = client.post("/api/clips/int-001/save", body, content_type=content_type)
        assert answer.status == 415, content_type
    answer = client.post("/api/clips/int-001/save", body, headers={"Origin": "http://evil.example"})
    assert answer.status == 403
    assert not producer_path(review_project, "int-001").exists()
    answer = client.post(
        "/api/clips/int-001/save", body, headers={"Origin": f"http://127.0.0.1:{client.port}"}
    )
    assert answer.status == 200
    assert client.post("/api/clips/int-001/lint", b"{not json").status == 400
    assert client.get("/api/clips/int-001/save").status == 405


# ---- reading ---------------------------------------------------------------------------------------


def test_clip_list_has_names_durations_status_and_counts(client):
    clips = client.get("/api/clips").json()["clips"]
    assert len(clips) == 1
    clip = clips[0]
    assert clip["clip_id"] == "int-001" and clip["original_name"] == "采访 王建华.mp4"
    assert abs(clip["duration_ms"] - 4000) < 100
    assert clip["status"] == "not approved" and clip["source"] == "draft"
    assert clip["errors"] == 1


def test_a_clip_opens_with_cues_draft_findings_and_version(client, review_project):
    data = opened(client)
    assert data["source"] == "draft" and data["file"] == "subtitles/int-001.draft.srt"
    assert data["version"] == sha256(draft_path(review_project, "int-001").read_bytes())
    assert (
        data["cues"]
        == data["draft"]
        == [{"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text} for c in DRAFT]
    )
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert [(f["cue"], f["rule"]) for f in errors] == [(2, "line_length")]
    assert errors[0]["label"] == "单行最多 16 字，这一条有一行 20 字：请删减或分行"
    assert data["status"] == "not approved" and data["approval"] is None
    assert data["proxy"]["url"] == "/video/int-001.mp4"


def test_lint_checks_cues_without_saving(client, review_project):
    findings = client.post("/api/clips/int-001/lint", {"cues": FIXED}).json()["findings"]
    assert not [f for f in findings if f["severity"] == "error"]
    loose = [{"start_ms": 0, "end_ms": 1000, "text": ""}, {"start_ms": 900, "end_ms": 800, "text": "两段"}]
    rules = {
        (f["cue"], f["rule"])
        for f in client.post("/api/clips/int-001/lint", {"cues": loose}).json()["findings"]
    }
    assert {(1, "empty"), (2, "inverted"), (2, "overlap")} <= rules
    assert sorted(p.name for p in review_project.subtitles_dir.iterdir()) == ["int-001.draft.srt"]


# ---- saving ----------------------------------------------------------------------------------------


def test_save_writes_the_producers_file_and_never_the_draft(client, review_project):
    draft_before = draft_path(review_project, "int-001").read_bytes()
    version = opened(client)["version"]
    answer = client.post("/api/clips/int-001/save", {"version": version, "cues": FIXED})
    assert answer.status == 200, answer.body
    saved = answer.json()
    target = producer_path(review_project, "int-001")
    expected = tuple(Cue.from_text(c["start_ms"], c["end_ms"], c["text"]) for c in FIXED)
    assert target.read_text("utf-8") == srt_text(expected)
    assert saved["version"] == sha256(target.read_bytes()) and saved["changed"] and saved["history"] == ""
    assert draft_path(review_project, "int-001").read_bytes() == draft_before
    assert sorted(p.name for p in review_project.subtitles_dir.iterdir()) == [
        "int-001.draft.srt",
        "int-001.srt",
    ]
    data = opened(client)
    assert data["source"] == "producer" and data["version"] == saved["version"]
    assert data["draft"][1]["text"] == DRAFT[1].text  # the draft still shows for the difference


def test_each_save_keeps_the_previous_file(client, review_project):
    version = opened(client)["version"]
    first = client.post("/api/clips/int-001/save", {"version": version, "cues": FIXED}).json()
    before = producer_path(review_project, "int-001").read_bytes()
    edited = [*FIXED[:2], {**FIXED[2], "text": "第三条"}]
    second = client.post("/api/clips/int-001/save", {"version": first["version"], "cues": edited}).json()
    kept = review_project.root / second["history"]
    assert kept.parent == history_dir(review_project) and kept.name.startswith("int-001.")
    assert kept.read_bytes() == before
    assert read_srt(producer_path(review_project, "int-001"))[2].text == "第三条"
    same = client.post("/api/clips/int-001/save", {"version": second["version"], "cues": edited}).json()
    assert not same["changed"] and len(list(history_dir(review_project).iterdir())) == 1


def test_a_save_from_a_stale_page_is_refused(client, review_project):
    version = opened(client)["version"]  # two tabs open the same clip
    assert client.post("/api/clips/int-001/save", {"version": version, "cues": FIXED}).status == 200
    mine = producer_path(review_project, "int-001").read_bytes()
    other = [{**c, "text": "另一个窗口"} for c in FIXED]
    answer = client.post("/api/clips/int-001/save", {"version": version, "cues": other})
    assert answer.status == 409
    assert answer.json()["reason"] == "stale" and "重新载入" in answer.json()["error"]
    assert producer_path(review_project, "int-001").read_bytes() == mine


def test_a_hand_edit_between_load_and_save_is_not_overwritten(client, review_project):
    version = opened(client)["version"]
    draft = draft_path(review_project, "int-001")
    draft.write_text(
        draft.read_text("utf-8").replace("我是王建华", "我叫王建华"), "utf-8"
    )  # `subs fix` ran meanwhile
    assert client.post("/api/clips/int-001/save", {"version": version, "cues": FIXED}).status == 409
    assert not producer_path(review_project, "int-001").exists()


@pytest.mark.parametrize(
    "cues, message",
    [
        ("not a list", "字幕数据格式不对"),
        ([], "没有任何字幕"),
        ([{"start_ms": "0", "end_ms": 1000, "text": "好"}], "第 1 条字幕的时间不是整数毫秒"),
        ([{"start_ms": 0.5, "end_ms": 1000, "text": "好"}], "第 1 条字幕的时间不是整数毫秒"),
        ([{"start_ms": True, "end_ms": 1000, "text": "好"}], "第 1 条字幕的时间不是整数毫秒"),
        ([{"start_ms": -5, "end_ms": 1000, "text": "好"}], "第 1 条字幕的时间不是整数毫秒"),
        ([FIXED[0], {"start_ms": 2000, "end_ms": 2000, "text": "好"}], "第 2 条字幕的结束时间不晚于开始时间"),
        ([FIXED[0], {"start_ms": 2000, "end_ms": 3000, "text": "  \n "}], "第 2 条字幕没有文字"),
        ([{"start_ms": 0, "end_ms": 1000, "text": 5}], "第 1 条字幕的文字格式不对"),
        ([{"start_ms": 0, "end_ms": 1000, "text": "a\n00:00:01,000 --> 00:00:02,000"}], "不能有这个符号"),
        (["cue"], "第 1 条字幕格式不对"),
    ],
)
def test_bad_cues_are_refused_with_a_message(client, review_project, cues, message):
    version = opened(client)["version"]
    answer = client.post("/api/clips/int-001/save", {"version": version, "cues": cues})
    assert answer.status == 400
    assert message in answer.json()["error"]
    assert not producer_path(review_project, "int-001").exists()


def test_a_save_without_a_version_is_refused(client, review_project):
    assert client.post("/api/clips/int-001/save", {"cues": FIXED}).status == 400
    assert not producer_path(review_project, "int-001").exists()


def test_markup_round_trips_as_data(client, review_project):
    markup = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    cues = [*FIXED[:2], {"start_ms": 2700, "end_ms": 3900, "text": markup}]
    version = opened(client)["version"]
    assert client.post("/api/clips/int-001/save", {"version": version, "cues": cues}).status == 200
    assert markup in producer_path(review_project, "int-001").read_text("utf-8")
    answer = client.get("/api/clips/int-001")
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.json()["cues"][2]["text"] == markup


# ---- approving -------------------------------------------------------------------------------------


def test_approval_is_refused_while_errors_remain_and_recorded_when_clean(client, review_project):
    version = opened(client)["version"]
    refused = client.post("/api/clips/int-001/approve", {"version": version, "by": "张红"})
    assert refused.status == 409
    body = refused.json()
    assert body["reason"] == "errors"
    assert body["error"].startswith("还有 1 处错误没有改正（第 2 条：单行最多 16 字")
    assert (
        not approvals_path(review_project).exists() and not producer_path(review_project, "int-001").exists()
    )

    saved = client.post("/api/clips/int-001/save", {"version": version, "cues": FIXED}).json()
    answer = client.post("/api/clips/int-001/approve", {"version": saved["version"], "by": " 张红 "})
    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "approved" and answer.json()["approval"]["by"] == "张红"
    record = json.loads(approvals_path(review_project).read_text("utf-8"))["int-001"]
    assert record["by"] == "张红" and record["file"] == "subtitles/int-001.srt"
    assert record["sha256"] == sha256(producer_path(review_project, "int-001").read_bytes())
    assert approval_status(review_project, "int-001") == "approved"
    assert client.get("/api/clips").json()["clips"][0]["status"] == "approved"


def test_a_clean_draft_is_approved_as_subs_approve_does(client, review_project):
    # no producers' file yet: approving creates it from the draft, byte for byte
    cues = tuple(Cue.from_text(c["start_ms"], c["end_ms"], c["text"]) for c in FIXED)
    draft = draft_path(review_project, "int-001")
    draft.write_text(srt_text(cues), "utf-8")
    version = opened(client)["version"]
    assert client.post("/api/clips/int-001/approve", {"version": version, "by": "张红"}).status == 200
    assert producer_path(review_project, "int-001").read_bytes() == draft.read_bytes()
    assert approval_status(review_project, "int-001") == "approved"


def test_saving_an_approved_file_shows_it_changed_and_keeps_the_record(client, review_project):
    version = opened(client)["version"]
    saved = client.post("/api/clips/int-001/save", {"version": version, "cues": FIXED}).json()
    client.post("/api/clips/int-001/approve", {"version": saved["version"], "by": "张红"})
    record = approvals_path(review_project).read_bytes()
    edited = [*FIXED[:2], {**FIXED[2], "text": "改过了"}]
    answer = client.post("/api/clips/int-001/save", {"version": saved["version"], "cues": edited})
    assert answer.status == 200 and answer.json()["status"] == "changed since approval"
    assert approvals_path(review_project).read_bytes() == record
    assert opened(client)["status"] == "changed since approval"


def test_approval_needs_a_name_and_the_current_version(client, review_project):
    version = opened(client)["version"]
    saved = client.post("/api/clips/int-001/save", {"version": version, "cues": FIXED}).json()
    assert client.post("/api/clips/int-001/approve", {"version": saved["version"], "by": "  "}).status == 400
    assert client.post("/api/clips/int-001/approve", {"version": saved["version"]}).status == 400
    stale = client.post("/api/clips/int-001/approve", {"version": version, "by": "张红"})
    assert stale.status == 409 and stale.json()["reason"] == "stale"
    assert not approvals_path(review_project).exists()


# ---- the proxy video -------------------------------------------------------------------------------


def test_the_proxy_is_small_browser_friendly_and_made_once(client, review_project):
    client.wait_for_proxy("int-001")
    path = proxy_path(review_project, "int-001")
    with av.open(str(path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264" and video.codec_context.profile in (
            "Baseline",
            "Constrained Baseline",
        )
        assert (video.width, video.height) == (320, 240)  # never enlarged
        assert audio.codec_context.name == "aac"
        assert abs(container.duration / 1_000_000 - 4.0) < 0.2
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temp file left
    mtime = path.stat().st_mtime_ns
    client.wait_for_proxy("int-001")
    assert path.stat().st_mtime_ns == mtime


def test_video_is_served_with_byte_ranges(client, review_project):
    client.wait_for_proxy("int-001")
    data = proxy_path(review_project, "int-001").read_bytes()
    size = len(data)
    whole = client.get("/video/int-001.mp4")
    assert whole.status == 200 and whole.body == data
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["content-type"] == "video/mp4"

    part = client.get("/video/int-001.mp4", headers={"Range": "bytes=0-99"})
    assert part.status == 206 and part.body == data[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{size}" and part.headers["content-length"] == "100"
    rest = client.get("/video/int-001.mp4", headers={"Range": "bytes=1000-"})
    assert rest.status == 206 and rest.body == data[1000:]
    tail = client.get("/video/int-001.mp4", headers={"Range": "bytes=-10"})
    assert tail.status == 206 and tail.body == data[-10:]
    past = client.get("/video/int-001.mp4", headers={"Range": f"bytes={size}-"})
    assert past.status == 416 and past.headers["content-range"] == f"bytes */{size}"


def test_a_clip_comes_with_its_flags_from_the_transcript(client, review_project):
    from pipeline.project.files import atomic_write_json
    from pipeline.transcribe.step import transcript_path
    from pipeline.transcribe.transcript import Correction, Segment, Transcript, Word

    assert opened(client)["flags"] == []  # no transcript yet: nothing to flag
    words = (Word(0, 500, "我是", 0.95), Word(500, 1000, "王建", 0.3), Word(1000, 1500, "华", 0.9))
    correction = Correction(0, 2, 500, 1500, "王见华", "王建华", "glossary term, same sound", 8.2)
    transcript = Transcript(
        "int-001", "zh", "fake", (Segment(0, 1500, "我是王建华", words),), corrections=(correction,)
    )
    atomic_write_json(transcript_path(review_project, "int-001"), transcript.to_dict())

    assert opened(client)["flags"] == [
        {
            "kind": "corrected",
            "start_ms": 500,
            "end_ms": 1500,
            "text": "王建华",
            "original": "王见华",
            "reason": "glossary term, same sound",
            "score": 8.2,
        }
    ]  # the low-confidence 王建 lies inside the correction: flagged once


def test_the_draft_page_plays_the_latest_draft_with_byte_ranges(client, review_project):
    from pipeline.render.outputs import video_path

    empty = client.get("/draft")
    assert empty.status == 200 and "还没有样片" in empty.body.decode("utf-8")
    assert client.get("/draft/web.mp4").status == 404
    draft = video_path(review_project, "web", draft=True)
    draft.parent.mkdir(parents=True)
    data = bytes(range(256)) * 40  # the server sends the file as it is
    draft.write_bytes(data)
    page = client.get("/draft")
    assert page.status == 200 and "default-src 'none'" in page.headers["content-security-policy"]
    assert '<video controls preload="metadata" src="/draft/web.mp4?v=' in page.body.decode("utf-8")
    whole = client.get("/draft/web.mp4")
    assert whole.status == 200 and whole.body == data and whole.headers["content-type"] == "video/mp4"
    part = client.get("/draft/web.mp4", headers={"Range": "bytes=100-199"})
    assert part.status == 206 and part.body == data[100:200]
    assert client.get("/").body.decode("utf-8").count('href="/draft"') == 1  # the review page links it


def test_the_draft_versions_change_with_each_render_pass(client, review_project):
    import os

    from pipeline.render.outputs import video_path

    assert json.loads(client.get("/api/drafts").body) == {}
    draft = video_path(review_project, "web", draft=True)
    draft.parent.mkdir(parents=True)
    draft.write_bytes(b"first pass")
    first = json.loads(client.get("/api/drafts").body)
    assert list(first) == ["web"]
    page = client.get("/draft").body.decode("utf-8")
    assert f'data-platform="web" data-version="{first["web"]}"' in page
    assert '<script src="/static/drafts.js" defer></script>' in page
    assert client.get("/static/drafts.js").status == 200
    newer = draft.with_name("next.mp4")
    newer.write_bytes(b"second pass")
    stat = draft.stat()
    os.utime(newer, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    newer.replace(draft)  # as the render does: renamed into place
    assert json.loads(client.get("/api/drafts").body)["web"] != first["web"]
