"""The local process pool and the Dask connection, with fake jobs (no rendering)."""

import os
import time
from pathlib import Path

import pytest
from fake_jobs import fake_episode

from pipeline.batch.executors import EpisodeJob, connect, run_local
from pipeline.batch.jobs import FAILED, RENDERED
from pipeline.errors import BatchError


def jobs_for(tmp_path: Path, *names: str) -> list[EpisodeJob]:
    jobs = []
    for name in names:
        folder = tmp_path / name
        folder.mkdir()
        jobs.append(EpisodeJob(str(folder), (), False, "2026-W48", str(tmp_path / "outbox" / name), name))
    return jobs


def test_every_job_runs_in_a_worker_process_and_reports_as_it_finishes(tmp_path):
    heard = []
    results = run_local(jobs_for(tmp_path, "a", "b", "c"), fake_episode, workers=2, on_result=heard.append)
    assert sorted(r.slug for r in results) == ["a", "b", "c"]
    assert heard == results
    assert all(r.status == RENDERED for r in results)
    pids = {r.reason.split()[-1] for r in results}
    assert str(os.getpid()) not in pids


def test_a_job_that_raises_or_kills_its_worker_does_not_stop_the_others(tmp_path):
    results = run_local(
        jobs_for(tmp_path, "a", "crash", "b", "raise", "c"), fake_episode, workers=1, retries=0
    )
    by_slug = {r.slug: r for r in results}
    assert {s: by_slug[s].status for s in by_slug} == {
        "a": RENDERED,
        "b": RENDERED,
        "c": RENDERED,
        "crash": FAILED,
        "raise": FAILED,
    }
    assert by_slug["crash"].reason.startswith("the worker process died while rendering")
    assert by_slug["crash"].error_type == "BrokenProcessPool"
    assert by_slug["raise"].reason == "RuntimeError: the fake job broke"
    for slug in "abc":
        assert (tmp_path / "outbox" / slug / "done.txt").is_file()


def test_unexpected_failures_are_retried_data_problems_are_not(tmp_path):
    results = run_local(jobs_for(tmp_path, "flaky", "crash"), fake_episode, workers=1, retries=1)
    by_slug = {r.slug: r for r in results}
    assert by_slug["flaky"].status == RENDERED  # failed once, then succeeded
    assert by_slug["crash"].status == FAILED  # crashed twice: given up
    assert len(results) == 2


def test_unreachable_scheduler_is_a_clear_error():
    started = time.monotonic()
    with pytest.raises(BatchError) as caught:
        connect("tcp://127.0.0.1:9", timeout_s=0.5)
    assert str(caught.value).startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert str(caught.value).endswith("start it with `dask scheduler` or check --scheduler (tls://HOST:8786)")
    assert time.monotonic() - started < 10


def test_a_scheduler_without_workers_is_a_clear_error():
    import logging

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=0, processes=False, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        with pytest.raises(BatchError) as caught:
            connect(cluster.scheduler_address, timeout_s=0.5)
    message = str(caught.value)
    assert message.startswith(f"the Dask scheduler at {cluster.scheduler_address} has no workers (")
    assert message.endswith(
        f"start one with `dask worker {cluster.scheduler_address} --nworkers 1 --nthreads 1`"
    )


def test_malformed_scheduler_address_is_a_clear_error():
    with pytest.raises(BatchError, match=r"^cannot reach the Dask scheduler at nonsense://x \("):
        connect("nonsense://x", timeout_s=0.5)
