"""Drafts, producers' files and approvals: the machine never modifies an approved file."""

from __future__ import annotations

import json

import pytest
from subs_samples import BAD_CUES, GOOD_CUES, file_hashes

from pipeline.errors import SubtitleError
from pipeline.subtitles.checks import fix_drafts, lint_project
from pipeline.subtitles.srt_io import read_srt, srt_text
from pipeline.subtitles.store import (
    approval_status,
    approve,
    approved_cues,
    draft_path,
    load_approvals,
    producer_path,
    working_cues,
    write_draft,
)


def test_paths(subs_project):
    assert draft_path(subs_project, "int-001") == subs_project.root / "subtitles" / "int-001.draft.srt"
    assert producer_path(subs_project, "int-001") == subs_project.root / "subtitles" / "int-001.srt"


def test_write_draft_never_touches_the_producers_file(subs_project):
    producers = producer_path(subs_project, "int-001")
    producers.write_text("1\n00:00:01,000 --> 00:00:02,000\n制片人改过的\n", "utf-8")
    before = producers.read_bytes()
    write_draft(subs_project, "int-001", GOOD_CUES)
    assert producers.read_bytes() == before
    assert read_srt(draft_path(subs_project, "int-001")) == GOOD_CUES


def test_working_cues_prefers_the_producers_file(subs_project):
    with pytest.raises(SubtitleError, match="no subtitles for int-001 yet; run `pipeline transcribe"):
        working_cues(subs_project, "int-001")
    write_draft(subs_project, "int-001", GOOD_CUES)
    assert working_cues(subs_project, "int-001") == GOOD_CUES
    producer_path(subs_project, "int-001").write_text("1\n00:00:01,000 --> 00:00:02,000\n改过\n", "utf-8")
    assert working_cues(subs_project, "int-001")[0].lines == ("改过",)


def test_approve_creates_the_producers_file_from_the_draft_and_records_it(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    records = approve(subs_project, "李编辑")
    assert [r.clip_id for r in records] == ["int-001", "int-002"]
    producers = producer_path(subs_project, "int-001")
    assert producers.read_bytes() == draft_path(subs_project, "int-001").read_bytes()
    record = load_approvals(subs_project)["int-001"]
    assert record.file == "subtitles/int-001.srt" and record.by == "李编辑" and record.forced_reason is None
    assert record.at.endswith("Z") and record.at.startswith("20")
    import hashlib

    assert record.sha256 == hashlib.sha256(producers.read_bytes()).hexdigest()
    raw = json.loads((subs_project.subtitles_dir / "approvals.json").read_text("utf-8"))
    assert set(raw["int-001"]) == {"file", "sha256", "by", "at", "forced_reason"}
    assert approval_status(subs_project, "int-001") == "approved"
    assert approved_cues(subs_project, "int-001") == GOOD_CUES


def test_approve_refuses_while_errors_remain_and_writes_nothing(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    draft = draft_path(subs_project, "int-002")
    draft.write_text(srt_text(BAD_CUES[:1]) + "2\n00:00:03,900 --> 00:00:06,200\n说实话\n", "utf-8")
    before = file_hashes(subs_project.subtitles_dir)
    with pytest.raises(SubtitleError) as info:
        approve(subs_project, "李编辑")
    assert str(info.value).startswith(f"{draft}: 4 lint errors remain (cue 1: line_length,")
    assert str(info.value).endswith("or approve with --force --reason TEXT")
    assert file_hashes(subs_project.subtitles_dir) == before
    assert approval_status(subs_project, "int-001") == "not approved"


def test_forced_approval_records_the_reason(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    producer_path(subs_project, "int-002").write_text(srt_text(BAD_CUES[:1]), "utf-8")
    records = approve(subs_project, "李编辑", force_reason="台标遮挡，已与主任确认")
    by_clip = {r.clip_id: r for r in records}
    assert by_clip["int-002"].forced_reason == "台标遮挡，已与主任确认"
    assert by_clip["int-001"].forced_reason is None  # nothing was forced for a clean clip
    assert approval_status(subs_project, "int-002") == "approved"


def test_approve_one_clip(subs_project):
    write_draft(subs_project, "int-002", GOOD_CUES)
    (record,) = approve(subs_project, "李编辑", ["int-002"])
    assert record.clip_id == "int-002"
    assert approval_status(subs_project, "int-001") == "not approved"
    assert not producer_path(subs_project, "int-001").exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"by": " "}, "the approver's name is empty; give it with --by NAME"),
        (
            {"by": "李编辑", "force_reason": " "},
            "the reason for forcing the approval is empty; give it with --reason TEXT",
        ),
        (
            {"by": "李编辑", "clip_ids": ["broll-001"]},
            "no interview clip 'broll-001'; interview clips: int-001, int-002",
        ),
    ],
)
def test_approve_argument_errors(subs_project, kwargs, message):
    with pytest.raises(SubtitleError, match=message):
        approve(subs_project, **kwargs)


