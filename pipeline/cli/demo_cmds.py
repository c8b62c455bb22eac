"""`pipeline demo`: build the bundled sample project and run every stage on it, as an editor would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline.cli.language import PipelineCommand
from pipeline.demo import CARD_CACHE, CONSENT_FORM
from pipeline.i18n import N_, _

DEFAULT_DIR = Path("projects") / "sample"  # under the current folder
DEMO_APPROVER = "示例审核员 (demo)"
DEMO_PRODUCER = "示例制片 (demo)"

# (heading, command path, parameters); each runs exactly as `pipeline <command> DIR ...` would
STAGES: tuple[tuple[str, tuple[str, ...], dict[str, Any]], ...] = (
    (
        N_("record 王建华's signed consent form (in the office: the producer, when the form comes back)"),
        ("consent",),
        {"name": "王建华", "form": CARD_CACHE / CONSENT_FORM, "by": DEMO_PRODUCER},
    ),
    (N_("transcribe the interview takes (offline Whisper base)"), ("transcribe",), {}),
    (N_("apply the safe subtitle fixes to the drafts"), ("subs", "fix"), {}),
    (N_("check the subtitles (QC profile zh-CN)"), ("subs", "lint"), {}),
    (
        N_("approve the subtitles (in the office a producer does this on the review page)"),
        ("subs", "approve"),
        {"by": DEMO_APPROVER},
    ),
    (N_("propose the cut list, aiming at 4 minutes"), ("cut",), {"target": 240_000}),
    (N_("render web, WeChat and Channels"), ("render",), {}),
    (N_("export the timeline for an editing suite"), ("export",), {"format_name": "otio"}),
)


@click.command(
    "demo",
    cls=PipelineCommand,
    help=N_("Build the sample project (default ./projects/sample) and run every stage on it."),
)
@click.argument(
    "directory", metavar="[DIR]", required=False, type=click.Path(file_okay=False, path_type=Path)
)
@click.pass_context
def demo_cmd(ctx: click.Context, directory: Path | None) -> None:
    from pipeline.demo.build import build_sample

    root = (directory or DEFAULT_DIR).absolute()
    total = len(STAGES) + 2
    _heading(1, total, f"build the sample project in {root}")
    build_sample(root, say=lambda message: click.echo(f"  {message}"))
    group = ctx.find_root().command
    assert isinstance(group, click.Group)
    for number, (heading, path, params) in enumerate(STAGES, start=2):
        command = _lookup(ctx, group, path)
        if command is None:  # a stage this build does not have
            continue
        _heading(number, total, heading)
        ctx.invoke(command, project_dir=root, **_known(command, params))
        if path == ("render",):
            _rerender_after_change(ctx, command, root)
    site = _publish(ctx, group, root, total)
    click.echo(
        "\n"
        + _("Done. Outputs are in {exports}; the manifest is {manifest}.").format(
            exports=root / "exports", manifest=root / "exports" / "manifest.json"
        )
    )
    if site is not None:
        click.echo(
            _("The website is in {site}: open {page} in a browser.").format(
                site=site, page=site / "index.html"
            )
        )


def _rerender_after_change(ctx: click.Context, render: click.Command, root: Path) -> None:
    """The editor's loop: untick one sentence in the middle of cut.md and render web again; only
    the picture chunks around it are encoded again (issue 17)."""
    import time

    cut = root / "cut.md"
    lines = cut.read_text("utf-8").split("\n")
    ticked = [i for i, line in enumerate(lines) if line.lstrip().startswith("- [x] ")]
    if len(ticked) < 3:
        return
    middle = ticked[len(ticked) // 2]
    lines[middle] = lines[middle].replace("- [x] ", "- [ ] ", 1)
    cut.write_text("\n".join(lines), "utf-8")
    click.echo(
        "\n" + _("  The editor unticks one sentence: {sentence}").format(sentence=lines[middle].strip()[6:])
    )
    started = time.monotonic()
    ctx.invoke(render, project_dir=root, platforms=("web",))
    click.echo(
        _("  Web rendered again in {seconds:.1f} s (only the changed chunks encoded).").format(
            seconds=time.monotonic() - started
        )
    )
    lines[middle] = lines[middle].replace("- [ ] ", "- [x] ", 1)
    cut.write_text("\n".join(lines), "utf-8")
    click.echo("\n" + _("  ...and ticks it again (every chunk is in the cache):"))
    started = time.monotonic()
    ctx.invoke(render, project_dir=root, platforms=("web",))
    click.echo(_("  Web rendered again in {seconds:.1f} s.").format(seconds=time.monotonic() - started))


def _publish(ctx: click.Context, group: click.Group, root: Path, total: int) -> Path | None:
    """Package the episode into ROOT/outbox/ and publish it: a website folder, and WeChat only as a
    dry run (the demo never sends anything anywhere)."""
    from pipeline.project.model import load_project

    command = _lookup(ctx, group, ("batch",))
    if command is None or "publish_targets" not in {p.name for p in command.params}:
        return None
    site = root / "site"
    _heading(total, total, "package into the outbox; publish to a website folder and check WeChat (dry run)")
    ctx.invoke(
        command,
        root=root,
        week=load_project(root).episode.week,
        publish_targets=("site", "wechat"),
        site_dir=site,
        dry_run=True,
    )
    return site


def _heading(number: int, total: int, text: str) -> None:
    click.secho(f"\n[{number}/{total}] {_(text)}", bold=True)


def _lookup(ctx: click.Context, group: click.Command, path: tuple[str, ...]) -> click.Command | None:
    command: click.Command | None = group
    for name in path:
        if not isinstance(command, click.Group):
            return None
        command = command.get_command(ctx, name)
    return command


def _known(command: click.Command, params: dict) -> dict:
    names = {p.name for p in command.params}
    return {k: v for k, v in params.items() if k in names}


def register(cli: click.Group) -> None:
    cli.add_command(demo_cmd)
