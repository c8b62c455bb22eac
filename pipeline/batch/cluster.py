"""A render cluster only the office can use: Dask over TLS with the office's own certificates.

A Dask scheduler runs whatever function a client sends it, on every worker. On plain `tcp://`
anyone who can reach the port can send one: on a city network that is remote code execution on
every render machine. With `tls://` every connection (client, scheduler, worker) must present a
certificate signed by the office's certificate authority (Dask's TLS is mutual and checks the
signature, not the host name), and the traffic is encrypted. Plain `tcp://` is fine only when
scheduler, workers and client are the same trusted machine (`tcp://127.0.0.1:8786`).

`make_office_certificates` writes that authority and one certificate per role with the
`cryptography` library: ECDSA P-256 keys (fast, accepted by OpenSSL and Dask), certificates for
both TLS server and client use (a worker is both), valid `days` days. Private keys are created
0600 and never overwritten.

The client's certificates come from `--tls-ca/--tls-cert/--tls-key`, or from Dask's own
configuration (`distributed.comm.tls.ca-file`, `distributed.comm.tls.client.cert` and `.key`,
e.g. in ~/.config/dask/distributed.yaml or DASK_DISTRIBUTED__COMM__TLS__... variables).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature

from pipeline.errors import BatchError
from pipeline.i18n import _

ROLES = ("scheduler", "worker", "client")
CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
DEFAULT_DAYS = 825  # a little over two years, the longest most TLS clients accept


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """One party's TLS files: the authority's certificate, its own certificate and private key."""

    ca: Path
    cert: Path
    key: Path


def role_files(folder: Path | str, role: str) -> TlsFiles:
    """Where `make_office_certificates` puts `role`'s files in `folder`."""
    folder = Path(folder)
    return TlsFiles(folder / CA_FILE, folder / f"{role}.pem", folder / f"{role}-key.pem")


