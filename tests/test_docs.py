"""The two READMEs stay true to the program and to each other.

- every `pipeline <command> [subcommand]` written in code in either README exists in the CLI (click's
  command tree), and every `--option` written after it on the same line exists for that command;
- every `bash setup.sh <task>` names a task setup.sh has;
- every error in a troubleshooting table exists: an English `Error:` line matches a message of
  pipeline/locale/pipeline.pot or of the source, a Chinese `错误：` line a translation in the zh_CN
  catalog, `{placeholders}` in the catalog matching any text (the tables show real examples);
- both tables list the same number of rows; every picture they show is in the repository.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po

from pipeline.cli import cli

REPO = Path(__file__).resolve().parent.parent
READMES = {"en": REPO / "README.md", "zh": REPO / "README.zh-CN.md"}
POT = REPO / "pipeline" / "locale" / "pipeline.pot"
ZH_PO = REPO / "pipeline" / "locale" / "zh_CN" / "LC_MESSAGES" / "pipeline.po"
TABLE_HEADINGS = {"en": "## Troubleshooting", "zh": "## 四、常见错误"}
ERROR_PREFIX = {"en": "Error: ", "zh": "错误："}
# a catalog message that is little more than placeholders ("Error: {message}") would match any line
MIN_LITERAL = 10

# `pipeline` as a command: at a word start or after a path (.venv/bin/pipeline), followed by a space
COMMAND = re.compile(r"(?<![\w.-])pipeline(?= )")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
STOP_TOKENS = {"#", "|", "&&", "||", ";", ">", ">>", "2>&1", "pipeline"}


def code_lines(text: str) -> Iterator[str]:
    """The code in a Markdown text: each line of a fenced block, each inline code span."""
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            yield line
        else:
            yield from (match.group(2).strip() for match in CODE_SPAN.finditer(line))


def command_mentions(text: str) -> Iterator[tuple[str, list[str]]]:
    """(the line, its tokens after `pipeline`) for each use of the command in the text's code."""
    for line in code_lines(text):
        for match in COMMAND.finditer(line):
            tokens = []
            for token in line[match.end() :].split():
                if token in STOP_TOKENS or token.startswith("#") or token.endswith("/pipeline"):
                    break
                tokens.append(token.strip("[]()`,.;"))
                if "`" in token:  # the end of a command quoted inside a longer code span
                    break
            yield line, tokens


def resolve(tokens: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """The command path, the command, and the options written after it; AssertionError when unknown."""
    command: click.Command = cli
    path: list[str] = []
    options: list[str] = []
    for token in tokens:
        if token.startswith("--"):
            options.append(token.split("=")[0])
        elif isinstance(command, click.Group) and re.fullmatch(r"[a-z][a-z-]*", token):
            sub = command.commands.get(token)
            assert sub is not None, f"`pipeline {' '.join([*path, token])}` is not a command"
            command, path = sub, [*path, token]
    return path, command, options


def option_names(command: click.Command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)} | {"--help"}


@pytest.mark.parametrize("language", sorted(READMES))
def test_every_command_and_option_in_the_readme_exists(language):
    text = READMES[language].read_text("utf-8")
    problems, seen = [], 0
    for line, tokens in command_mentions(text):
        seen += 1
        try:
            path, command, options = resolve(tokens)
        except AssertionError as exc:
            problems.append(f"{exc}: {line}")
            continue
        root_options = option_names(cli)
        for option in options:
            if option not in option_names(command) and option not in root_options:
                problems.append(f"`pipeline {' '.join(path)}` has no option {option}: {line}")
    assert seen > 20, f"{READMES[language].name}: too few commands found ({seen}); is the parser broken?"
    assert not problems, f"{READMES[language].name}:\n" + "\n".join(problems)


def test_every_command_is_in_both_readmes():
    """The guide covers the weekly workflow: each command an editor runs appears in both languages."""
    weekly = {"init", "consent", "ingest", "transcribe", "subs", "review", "cut", "render", "export"}
    weekly |= {"batch", "publish", "doctor"}
    for readme in READMES.values():
        used = {tokens[0] for _, tokens in command_mentions(readme.read_text("utf-8")) if tokens}
        assert weekly <= used, f"{readme.name} never shows: {sorted(weekly - used)}"


def setup_tasks() -> set[str]:
    script = (REPO / "setup.sh").read_text("utf-8")
    case = script[script.rindex('case "${1:-setup}" in') :]
    return set(re.findall(r"^\s+([a-z]+)\)", case, re.MULTILINE))


@pytest.mark.parametrize("language", sorted(READMES))
def test_every_setup_task_in_the_readme_exists(language):
    text = READMES[language].read_text("utf-8")
    named = set(re.findall(r"bash setup\.sh ([a-z]+)", text))
    assert {"demo", "test", "bundle", "offline"} <= named, f"{READMES[language].name} lacks a setup.sh task"
    assert named <= setup_tasks(), f"not tasks of setup.sh: {sorted(named - setup_tasks())}"


def table_errors(language: str) -> list[str]:
    """The error lines in the first column of the README's troubleshooting table, in order."""
    text = READMES[language].read_text("utf-8")
    heading = TABLE_HEADINGS[language]
    assert heading in text, f"{READMES[language].name}: no section {heading!r}"
    section = text[text.index(heading) :].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"^\| `` (.+?) `` \|", line)
        if match:
            rows.append(match.group(1))
    return rows


