"""Cluster commands: `pipeline cluster certs` makes the office's TLS certificates for Dask."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.language import TranslatedGroup
from pipeline.i18n import N_, _

ROLE_NAMES = {"scheduler": N_("Scheduler"), "worker": N_("Worker"), "client": N_("Client")}


@click.group("cluster", cls=TranslatedGroup, help=N_("The office's render cluster (Dask over TLS)."))
def cluster() -> None:
    """The `pipeline cluster` commands (the help above is what people read)."""


@cluster.command(
    "certs",
    help=N_(
        "Create a certificate authority plus scheduler, worker and client certificates in DIR.\n\n"
        "Give scheduler.pem/scheduler-key.pem to the scheduler machine, worker.pem/worker-key.pem to the render machines, client.pem/client-key.pem to the machine that runs `pipeline batch`, and ca.pem to all of them. Keep ca-key.pem off the network: it makes new certificates."
    ),
)
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--host",
    "hosts",
    multiple=True,
    metavar="NAME",
    help=N_("Name or IP address of the scheduler machine, written into the certificates (repeatable)."),
)
@click.option(
    "--office",
    default="pipeline office",
    show_default=True,
    help=N_("Organisation name in the certificates."),
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=825,
    show_default=True,
    help=N_("How long the certificates are valid."),
)
def certs_cmd(folder: Path, hosts: tuple[str, ...], office: str, days: int) -> None:
    from pipeline.batch.cluster import CA_FILE, CA_KEY_FILE, make_office_certificates

    made = make_office_certificates(folder, hosts=hosts, office=office, days=days)
    click.echo(
        _("Certificate authority: {ca} (its key {ca_key}: keep it offline)").format(
            ca=folder / CA_FILE, ca_key=folder / CA_KEY_FILE
        )
    )
    for role, files in made.items():
        click.echo(
            f"{_(ROLE_NAMES[role]):<10} "
            + _("{cert}  {key} (private, 0600)").format(cert=files.cert, key=files.key)
        )
    ca = folder / CA_FILE
    s, w, c = made["scheduler"], made["worker"], made["client"]
    click.echo(_("Start the scheduler:"))
    click.echo(
        _(
            "  dask scheduler --protocol tls --port 8786 --tls-ca-file {ca} --tls-cert {cert} --tls-key {key}"
        ).format(ca=ca, cert=s.cert, key=s.key)
    )
    click.echo(_("Start each worker:"))
    click.echo(
        _(
            "  dask worker tls://SCHEDULER:8786 --tls-ca-file {ca} --tls-cert {cert} --tls-key {key} --nworkers 1 --nthreads 1"
        ).format(ca=ca, cert=w.cert, key=w.key)
    )
    click.echo(_("Run the batch:"))
    click.echo(
        _(
            "  pipeline batch ROOT --scheduler tls://SCHEDULER:8786 --tls-ca {ca} --tls-cert {cert} --tls-key {key}"
        ).format(ca=ca, cert=c.cert, key=c.key)
    )


def register(cli: click.Group) -> None:
    cli.add_command(cluster)
