"""Every message a person reads is marked for translation.

`test_i18n.py` checks the catalog against what is marked; this checks that what should be marked
is: it reads the source (Python's own parser) and fails on a string or f-string with English words
in it that goes straight to a person: the message of an error (a PipelineError subclass or click's
usage errors), a line given to `click.echo`/`click.secho` or to a `say`/`note` helper, a progress
label, or a `help=`/`short_help=`/`epilog=` text, unless it is `_(...)`, `N_(...)` or
`ngettext(...)` (or one of those `.format(...)`ed).

Which files are checked is the list MODULES: a folder whose messages are marked adds its glob
there (one line). ALLOWED lists the few deliberate exceptions, each with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# the files whose messages are marked (issue 16); add a folder's glob when its messages are
MODULES = ("pipeline/*.py", "pipeline/*/*.py")  # every stage
# files matched above that are not marked yet (remove a line when its messages are)
NOT_YET: set[str] = set()

# (file, the literal's first words): deliberate exceptions, with the reason
ALLOWED: dict[tuple[str, str], str] = {
    ("pipeline/batch/outbox.py", "pipeline publish"): "a command's name, the same in both languages",
    ("pipeline/batch/run.py", "`pipeline batch`"): "a command's name, the same in both languages",
    ("pipeline/publish/run.py", "pipeline publish"): "a command's name, the same in both languages",
    ("pipeline/publish/run.py", "pipeline publish --to site"): "a command's name, the same in both languages",
    ("pipeline/project/model.py", "[assets] "): "a project.toml key, the same in both languages",
    (
        "pipeline/review/ranges.py",
        "bytes=- of a -byte file",
    ): "the reason of an HTTP 416 to the player, never shown",
}

ERRORS = {
    "PipelineError",
    "UsageError",
    "BadParameter",
    "ClickException",
    "BadOptionUsage",
    "BadArgumentUsage",
}
SINKS = {"echo", "secho", "say", "tell", "note", "progress_bar", "ProgressAdapter", "fail"}
KEYWORDS = {"help", "short_help", "epilog", "what"}  # what=: the job named in an error message
MARKERS = {"_", "N_", "ngettext"}
WORDS = re.compile(r"[A-Za-z]{2,}")  # a literal with no English word needs no translation


def error_classes() -> set[str]:
    """PipelineError and its subclasses, by name (imported from every checked module)."""
    import importlib

    from pipeline.errors import PipelineError

    for path in checked_files():
        importlib.import_module(".".join(path.with_suffix("").parts))
    names, todo = set(), [PipelineError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names | ERRORS


def checked_files() -> list[Path]:
    found = {p.relative_to(REPO) for glob in MODULES for p in REPO.glob(glob)}
    return sorted(p for p in found if p.as_posix() not in NOT_YET and p.name != "__main__.py")


def called_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        # `click.echo`, `click.UsageError`, `errors.ProjectError`; not `record.note` (a file's history)
        if isinstance(node.value, ast.Name) and node.value.id in {"click", "errors", "exceptions"}:
            return node.attr
        if node.attr in {"UsageError", "BadParameter", "ClickException"}:
            return node.attr
    return ""


def marked(node: ast.expr) -> bool:
    """`_("...")`, `N_(...)`, `ngettext(...)`, any of those `.format(...)`ed."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in MARKERS:
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return marked(node.func.value)
    return False


def words(node: ast.expr) -> str:
    """The English text of a literal message (its fixed parts), '' when it has none or is not a literal."""
    if marked(node):
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if WORDS.search(node.value) else ""
    if isinstance(node, ast.JoinedStr):
        fixed = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return fixed if WORDS.search(fixed) else ""
    if isinstance(node, ast.BinOp):  # "a" + b, "a %s" % b
        return words(node.left) or words(node.right)
    if isinstance(node, ast.IfExp):
        return words(node.body) or words(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return words(node.func.value)
    return ""


def unmarked(path: Path, errors: set[str]) -> list[str]:
    return unmarked_in((REPO / path).read_text("utf-8"), path.as_posix(), errors)


def unmarked_in(source: str, path: str, errors: set[str]) -> list[str]:
    tree = ast.parse(source, path)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = called_name(node.func)
        messages = []
        if (name in errors or name in SINKS) and node.args:
            messages.append(node.args[0])
        messages += [
            k.value for k in node.keywords if k.arg in KEYWORDS or (name in errors and k.arg == "message")
        ]
        for message in messages:
            text = words(message)
            if text and (path, text[:40]) not in ALLOWED:
                found.append(f"{path}:{message.lineno}: {text[:60]!r}")
    return found


def test_the_checked_files_exist():
    assert len(checked_files()) > 30
    for name in NOT_YET:
        assert (REPO / name).exists(), f"{name} is gone: remove it from NOT_YET"


def test_every_message_a_person_reads_is_marked_for_translation():
    errors = error_classes()
    missing = [line for path in checked_files() for line in unmarked(path, errors)]
    assert not missing, "mark these with _() or N_() (see pipeline/i18n.py):\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ('raise ProjectError(f"{path} is missing")', True),
        ('raise ProjectError(_("{path} is missing").format(path=path))', False),
        ('click.echo("Ready.")', True),
        ('click.echo(f"  {message}")', False),  # nothing to translate
        ('click.option("--x", help="Show x.")', True),
        ('click.option("--x", help=N_("Show x."))', False),
        ('say("creating " + name)', True),
        ('record.note(f"site: {x} changed")', False),  # the publish record's history, not a message
    ],
)
def test_the_check_itself(source, flagged):
    assert bool(unmarked_in(source, "example.py", ERRORS | {"ProjectError"})) is flagged


def commands():
    """(path, command) for every command of `pipeline` not defined in a NOT_YET file."""
    import click

    from pipeline.cli import cli

    todo = [("pipeline", cli)]
    while todo:
        path, command = todo.pop()
        module = getattr(command.callback, "__module__", "") or ""
        if f"{module.replace('.', '/')}.py" not in NOT_YET:
            yield path, command
        if isinstance(command, click.Group):
            todo += [(f"{path} {name}", sub) for name, sub in command.commands.items()]


def test_every_command_shows_its_help_in_the_interface_language():
    from pipeline.cli.language import TranslatedHelp

    plain = [path for path, command in commands() if not isinstance(command, TranslatedHelp)]
    assert not plain, "give these cls=PipelineCommand (pipeline/cli/language.py):\n" + "\n".join(plain)


def test_every_help_text_is_in_the_catalog():
    """A docstring is not extracted by Babel: a command's help must be `help=N_(...)`, and so must
    every option's."""
    from babel.messages.pofile import read_po

    with (REPO / "pipeline/locale/pipeline.pot").open("rb") as f:
        marked = {m.id for m in read_po(f) if m.id}
    missing = []
    for path, command in commands():
        texts = [("", command.help), ("", command.short_help)]
        texts += [(param.name, getattr(param, "help", None)) for param in command.params]
        missing += [f"{path} {name}: {text!r}" for name, text in texts if text and text not in marked]
    assert not missing, "mark these with help=N_(...) and update the catalog:\n" + "\n".join(missing)
