"""`pipeline subs lint | fix | approve | status`: exit codes, exact Error lines, approved files untouched."""

from __future__ import annotations

import json

from click.testing import CliRunner
from subs_samples import BAD_CUES, GOOD_CUES, file_hashes

from pipeline.cli import cli
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import srt_text
from pipeline.subtitles.store import approval_status, draft_path, load_approvals, producer_path, write_draft


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_lint_clean_project_exits_0(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    result = run("subs", "lint", subs_project.root)
    assert result.exit_code == 0, result.output
    assert "int-001  subtitles/int-001.draft.srt: 0 errors, 0 warnings" in result.stdout
    assert result.stderr == ""


def test_lint_errors_exit_1_with_one_error_line(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    result = run("subs", "lint", subs_project.root)
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: 4 subtitle errors in subtitles/int-001.draft.srt; run `pipeline subs fix {subs_project.root}` "
        "for drafts, correct producers' files by hand"
    )
    assert "int-001  subtitles/int-001.draft.srt: 4 errors" in result.stdout
    assert "traditional" in result.stdout and "黨員" in result.stdout
    assert "int-002  no subtitles: 0 errors, 1 warning" in result.stdout


def test_lint_json(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    result = run("subs", "lint", subs_project.root, "--json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert {tuple(sorted(f)) for f in findings} == {
        ("clip", "cue", "end_ms", "message", "rule", "severity", "start_ms")
    }
    rules = {(f["clip"], f["cue"], f["rule"], f["severity"]) for f in findings}
    assert ("int-001", 1, "glossary", "error") in rules
    assert ("int-001", 2, "overlap", "error") in rules
    assert ("int-002", 0, "missing_subtitles", "warning") in rules
    first = next(f for f in findings if f["rule"] == "line_length")
    assert (first["start_ms"], first["end_ms"]) == (1000, 4000)


def test_lint_vertical(subs_project):
    two_lines = (Cue(1000, 4000, ("我叫王建华", "是一名队员")),)
    write_draft(subs_project, "int-001", two_lines)
    write_draft(subs_project, "int-002", GOOD_CUES[:1])
    assert run("subs", "lint", subs_project.root).exit_code == 0
    result = run("subs", "lint", subs_project.root, "--vertical", "--json")
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)] == ["lines_per_cue"]


def test_lint_lints_the_producers_file_and_refuses_garbage_with_its_line(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    producers = producer_path(subs_project, "int-001")
    producers.write_bytes(
        b"1\r\n00:00:01,000 --> 00:00:02,000\r\n\xce\xd2\xc3\xc7\r\n\r\n\xc0\xac\xbb\xf8\r\n"
    )  # GBK
    result = run("subs", "lint", subs_project.root)
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: {producers}, line 5: text outside any cue ('垃圾'); a blank line inside a cue or a missing "
        "timing line: join it to the cue above or add its timing"
    )


