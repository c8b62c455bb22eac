"""The office's certificates (`pipeline cluster certs`), the client's TLS settings and the plain-TCP warning.

A real TLS cluster runs in test_batch_tls.py (slow).
"""

from __future__ import annotations

import ipaddress
import stat

import dask
import pytest
from click.testing import CliRunner
from cryptography import x509

from pipeline.batch.cluster import (
    TlsFiles,
    client_security,
    make_office_certificates,
    plain_tcp_warning,
    role_files,
)
from pipeline.cli import cli
from pipeline.errors import BatchError


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("certs") / "office"
    make_office_certificates(folder, hosts=("192.168.1.10", "render-1.office"))
    return folder


def load(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_certificates_are_signed_by_the_office_authority_and_keys_are_private(certs):
    ca = load(certs / "ca.pem")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for role in ("scheduler", "worker", "client"):
        files = role_files(certs, role)
        cert = load(files.cert)
        cert.verify_directly_issued_by(ca)  # raises when not
        assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert stat.S_IMODE((certs / "ca-key.pem").stat().st_mode) == 0o600
    names = (
        load(certs / "scheduler.pem").extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    )
    assert ipaddress.ip_address("192.168.1.10") in names.get_values_for_type(x509.IPAddress)
    assert "render-1.office" in names.get_values_for_type(x509.DNSName)


def test_cli_makes_certificates_once_and_prints_the_commands(tmp_path):
    folder = tmp_path / "certs"
    result = run("cluster", "certs", folder, "--host", "10.0.0.5")
    assert result.exit_code == 0, result.output
    assert f"  dask scheduler --protocol tls --port 8786 --tls-ca-file {folder}/ca.pem" in result.stdout
    assert (
        f"--scheduler tls://SCHEDULER:8786 --tls-ca {folder}/ca.pem --tls-cert {folder}/client.pem"
        in result.stdout
    )
    before = (folder / "ca.pem").read_bytes()
    again = run("cluster", "certs", folder)
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {folder}/ca.pem: already exists; certificates are never overwritten: choose an empty "
        "folder (and hand the new files to every machine)\n"
    )
    assert (folder / "ca.pem").read_bytes() == before


@pytest.mark.parametrize(
    "address, warned",
    [
        ("tcp://192.168.1.10:8786", True),
        ("10.0.0.2:8786", True),  # no scheme: Dask reads it as tcp
        ("tcp://render-1.office:8786", True),
        ("tcp://127.0.0.1:8786", False),
        ("tcp://localhost:8786", False),
        ("tcp://[::1]:8786", False),
        ("tls://192.168.1.10:8786", False),
    ],
)
def test_plain_tcp_warning(address, warned):
    assert (plain_tcp_warning(address) is not None) == warned


def test_batch_warns_on_plain_tcp_to_another_machine(tmp_path):
    (tmp_path / "e1").mkdir()
    (tmp_path / "e1" / "project.toml").write_text("", "utf-8")  # found as a project; never reached
    address = "tcp://192.0.2.1:9"  # TEST-NET-1: never answers
    result = run("batch", tmp_path, "--scheduler", address, "--connect-timeout", "0.2")
    assert result.stderr.splitlines()[0] == (
        f"Warning: {address} is plain TCP to another machine: anyone who can reach that port can run any "
        "program on every render machine; use tls:// with the office's certificates (`pipeline cluster certs`, "
        "see README, Render cluster)"
    )


def test_client_security_from_options_and_from_dask_configuration(certs):
    files = role_files(certs, "client")
    security = client_security("tls://127.0.0.1:8786", files)
    assert security.require_encryption
    assert (security.tls_ca_file, security.tls_client_cert, security.tls_client_key) == (
        str(files.ca),
        str(files.cert),
        str(files.key),
    )
    assert client_security("tcp://127.0.0.1:8786") is None
    with dask.config.set(
        {
            "distributed.comm.tls.ca-file": str(files.ca),
            "distributed.comm.tls.client.cert": str(files.cert),
            "distributed.comm.tls.client.key": str(files.key),
        }
    ):
        configured = client_security("tls://127.0.0.1:8786")
    assert configured.tls_client_cert == str(files.cert)


def test_client_security_refusals(certs, tmp_path):
    client, worker = role_files(certs, "client"), role_files(certs, "worker")
    other = tmp_path / "other"
    make_office_certificates(other)
    cases = [
        (
            "tcp://10.0.0.2:8786",
            client,
            "--tls-ca/--tls-cert/--tls-key given but tcp://10.0.0.2:8786 is not a tls:// address; "
            "write it as tls://10.0.0.2:8786",
        ),
        (
            "tls://h:1",
            TlsFiles(client.ca, client.cert, tmp_path / "missing.pem"),
            f"{tmp_path}/missing.pem: cannot be read (No such file or directory); check --tls-key (the files "
            "of `pipeline cluster certs`)",
        ),
        (
            "tls://h:1",
            TlsFiles(client.ca, client.cert, worker.key),
            f"{client.cert}: cannot be used with the key {worker.key} (KEY_VALUES_MISMATCH); check --tls-cert "
            "and --tls-key (a certificate and its own key, e.g. client.pem and client-key.pem)",
        ),
        (
            "tls://h:1",
            TlsFiles(client.key, client.cert, client.key),
            f"{client.key}: not a PEM certificate; check --tls-ca (ca.pem of `pipeline cluster certs`)",
        ),
        (
            "tls://h:1",
            TlsFiles(client.ca, other / "client.pem", other / "client-key.pem"),
            f"{other}/client.pem: not signed by the authority in {client.ca}; use the files that "
            "`pipeline cluster certs` made together",
        ),
    ]
    for address, files, message in cases:
        with pytest.raises(BatchError) as caught:
            client_security(address, files)
        assert str(caught.value) == message


def test_tls_options_go_together(tmp_path):
    result = run("batch", tmp_path, "--scheduler", "tls://h:1", "--tls-ca", tmp_path / "ca.pem")
    assert result.exit_code == 2
    assert "--tls-ca, --tls-cert and --tls-key go together; --tls-cert, --tls-key missing" in result.stderr
