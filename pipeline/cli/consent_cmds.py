"""`pipeline consent`: record a person's signed consent form, or list everyone's state."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.language import PipelineCommand
from pipeline.cli.options import project_dir
from pipeline.i18n import N_, _


@click.command(
    "consent",
    cls=PipelineCommand,
    help=N_(
        "Record NAME's signed consent (adds them to [[people]] if missing), or with no NAME list everyone.\n\n"
        "`pipeline render` refuses publishable files while anyone in [[people]] lacks consent."
    ),
)
@project_dir
@click.argument("name", required=False)
@click.option(
    "--form",
    "form",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("The signed consent form (scan or photo); copied into the project's consent/ folder."),
)
@click.option(
    "--by", "by", default="", help=N_("Who recorded it [default: the account running the command].")
)
def consent_cmd(project_dir: Path, name: str | None, form: Path | None, by: str) -> None:
    from pipeline.errors import ProjectError
    from pipeline.project.consent import consent_state, record_consent
    from pipeline.project.model import load_project

    project = load_project(project_dir)
    if name is None:
        if form is not None:
            raise click.UsageError(_("--form needs the NAME of the person who signed it"))
        if not project.people:
            click.echo(_("No one is listed in [[people]] of {file}.").format(file=project.file))
            return
        for person in project.people:
            state = consent_state(project, person)
            details = [state]
            if person.consent_at:
                details.append(person.consent_at)
            if person.consent_by:
                details.append(_("by {person}").format(person=person.consent_by))
            if person.consent_form:
                details.append(person.consent_form)
            click.echo(f"{person.name}  " + ", ".join(details))
        missing = project.missing_consent
        click.echo(
            _("{listed} listed, {missing} without consent").format(
                listed=len(project.people), missing=len(missing)
            )
        )
        return
    if form is None:
        raise ProjectError(
            _(
                "no signed form given for {name}; record it with `pipeline consent {project} {name} --form FILE`"
            ).format(name=name, project=project.root)
        )
    _record, person = record_consent(project, name, form, by=by)
    click.echo(
        _("{name}: consent recorded {at} by {by}, form {form}").format(
            name=person.name, at=person.consent_at, by=person.consent_by or "-", form=person.consent_form
        )
    )


def register(cli: click.Group) -> None:
    cli.add_command(consent_cmd)
