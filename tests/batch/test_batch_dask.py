"""`pipeline batch --scheduler`: the same jobs on a Dask cluster, in-process and as separate processes."""

import json
import logging
from pathlib import Path

import pytest
from batch_projects import SLUGS, WEEK, corrupt_footage, project_folder
from click.testing import CliRunner
from dask_processes import dask_processes

from pipeline.cli import cli

pytestmark = pytest.mark.slow


def statuses(root: Path) -> dict[str, str]:
    data = json.loads((root / "outbox" / WEEK / "summary.json").read_text("utf-8"))
    return {e["episode"]: e["status"] for e in data["episodes"]}


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def fail_fix_rerun(root: Path, address: str) -> None:
    """One broken episode: two packaged and one reported (exit 1); fixed: only that one is rendered."""
    clip, original = corrupt_footage(root, 3)
    runner = CliRunner()
    first = runner.invoke(
        cli, ["batch", str(root), "--week", WEEK, "--scheduler", address, "--connect-timeout", "30"]
    )
    assert first.exit_code == 1, first.output
    assert first.stderr.startswith(f"Error: 1 of 3 episodes failed ({SLUGS[2]}); see ")
    assert statuses(root) == {SLUGS[0]: "rendered", SLUGS[1]: "rendered", SLUGS[2]: "failed"}
    outbox = root / "outbox" / WEEK
    assert (outbox / SLUGS[0] / "publish.json").is_file() and (outbox / SLUGS[1] / "publish.json").is_file()
    assert not (outbox / SLUGS[2]).exists()
    log = project_folder(root, 3) / ".cache" / "batch" / f"{WEEK}.log"
    assert "DEBUG pipeline.ffmpeg: " in log.read_text("utf-8")
    finished = {slug: mtimes(outbox / slug) for slug in SLUGS[:2]}

    clip.write_bytes(original)
    second = runner.invoke(
        cli, ["batch", str(root), "--week", WEEK, "--scheduler", address, "--connect-timeout", "30"]
    )
    assert second.exit_code == 0, second.output
    assert statuses(root) == {SLUGS[0]: "up to date", SLUGS[1]: "up to date", SLUGS[2]: "rendered"}
    assert {slug: mtimes(outbox / slug) for slug in SLUGS[:2]} == finished
    assert (outbox / SLUGS[2] / "publish.json").is_file()


def test_on_a_local_dask_cluster(week_root):
    from distributed import LocalCluster

    # in-process scheduler and one single-threaded worker; no dashboard (no bokeh, no port)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        fail_fix_rerun(week_root, cluster.scheduler_address)


@pytest.fixture
def dask_cluster(tmp_path):
    with dask_processes(tmp_path) as address:
        yield address


def test_on_a_dask_cluster_started_as_separate_processes(week_root, dask_cluster):
    assert dask_cluster.startswith("tcp://127.0.0.1:")
    fail_fix_rerun(week_root, dask_cluster)
