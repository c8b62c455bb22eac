"""The command line in the interface language: help texts and click's own messages.

Help texts are fixed when the commands are defined (`help=N_("...")`), before anyone knows which
language the reader wants, so `PipelineCommand` and `PipelineGroup` translate them when help is
shown: the command's help, short help and epilog, every option's help, and the one-line help of
each subcommand listed under a group.

Click's own words ("Usage:", "Options", "Error: Missing argument 'DIR'.", "Try 'pipeline ingest
--help' for help.") come from `gettext.gettext`, which click's modules import by name as `_` (and
`ngettext`) and call with the default `messages` domain; `use_interface_language()` points those
names at pipeline.i18n instead, so they are read from the pipeline's catalog in the language of
the moment. CLICK_MESSAGES marks the ones an editor meets, so the catalog keeps them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import click
import click._termui_impl
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

from pipeline import i18n
from pipeline.i18n import N_, _, ngettext

_HELP_TEXTS = ("help", "short_help", "epilog")


@contextlib.contextmanager
def _translated(*objects: Any) -> Iterator[None]:
    """The help texts of commands and parameters translated while click formats them, then put back
    (the objects are shared by every run in the process, and the language can change between runs)."""
    saved = []
    for thing in objects:
        for name in _HELP_TEXTS:
            text = getattr(thing, name, None)
            if isinstance(text, str) and text:
                saved.append((thing, name, text))
                setattr(thing, name, _(text))
    try:
        yield
    finally:
        for thing, name, text in reversed(saved):
            setattr(thing, name, text)


class HelpFormatter(click.HelpFormatter):
    """Section headings end in the colon of their language ("Options:", "选项：")."""

    def write_heading(self, heading: str) -> None:
        colon = "：" if _chinese(heading) else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """ "Usage: pipeline ...", and "用法：pipeline ..." (a full-width colon takes no space after it)."""
        if prefix is None:
            usage = _("Usage:")
            prefix = usage if usage.endswith("：") else f"{usage} "
        super().write_usage(prog, args, prefix)


def _chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


_MISSING_MESSAGE = click.exceptions.MissingParameter.format_message


def _missing_message(self: click.exceptions.MissingParameter) -> str:
    """Click ends "Missing argument 'DIR'." with an ASCII full stop; in Chinese it is "。"."""
    text = _MISSING_MESSAGE(self)
    if _chinese(text):
        text = re.sub(r"^([^.]*'[^']*')\.", r"\1。", text)
    return text


class Context(click.Context):
    formatter_class = HelpFormatter


class TranslatedHelp(click.Command):
    """Help formatted in the interface language (see the module doc)."""

    context_class = Context

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self, *self.get_params(ctx)):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self):
            return super().get_short_help_str(limit)


class PipelineCommand(TranslatedHelp):
    """Every `pipeline` command: `@click.command("name", cls=PipelineCommand, help=N_("..."))`."""


class TranslatedGroup(TranslatedHelp, click.Group):
    """A group of commands whose help, and the list of its commands, read in the interface language."""

    command_class = PipelineCommand

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # also a subcommand defined without PipelineCommand shows its line translated
        commands = [self.get_command(ctx, name) for name in self.list_commands(ctx)]
        with _translated(*(c for c in commands if c is not None and not isinstance(c, TranslatedHelp))):
            super().format_commands(ctx, formatter)


TranslatedGroup.group_class = TranslatedGroup


def use_interface_language() -> None:
    """Route click's messages through the pipeline's catalog.

    Click imports `gettext.gettext as _` and `gettext.ngettext` into each module and offers no
    other hook, so the names are rebound here, once, when the CLI is imported. decorators.py calls
    `_` only to fill in default help texts when a decorator runs (and caches the help option
    once per command), so there it marks the English text, which TranslatedHelp translates when
    shown; everywhere else the message is made when it is shown, in the language of that moment.
    """
    for module in (
        click.core,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
        click.utils,
        click._termui_impl,
    ):
        if hasattr(module, "_"):
            module._ = i18n._  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]
    click.decorators._ = i18n.N_
    click.exceptions.MissingParameter.format_message = _missing_message  # type: ignore[method-assign]


# Click's messages an editor meets, marked for the catalog (the text must equal click's own msgid;
# the plural ones are called here only so that Babel extracts them, the result is not used).
CLICK_MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Invalid start character for option ({option})"),
    N_("Could not open file {filename!r}: {message}"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("deprecated"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("Choose from:\n\t{choices}"),
    N_("Do you want to continue?"),
    N_("Confirm the action without prompting."),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1),
)
