"""`pipeline consent`: record a person's signed consent form, or list everyone's state."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import project_dir


@click.command("consent")
@project_dir
@click.argument("name", required=False)
@click.option(
    "--form",
    "form",
    type=click.Path(path_type=Path),
    default=None,
    help="The signed consent form (scan or photo); copied into the project's consent/ folder.",
)
@click.option("--by", "by", default="", help="Who recorded it [default: the account running the command].")
def consent_cmd(project_dir: Path, name: str | None, form: Path | None, by: str) -> None:
    """Record NAME's signed consent (adds them to [[people]] if missing), or with no NAME list everyone.

    `pipeline render` refuses publishable files while anyone in [[people]] lacks consent.
    """
    from pipeline.errors import ProjectError
    from pipeline.project.consent import consent_state, record_consent
    from pipeline.project.model import load_project

    project = load_project(project_dir)
    if name is None:
        if form is not None:
            raise click.UsageError("--form needs the NAME of the person who signed it")
        if not project.people:
            click.echo(f"No one is listed in [[people]] of {project.file}.")
            return
        for person in project.people:
            state = consent_state(project, person)
            details = [state]
            if person.consent_at:
                details.append(person.consent_at)
            if person.consent_by:
                details.append(f"by {person.consent_by}")
            if person.consent_form:
                details.append(person.consent_form)
            click.echo(f"{person.name}  " + ", ".join(details))
        missing = project.missing_consent
        click.echo(f"{len(project.people)} listed, {len(missing)} without consent")
        return
    if form is None:
        raise ProjectError(
            f"no signed form given for {name}; record it with `pipeline consent {project.root} {name} --form FILE`"
        )
    _, person = record_consent(project, name, form, by=by)
    click.echo(
        f"{person.name}: consent recorded {person.consent_at} by {person.consent_by or '-'}, form {person.consent_form}"
    )


def register(cli: click.Group) -> None:
    cli.add_command(consent_cmd)