def template_pattern(template: str) -> re.Pattern[str] | None:
    """A catalog message as a pattern, each `{placeholder}` matching any text (or none, as an optional
    part like " (read as ...)" may be); None for a message that is little more than placeholders."""
    pieces = re.split(r"\{[A-Za-z_][\w.]*(?:![rsa])?(?::[^{}]*)?\}", template)
    if sum(len(piece.strip()) for piece in pieces) < MIN_LITERAL:
        return None
    return re.compile(".*?".join(re.escape(piece) for piece in pieces), re.DOTALL)


def catalog_strings(path: Path, *, translations: bool) -> list[str]:
    with path.open("rb") as file:
        catalog = read_po(file)
    found = []
    for message in catalog:
        if not message.id:
            continue
        texts = message.string if translations else message.id
        for text in texts if isinstance(texts, tuple | list) else (texts,):
            if text:
                found.append(text)
    return found


def source_strings() -> list[str]:
    """Every string literal of the package, an f-string's fields turned into `{placeholders}`."""
    found = []
    for file in (REPO / "pipeline").rglob("*.py"):
        tree = ast.parse(file.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = []
                for value in node.values:
                    is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
                    parts.append(value.value.replace("{", "").replace("}", "") if is_text else "{field}")
                found.append("".join(parts))
    return found


@cache
def patterns(language: str) -> tuple[re.Pattern[str], ...]:
    if language == "en":
        texts = catalog_strings(POT, translations=False) + source_strings()
    else:
        texts = catalog_strings(ZH_PO, translations=True)
    return tuple(p for p in map(template_pattern, texts) if p is not None)


def unmatched_rows(language: str) -> list[str]:
    prefix = ERROR_PREFIX[language]
    missing = []
    for number, row in enumerate(table_errors(language), start=1):
        assert row.startswith(prefix), f"row {number} does not start with {prefix!r}: {row}"
        candidates = (row, row[len(prefix) :])
        if not any(p.fullmatch(text) for p in patterns(language) for text in candidates):
            missing.append(f"row {number}: {row}")
    return missing


def test_the_tables_list_the_same_errors():
    english, chinese = table_errors("en"), table_errors("zh")
    assert len(english) >= 12 and len(english) == len(chinese), (len(english), len(chinese))


def test_every_english_error_in_the_table_exists():
    missing = unmatched_rows("en")
    assert not missing, "no message in pipeline.pot or the source matches:\n" + "\n".join(missing)


def test_every_chinese_error_in_the_table_is_a_translation():
    missing = unmatched_rows("zh")
    assert not missing, (
        f"no translation in {ZH_PO.relative_to(REPO)} matches (the table's wording and the catalog's "
        "must agree):\n" + "\n".join(missing)
    )


def test_the_matching_is_strict():
    pattern = template_pattern("{path}: file not found; check the path")
    assert pattern is not None and pattern.fullmatch("/media/card/00001.MTS: file not found; check the path")
    assert not pattern.fullmatch("/media/card/00001.MTS: file not found")
    assert template_pattern("Error: {message}") is None  # would match every line
    assert template_pattern("{n!r} over the {maximum:.1f} maximum; untick").fullmatch(
        "5 over the 5:00 maximum; untick"
    )


@pytest.mark.parametrize("language", sorted(READMES))
def test_every_picture_and_link_is_in_the_repository(language):
    text = READMES[language].read_text("utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert "README.zh-CN.md" in local or "README.md" in local
    assert "docs/glossary.md" in local
    absent = [t for t in local if not (REPO / t).exists()]
    assert not absent, f"{READMES[language].name} links to missing files: {absent}"
    first = READMES["en"].read_text("utf-8").splitlines()[0]
    assert "README.zh-CN.md" in first, "the Chinese guide is linked from README.md's first line"


def test_the_guide_pictures_are_small():
    pictures = sorted((REPO / "docs" / "images").glob("*.png"))
    assert {p.stem for p in pictures} >= {
        "review-page",
        "review-flags",
        "review-approved",
        "sample-title-card",
        "sample-lower-third",
        "sample-subtitles",
        "sample-channels",
    }
    assert sum(p.stat().st_size for p in pictures) < 2_000_000


def doc_images():
    spec = importlib.util.spec_from_file_location("doc_images", REPO / "tools" / "doc_images.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_frame_arguments():
    args = doc_images().frame_args(Path("in.mp4"), 12.3456, Path("out.png"), height=640)
    assert args == [
        "-y",
        "-ss",
        "12.346",
        "-i",
        "in.mp4",
        "-frames:v",
        "1",
        "-vf",
        "scale=-2:640:flags=lanczos",
        "-update",
        "1",
        "out.png",
    ]
    with pytest.raises(ValueError):
        doc_images().frame_args(Path("in.mp4"), 1, Path("out.png"))


def test_the_command_check_is_strict():
    [(_, tokens)] = list(command_mentions("run `pipeline subs approve eps/x --by 张 --forse` then"))
    path, command, options = resolve(tokens)
    assert path == ["subs", "approve"] and options == ["--by", "--forse"]
    assert "--forse" not in option_names(command)
    with pytest.raises(AssertionError, match="is not a command"):
        resolve(["subs", "aprove", "eps/x"])
    mentions = list(command_mentions("```sh\n.venv/bin/pipeline render eps/x --draft   # a preview\n```"))
    assert [tokens for _, tokens in mentions] == [["render", "eps/x", "--draft"]]
