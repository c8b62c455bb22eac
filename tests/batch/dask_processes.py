"""`dask scheduler` and `dask worker` as separate processes on loopback, as an office starts them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path


@contextlib.contextmanager
def dask_processes(
    folder: Path, scheduler_args: Sequence[str] = (), worker_args: Sequence[str] = ()
) -> Iterator[str]:
    """The scheduler's address while a scheduler and one single-threaded worker run; both killed after.

    `scheduler_args`/`worker_args` are added to their command lines (TLS options, say)."""
    scheduler_file = folder / "scheduler.json"
    common = {
        "cwd": folder,
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "start_new_session": True,
    }
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
                *scheduler_args,
            ],
            **common,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline and started[0].poll() is None, (
                "the Dask scheduler did not start"
            )
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written in one go, but give the writer a moment to close it
        address = json.loads(scheduler_file.read_text("utf-8"))["address"]
        started.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                    "--local-directory",
                    str(folder / "worker"),
                    *worker_args,
                ],
                **common,
            )
        )
        yield address  # the batch itself waits (--connect-timeout) for the worker to register
    finally:
        for process in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # the worker's nanny and its process too
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
