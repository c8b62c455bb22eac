"""`pipeline batch --scheduler tls://`: a TLS cluster of separate `dask scheduler` / `dask worker`
processes with the office's certificates (`pipeline cluster certs`), and clients refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_projects import SLUGS, WEEK
from click.testing import CliRunner

from pipeline.batch.cluster import make_office_certificates, role_files
from pipeline.cli import cli

pytestmark = pytest.mark.slow


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def tls_args(folder: Path, role: str, ca_option: str = "--tls-ca-file") -> list[str]:
    files = role_files(folder, role)
    return [ca_option, str(files.ca), "--tls-cert", str(files.cert), "--tls-key", str(files.key)]


def client_args(folder: Path) -> list[str]:
    return tls_args(folder, "client", "--tls-ca")


@pytest.fixture
def tls_cluster(tmp_path):
    """(address, certificate folder): scheduler and worker processes on loopback, TLS only."""
    certs = tmp_path / "office-certs"
    make_office_certificates(certs, hosts=("127.0.0.1",))
    scheduler_file = tmp_path / "scheduler.json"
    common = {
        "cwd": tmp_path,
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
                "--protocol",
                "tls",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
                *tls_args(certs, "scheduler"),
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
        time.sleep(0.2)
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
                    str(tmp_path / "worker"),
                    *tls_args(certs, "worker"),
                ],
                **common,
            )
        )
        yield address, certs
    finally:
        for process in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_batch_on_a_tls_cluster_and_clients_refused(week_root, tls_cluster, tmp_path):
    address, certs = tls_cluster
    assert address.startswith("tls://127.0.0.1:")

    # a client with certificates from another office's authority: refused by the scheduler
    stranger = tmp_path / "other-office"
    make_office_certificates(stranger)
    refused = run(
        "batch",
        week_root,
        "--week",
        WEEK,
        "--scheduler",
        address,
        "--connect-timeout",
        "3",
        *client_args(stranger),
    )
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: cannot connect to the Dask scheduler at {address} over TLS within 3 s: it is not running, "
        "or it refused this machine's certificate; check that --tls-ca, --tls-cert and --tls-key are the "
        "office's (`pipeline cluster certs`) and that the scheduler was started with the same authority\n"
    )
    # and no client certificate at all (nothing in Dask's configuration either)
    bare = run("batch", week_root, "--week", WEEK, "--scheduler", address)
    assert bare.exit_code == 1
    assert bare.stderr == (
        f"Error: {address} needs the office's certificates: give --tls-ca, --tls-cert and --tls-key (made by "
        "`pipeline cluster certs`), or set distributed.comm.tls.ca-file and distributed.comm.tls.client.cert/.key "
        "in Dask's configuration\n"
    )
    # a plain-TCP client reaches nothing: the scheduler speaks TLS only
    plain = run(
        "batch",
        week_root,
        "--week",
        WEEK,
        "--scheduler",
        address.replace("tls://", "tcp://"),
        "--connect-timeout",
        "3",
    )
    assert plain.exit_code == 1
    assert plain.stderr.startswith(
        f"Error: cannot reach the Dask scheduler at {address.replace('tls://', 'tcp://')} ("
    )
    assert not (week_root / "outbox" / WEEK / SLUGS[0]).exists()

    # the office's client: the week is rendered on the cluster
    result = run(
        "batch",
        week_root,
        "--week",
        WEEK,
        "--scheduler",
        address,
        "--connect-timeout",
        "30",
        *client_args(certs),
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no plain-TCP warning
    summary = json.loads((week_root / "outbox" / WEEK / "summary.json").read_text("utf-8"))
    assert {e["episode"]: e["status"] for e in summary["episodes"]} == dict.fromkeys(SLUGS, "rendered")
    for slug in SLUGS:
        assert (week_root / "outbox" / WEEK / slug / "publish.json").is_file()