def test_approve_without_subtitles(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    with pytest.raises(SubtitleError, match=r"int-002.draft.srt: no subtitles for int-002 yet"):
        approve(subs_project, "李编辑")


def test_edits_after_approval_are_detected(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    approve(subs_project, "李编辑", ["int-001"])
    producers = producer_path(subs_project, "int-001")
    producers.write_text(producers.read_text("utf-8").replace("王建华", "王建国"), "utf-8")
    assert approval_status(subs_project, "int-001") == "changed since approval"
    with pytest.raises(
        SubtitleError, match=r"int-001.srt: changed since approval; re-approve with `pipeline subs"
    ):
        approved_cues(subs_project, "int-001")
    approve(subs_project, "王主任", ["int-001"])  # re-approval covers the new content
    assert approved_cues(subs_project, "int-001")[0].lines == ("我叫王建国",)
    producers.unlink()
    assert approval_status(subs_project, "int-001") == "changed since approval"


def test_not_approved(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    with pytest.raises(
        SubtitleError, match=r"int-001.srt: not approved; review it and run `pipeline subs approve"
    ):
        approved_cues(subs_project, "int-001")


def test_approvals_survive_later_approvals_and_drafts(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    approve(subs_project, "李编辑", ["int-001"])
    write_draft(subs_project, "int-001", GOOD_CUES[:1])  # a re-transcription replaces the draft only
    approve(subs_project, "王主任", ["int-002"])
    records = load_approvals(subs_project)
    assert records["int-001"].by == "李编辑" and records["int-002"].by == "王主任"
    assert approval_status(subs_project, "int-001") == "approved"
    assert approved_cues(subs_project, "int-001") == GOOD_CUES


def test_corrupt_approvals_file(subs_project):
    (subs_project.subtitles_dir / "approvals.json").write_text("{not json", "utf-8")
    with pytest.raises(
        SubtitleError, match=r"approvals.json: approval records unreadable .*restore the file"
    ):
        load_approvals(subs_project)


def test_no_machine_step_modifies_an_approved_file(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    # saved by a Windows editor: BOM, CRLF, no numbers, odd spacing; any rewrite would change its bytes
    producer_path(subs_project, "int-002").write_bytes(
        "\ufeff00:00:01,000 --> 00:00:03,000\r\n我叫王建华 \r\n\r\n\r\n00:00:03,200 --> 00:00:06,200\r\n是队员\r\n".encode(
            "utf-8"
        )
    )
    handmade = producer_path(subs_project, "int-002").read_bytes()
    approve(subs_project, "李编辑", force_reason="先审后改")
    assert producer_path(subs_project, "int-002").read_bytes() == handmade
    approved = {c: producer_path(subs_project, c).read_bytes() for c in ("int-001", "int-002")}
    steps = [
        lambda: fix_drafts(subs_project),
        lambda: lint_project(subs_project),
        lambda: lint_project(subs_project, vertical=True),
        lambda: write_draft(subs_project, "int-001", GOOD_CUES),
        lambda: approve(subs_project, "王主任", force_reason="再审"),
        lambda: approved_cues(subs_project, "int-001"),
        lambda: working_cues(subs_project, "int-002"),
    ]
    for step in steps:
        step()
        for clip_id, data in approved.items():
            assert producer_path(subs_project, clip_id).read_bytes() == data
    assert approval_status(subs_project, "int-001") == "approved"


def test_lint_project_reports_missing_and_uses_the_producers_file(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    results = lint_project(subs_project)
    assert [r.clip_id for r in results] == ["int-001", "int-002"]
    assert results[0].path == draft_path(subs_project, "int-001")
    assert {f.rule for f in results[0].findings} >= {"line_length", "traditional", "glossary", "overlap"}
    assert [(f.rule, f.severity) for f in results[1].findings] == [("missing_subtitles", "warning")]
    producer_path(subs_project, "int-001").write_text(srt_text(GOOD_CUES), "utf-8")
    assert lint_project(subs_project)[0].findings == ()


def test_fix_drafts(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    results = fix_drafts(subs_project)
    first, second = results
    assert first.fixed and first.changed and any(f.severity == "error" for f in first.before)
    assert not any(f.severity == "error" for f in first.after)
    assert not any(f.severity == "error" for f in lint_project(subs_project)[0].findings)
    assert not second.fixed and not draft_path(subs_project, "int-002").exists()
    again = fix_drafts(subs_project)[0]
    assert again.fixed and not again.changed


def test_project_qc_overrides_apply(subs_project):
    import tomllib

    import tomli_w

    from pipeline.project.model import load_project

    data = tomllib.loads(subs_project.file.read_text("utf-8"))
    data["overrides"] = {"qc": {"severity": {"min_duration": "error"}}}
    subs_project.file.write_text(tomli_w.dumps(data), "utf-8")
    project = load_project(subs_project.root)
    write_draft(project, "int-001", (GOOD_CUES[0].with_times(1000, 1700),))
    (finding,) = lint_project(project, clip_ids=["int-001"])[0].findings
    assert (finding.rule, finding.severity) == ("min_duration", "error")


def test_lint_uses_the_office_glossary_and_the_subject(subs_project):
    # "共产当员" is a wrong form in presets/glossary.toml, not in the project's own glossary
    write_draft(subs_project, "int-001", (GOOD_CUES[0], GOOD_CUES[1].with_lines(("我是共产当员",))))
    findings = lint_project(subs_project, clip_ids=["int-001"])[0].findings
    assert [(f.cue, f.rule, f.message) for f in findings] == [
        (2, "glossary", "has 共产当员; the glossary says 共产党员")
    ]
    fixed = fix_drafts(subs_project, ["int-001"])[0]
    assert fixed.changed and read_srt(draft_path(subs_project, "int-001"))[1].lines == ("我是共产党员",)