def test_fix_rewrites_drafts_and_never_the_producers_file(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    write_draft(subs_project, "int-002", BAD_CUES)
    producers = producer_path(subs_project, "int-002")
    producers.write_text(srt_text(BAD_CUES), "utf-8")  # the producers' own (bad) file
    before = producers.read_bytes()
    result = run("subs", "fix", subs_project.root)
    assert result.exit_code == 0, result.output
    assert producers.read_bytes() == before
    lines = result.stdout.splitlines()
    assert lines[0].startswith("int-001: subtitles/int-001.draft.srt fixed (")
    assert "(0 errors left)" in lines[0]
    assert lines[1].endswith("(subtitles/int-002.srt is the producers' file: not touched)")
    # the draft is clean now; the clip whose producers' file is bad still fails lint
    lint = run("subs", "lint", subs_project.root, "--json")
    assert {f["clip"] for f in json.loads(lint.stdout) if f["severity"] == "error"} == {"int-002"}
    again = run("subs", "fix", subs_project.root)
    assert "int-001: subtitles/int-001.draft.srt unchanged" in again.stdout


def test_fix_without_drafts(subs_project):
    result = run("subs", "fix", subs_project.root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "int-001: no draft (subtitles/int-001.draft.srt); run `pipeline transcribe` first"
    )


def test_approve_refuses_with_errors(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    before = file_hashes(subs_project.subtitles_dir)
    result = run("subs", "approve", subs_project.root, "--by", "李编辑")
    assert result.exit_code == 1
    assert error_line(result).startswith(
        f"Error: {draft_path(subs_project, 'int-001')}: 4 lint errors remain (cue 1: line_length, line 1 is "
    )
    assert error_line(result).endswith("or approve with --force --reason TEXT")
    assert file_hashes(subs_project.subtitles_dir) == before


def test_approve_then_fix_then_approve_again(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    assert run("subs", "fix", subs_project.root).exit_code == 0
    result = run("subs", "approve", subs_project.root, "--by", "李编辑")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Approved int-001: subtitles/int-001.srt (sha256 ")
    assert " by 李编辑 at " in result.stdout
    approved = {c: producer_path(subs_project, c).read_bytes() for c in ("int-001", "int-002")}
    # every command afterwards leaves the approved files exactly as they were
    for args in (
        ("subs", "fix", subs_project.root),
        ("subs", "lint", subs_project.root),
        ("subs", "lint", subs_project.root, "--vertical"),
        ("subs", "status", subs_project.root),
        ("subs", "approve", subs_project.root, "--by", "王主任"),
    ):
        run(*args)
        assert {c: producer_path(subs_project, c).read_bytes() for c in approved} == approved
    status = run("subs", "status", subs_project.root)
    assert status.stdout.splitlines() == [
        "int-001  approved  (subtitles/int-001.srt)",
        "int-002  approved  (subtitles/int-002.srt)",
    ]


def test_approve_force_with_reason_and_one_clip(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    result = run(
        "subs",
        "approve",
        subs_project.root,
        "--by",
        "李编辑",
        "--clip",
        "int-001",
        "--force",
        "--reason",
        "主任同意",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("[forced: 主任同意]")
    assert load_approvals(subs_project)["int-001"].forced_reason == "主任同意"
    assert approval_status(subs_project, "int-002") == "not approved"


def test_approve_usage_errors_exit_2(subs_project):
    write_draft(subs_project, "int-001", BAD_CUES)
    assert run("subs", "approve", subs_project.root).exit_code == 2  # --by is required
    result = run("subs", "approve", subs_project.root, "--by", "李编辑", "--force")
    assert result.exit_code == 2
    assert "--force needs --reason TEXT" in result.stderr
    assert run("subs", "approve", subs_project.root, "--by", "李编辑", "--reason", "x").exit_code == 2


def test_approve_unknown_clip(subs_project):
    result = run("subs", "approve", subs_project.root, "--by", "李编辑", "--clip", "int-009")
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: {subs_project.footage_dir}: no interview clip 'int-009'; interview clips: int-001, int-002"
    )


def test_status_shows_changes_since_approval(subs_project):
    write_draft(subs_project, "int-001", GOOD_CUES)
    run("subs", "approve", subs_project.root, "--by", "李编辑", "--clip", "int-001")
    producers = producer_path(subs_project, "int-001")
    producers.write_text(producers.read_text("utf-8") + "\n", "utf-8")
    lines = run("subs", "status", subs_project.root).stdout.splitlines()
    assert lines == [
        "int-001  changed since approval  (subtitles/int-001.srt)",
        "int-002  not approved  (no subtitles yet)",
    ]


def test_project_without_interview_clips(project):
    result = run("subs", "lint", project.root)
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: {project.footage_dir}: no interview clips; "
        f"`pipeline ingest {project.root} FILE --role interview` first"
    )


def test_not_a_project(tmp_path):
    result = run("subs", "lint", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert error_line(result).startswith("Error: ") and "project folder not found" in result.stderr