def make_office_certificates(
    folder: Path | str,
    *,
    hosts: tuple[str, ...] = (),
    office: str = "pipeline office",
    days: int = DEFAULT_DAYS,
) -> dict[str, TlsFiles]:
    """A new certificate authority and a scheduler, worker and client certificate in `folder`.

    `hosts` (names or IP addresses of the scheduler machine) go into the scheduler's and
    workers' certificates as alternative names, for tools that check them; Dask itself checks
    only the signature. Refuses when `folder` already holds any of the files.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if days < 1:
        raise BatchError(_("--days {days}: certificates must be valid for at least 1 day").format(days=days))
    folder = Path(folder)
    names = [CA_FILE, CA_KEY_FILE] + [n for r in ROLES for n in (f"{r}.pem", f"{r}-key.pem")]
    existing = [n for n in names if (folder / n).exists()]
    if existing:
        raise BatchError(
            _(
                "{file}: already exists; certificates are never overwritten: choose an empty folder (and hand the new files to every machine)"
            ).format(file=folder / existing[0])
        )
    alt_names = [_alt_name(host) for host in dict.fromkeys(("localhost", "127.0.0.1", *hosts))]
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)  # clocks differ a little
    until = now + datetime.timedelta(days=days)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, office),
                x509.NameAttribute(NameOID.COMMON_NAME, common),
            ]
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name(f"{office} render cluster CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(folder / CA_KEY_FILE, ca_key, serialization)
    _write_public(folder / CA_FILE, ca_cert.public_bytes(serialization.Encoding.PEM))

    made = {}
    for role in ROLES:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(f"{office} {role}"))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
        )
        if role != "client":
            builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        files = role_files(folder, role)
        _write_key(files.key, key, serialization)
        _write_public(files.cert, cert.public_bytes(serialization.Encoding.PEM))
        made[role] = files
    return made


def _alt_name(host: str):
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _write_key(path: Path, key, serialization) -> None:
    """A private key, readable by its owner only (created 0600, never replacing a file)."""
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)  # in case a umask or an ACL default widened it


def _write_public(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


# ---- the client's side ------------------------------------------------------------------------


def scheme(address: str) -> str:
    """`tls`, `tcp`... of a Dask address (Dask reads an address without one as tcp)."""
    return address.split("://", 1)[0].lower() if "://" in address else "tcp"


def plain_tcp_warning(address: str) -> str | None:
    """A warning when `address` is plain TCP to another machine, else None."""
    if scheme(address) != "tcp":
        return None
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        if host.lower() == "localhost":
            return None
    return (
        f"{address} is plain TCP to another machine: anyone who can reach that port can run any program "
        "on every render machine; use tls:// with the office's certificates (`pipeline cluster certs`, "
        "see README, Render cluster)"
    )


def client_security(address: str, tls: TlsFiles | None = None):
    """The `distributed.Security` for a client of `address`, or None for plain TCP.

    For `tls://`: `tls` (the command-line files) or else Dask's configuration must name the CA,
    the client certificate and its key, and they must be readable.
    """
    from distributed import Security

    if scheme(address) != "tls":
        if tls is not None:
            raise BatchError(
                _(
                    "--tls-ca/--tls-cert/--tls-key given but {address} is not a tls:// address; write it as tls://{split}"
                ).format(address=address, split=address.split("://", 1)[-1])
            )
        return None
    if tls is None:
        security = Security(require_encryption=True)  # Dask's configuration
        # Security sets its tls_* attributes from the configuration at run time (no stubs declare them)
        ca, cert, key = (getattr(security, f"tls_{n}") for n in ("ca_file", "client_cert", "client_key"))
        configured = (ca, cert)
        if not all(configured):
            raise BatchError(
                _(
                    "{address} needs the office's certificates: give --tls-ca, --tls-cert and --tls-key (made by `pipeline cluster certs`), or set distributed.comm.tls.ca-file and distributed.comm.tls.client.cert/.key in Dask's configuration"
                ).format(address=address)
            )
        tls = TlsFiles(Path(ca), Path(cert), Path(key or cert))
    for option, path in (("--tls-ca", tls.ca), ("--tls-cert", tls.cert), ("--tls-key", tls.key)):
        try:
            with open(path, "rb") as fh:
                fh.read(1)
        except OSError as exc:
            raise BatchError(
                _(
                    "{path}: cannot be read ({strerror}); check {option} (the files of `pipeline cluster certs`)"
                ).format(path=path, strerror=exc.strerror, option=option)
            ) from None
    _check_files(tls)
    return Security(
        require_encryption=True,
        tls_ca_file=str(tls.ca),
        tls_client_cert=str(tls.cert),
        tls_client_key=str(tls.key),
    )


def _check_files(tls: TlsFiles) -> None:
    """The files are PEM, the key is the certificate's, and the CA signed it: said before connecting."""
    from cryptography import x509

    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    try:
        context.load_verify_locations(cafile=str(tls.ca))
        authorities = x509.load_pem_x509_certificates(tls.ca.read_bytes())
    except (ssl.SSLError, ValueError):
        raise BatchError(
            _("{ca}: not a PEM certificate; check --tls-ca (ca.pem of `pipeline cluster certs`)").format(
                ca=tls.ca
            )
        ) from None
    try:
        context.load_cert_chain(str(tls.cert), str(tls.key))
        cert = x509.load_pem_x509_certificate(tls.cert.read_bytes())
    except (ssl.SSLError, ValueError) as exc:
        raise BatchError(
            _(
                "{cert}: cannot be used with the key {key} ({reason}); check --tls-cert and --tls-key (a certificate and its own key, e.g. client.pem and client-key.pem)"
            ).format(cert=tls.cert, key=tls.key, reason=getattr(exc, "reason", None) or exc)
        ) from None
    if not any(_issued_by(cert, authority) for authority in authorities):
        raise BatchError(
            _(
                "{cert}: not signed by the authority in {ca}; use the files that `pipeline cluster certs` made together"
            ).format(cert=tls.cert, ca=tls.ca)
        )


def _issued_by(cert, authority) -> bool:
    try:
        cert.verify_directly_issued_by(authority)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
