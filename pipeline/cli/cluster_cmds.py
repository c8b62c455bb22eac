"""Cluster commands: `pipeline cluster certs` makes the office's TLS certificates for Dask."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("cluster")
def cluster() -> None:
    """The office's render cluster (Dask over TLS)."""


@cluster.command("certs")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--host",
    "hosts",
    multiple=True,
    metavar="NAME",
    help="Name or IP address of the scheduler machine, written into the certificates (repeatable).",
)
@click.option(
    "--office", default="pipeline office", show_default=True, help="Organisation name in the certificates."
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=825,
    show_default=True,
    help="How long the certificates are valid.",
)
def certs_cmd(folder: Path, hosts: tuple[str, ...], office: str, days: int) -> None:
    """Create a certificate authority plus scheduler, worker and client certificates in DIR.

    Give scheduler.pem/scheduler-key.pem to the scheduler machine, worker.pem/worker-key.pem to
    the render machines, client.pem/client-key.pem to the machine that runs `pipeline batch`, and
    ca.pem to all of them. Keep ca-key.pem off the network: it makes new certificates.
    """
    from pipeline.batch.cluster import CA_FILE, CA_KEY_FILE, make_office_certificates

    made = make_office_certificates(folder, hosts=hosts, office=office, days=days)
    click.echo(f"Certificate authority: {folder / CA_FILE} (its key {folder / CA_KEY_FILE}: keep it offline)")
    for role, files in made.items():
        click.echo(f"{role.capitalize():<10} {files.cert}  {files.key} (private, 0600)")
    ca = folder / CA_FILE
    s, w, c = made["scheduler"], made["worker"], made["client"]
    click.echo("Start the scheduler:")
    click.echo(
        f"  dask scheduler --protocol tls --port 8786 --tls-ca-file {ca} --tls-cert {s.cert} --tls-key {s.key}"
    )
    click.echo("Start each worker:")
    click.echo(
        f"  dask worker tls://SCHEDULER:8786 --tls-ca-file {ca} --tls-cert {w.cert} --tls-key {w.key} "
        "--nworkers 1 --nthreads 1"
    )
    click.echo("Run the batch:")
    click.echo(
        f"  pipeline batch ROOT --scheduler tls://SCHEDULER:8786 --tls-ca {ca} --tls-cert {c.cert} --tls-key {c.key}"
    )


def register(cli: click.Group) -> None:
    cli.add_command(cluster)
