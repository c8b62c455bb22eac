"""`pipeline batch` end to end on three tiny episodes, with the local process pool."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from batch_projects import SLUGS, WEEK, corrupt_footage, project_folder
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.media.probe import probe


def run(*args: str):
    return CliRunner().invoke(cli, ["batch", *args])


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def summary(root: Path, week: str = WEEK) -> dict:
    return json.loads((root / "outbox" / week / "summary.json").read_text("utf-8"))


def statuses(root: Path, week: str = WEEK) -> dict[str, str]:
    return {e["episode"]: e["status"] for e in summary(root, week)["episodes"]}


def assert_package_intact(package: Path) -> dict:
    record = json.loads((package / "publish.json").read_text("utf-8"))
    assert record["files"], package
    for name, digest in record["files"].items():
        assert hashlib.sha256((package / name).read_bytes()).hexdigest() == digest, name
    return record


def test_two_packaged_one_failed_then_only_the_fixed_one_is_rendered(week_root):
    clip, original = corrupt_footage(week_root, 3)
    outbox = week_root / "outbox" / WEEK

    first = run(str(week_root), "--week", WEEK)

    assert first.exit_code == 1, first.output
    assert first.stderr == (
        f"Error: 1 of 3 episodes failed ({SLUGS[2]}); see {outbox / 'summary.md'} and each "
        "episode's log; fix them and run the batch again (finished episodes are kept)\n"
    )
    log = project_folder(week_root, 3).resolve() / ".cache" / "batch" / f"{WEEK}.log"
    assert f"failed     {SLUGS[2]}: " in first.stdout
    assert f"log: {log}" in first.stdout
    for slug in SLUGS[:2]:
        assert f"rendered   {slug}: rendered web (" in first.stdout
    assert statuses(week_root) == {SLUGS[0]: "rendered", SLUGS[1]: "rendered", SLUGS[2]: "failed"}
    assert sorted(p.name for p in outbox.iterdir()) == [*SLUGS[:2], "summary.json", "summary.md"]
    failed = next(e for e in summary(week_root)["episodes"] if e["status"] == "failed")
    assert failed["log"] == str(log)
    assert "Invalid data found when processing input" in failed["reason"]
    logged = log.read_text("utf-8")
    assert "DEBUG pipeline.ffmpeg: " in logged and str(clip) in logged  # the ffmpeg command that failed
    assert "ERROR pipeline.batch: failed: " in logged
    assert "the end of ffmpeg's messages:" in logged and "Invalid data found" in logged
    markdown = (outbox / "summary.md").read_text("utf-8")
    assert f"| {SLUGS[0]} | rendered | rendered web (" in markdown
    assert f"[{SLUGS[0]}/]({SLUGS[0]}/publish.json)" in markdown
    assert f"| {SLUGS[2]} | failed | " in markdown

    record = assert_package_intact(outbox / SLUGS[0])
    video = probe(outbox / SLUGS[0] / record["qc"][0]["file"])
    assert (video.video.width, video.video.height) == (320, 180)
    assert abs(video.duration_ms / 1000 - record["qc"][0]["duration_s"]) < 0.1
    assert record["qc"][0]["problems"] == []
    assert -16 <= record["qc"][0]["loudness_lufs"] <= -14
    assert record["title"] == "《我是党员》驻村路上" and record["author"] == "中共示例县委组织部"
    finished = {slug: mtimes(outbox / slug) for slug in SLUGS[:2]}
    exports = {n: mtimes(project_folder(week_root, n) / "exports") for n in (1, 2)}

    clip.write_bytes(original)
    second = run(str(week_root))  # every week: the same three episodes

    assert second.exit_code == 0, second.output
    assert statuses(week_root) == {SLUGS[0]: "up to date", SLUGS[1]: "up to date", SLUGS[2]: "rendered"}
    assert f"up to date {SLUGS[0]}: outputs and package up to date" in second.stdout
    assert {slug: mtimes(outbox / slug) for slug in SLUGS[:2]} == finished
    assert {n: mtimes(project_folder(week_root, n) / "exports") for n in (1, 2)} == exports
    assert_package_intact(outbox / SLUGS[2])

    third = run(str(week_root), "--week", WEEK)
    assert third.exit_code == 0
    assert set(statuses(week_root).values()) == {"up to date"}


def test_skipped_episodes_say_why_and_drafts_go_to_their_own_outbox(week_root):
    (project_folder(week_root, 2) / "subtitles" / "approvals.json").unlink()
    toml = project_folder(week_root, 1) / "project.toml"
    toml.write_text(toml.read_text("utf-8").replace(WEEK, "2026-W49"), "utf-8")

    result = run(str(week_root), "--week", WEEK, "--draft")

    assert result.exit_code == 0, result.output
    drafts = week_root / "outbox" / f"{WEEK}-draft"
    assert statuses(week_root, f"{WEEK}-draft") == {SLUGS[1]: "skipped", SLUGS[2]: "rendered"}
    skipped = next(e for e in summary(week_root, f"{WEEK}-draft")["episodes"] if e["status"] == "skipped")
    assert skipped["reason"].startswith("not ready: subtitles not approved: int-001 (`pipeline subs approve ")
    assert f"skipped    {SLUGS[1]}: not ready: subtitles not approved" in result.stdout
    assert not (week_root / "outbox" / WEEK).exists()
    record = assert_package_intact(drafts / SLUGS[2])
    assert record["draft"] is True
    assert (record["qc"][0]["width"], record["qc"][0]["height"]) == (640, 360)
    assert not (drafts / SLUGS[1]).exists()


def test_killing_the_batch_loses_nothing_already_finished(week_root):
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "batch", str(week_root), "--week", WEEK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        done: list[str] = []
        while not done and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            try:
                done = [s for s, status in statuses(week_root).items() if status == "rendered"]
            except (OSError, ValueError):
                pass
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the batch and its worker process, mid-render
        process.wait()
    assert done, "no episode finished within 60 s"
    assert "pending" in statuses(week_root).values()  # killed half-way, as intended
    finished = done[0]
    record = assert_package_intact(week_root / "outbox" / WEEK / finished)
    before = mtimes(week_root / "outbox" / WEEK / finished)

    again = run(str(week_root), "--week", WEEK)

    assert again.exit_code == 0, again.output
    after = statuses(week_root)
    assert after[finished] == "up to date"
    assert {after[s] for s in SLUGS if s != finished} <= {"rendered", "packaged"}
    assert mtimes(week_root / "outbox" / WEEK / finished) == before
    assert assert_package_intact(week_root / "outbox" / WEEK / finished)["files"] == record["files"]
    for slug in SLUGS:
        assert_package_intact(week_root / "outbox" / WEEK / slug)
    leftovers = [p.name for p in (week_root / "outbox" / WEEK).iterdir() if p.name.startswith(".")]
    assert leftovers == []  # a package or summary being written at the kill is cleared by the rerun


def test_usage_and_setup_errors(week_root, tmp_path):
    bad_week = run(str(week_root), "--week", "2026-48")
    assert bad_week.exit_code == 2
    assert "'2026-48' is not an ISO week; write it like 2026-W48" in bad_week.stderr

    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run(str(empty))
    assert nothing.exit_code == 1
    assert nothing.stderr == (
        f"Error: {empty}: no project folders (with project.toml) found under it; check the path\n"
    )

    missing = run(str(tmp_path / "nowhere"))
    assert missing.exit_code == 1
    assert missing.stderr == (
        f"Error: {tmp_path / 'nowhere'}: not a folder; give the folder that holds the "
        "episodes' project folders\n"
    )

    other_week = run(str(week_root), "--week", "2027-W01")
    assert other_week.exit_code == 0
    assert other_week.stdout == f"No episodes scheduled for 2027-W01 under {week_root}.\n"

    unreachable = run(
        str(week_root), "--week", WEEK, "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "0.5"
    )
    assert unreachable.exit_code == 1
    assert unreachable.stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert unreachable.stderr.endswith(
        "; start it with `dask scheduler` or check --scheduler (tls://HOST:8786)\n"
    )
    assert len(unreachable.stderr.splitlines()) == 1
