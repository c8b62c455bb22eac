"""`pipeline batch --scheduler tls://`: a TLS cluster of separate `dask scheduler` / `dask worker`
processes with the office's certificates (`pipeline cluster certs`), and clients refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_projects import SLUGS, WEEK
from click.testing import CliRunner
from dask_processes import dask_processes

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
    scheduler = ["--protocol", "tls", *tls_args(certs, "scheduler")]
    with dask_processes(tmp_path, scheduler, tls_args(certs, "worker")) as address:
        yield address, certs


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
