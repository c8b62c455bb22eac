"""The interface language and its catalogs.

The catalog tests read the source the way `pybabel extract` does, so a message added without a
Chinese translation, a translation that drops or renames a placeholder, or a `.mo` not compiled
again after the `.po` changed fails here, not in front of an editor.
"""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.i18n import interface_language

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "pipeline" / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "pipeline.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins
        ({"LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "PIPELINE_LANG": "en"}, "en"),  # the pipeline's own choice wins
        ({"LANG": "C", "PIPELINE_LANG": "zh"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "PIPELINE_LANG": "fr"}, "zh"),  # unknown choice: the locale decides
    ],
)
def test_language_from_pipeline_lang_then_the_locale(environ, language):
    assert interface_language(environ) == language


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def source_messages() -> dict[str, str]:
    """Every marked message in pipeline/, with the file it is in."""
    found: dict[str, str] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(REPO / "pipeline"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        # a plural message (ngettext) is one catalog entry, found by its singular
        found.setdefault(message[0] if isinstance(message, tuple) else message, filename)
    return found


def catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def test_every_marked_message_has_a_chinese_translation():
    translations = catalog()
    missing = [
        f"{where}: {text!r}"
        for text, where in sorted(source_messages().items())
        if not (entry := translations.get(text)) or not entry.string or entry.fuzzy
    ]
    assert not missing, "no Chinese translation (update and translate the catalog):\n" + "\n".join(missing)


def test_translations_keep_every_placeholder():
    broken = []
    for entry in catalog():
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(fields(text) for text in ids))
        # Chinese has one plural form, used for every count: it keeps the plural's placeholders
        # (click names the count differently in the singular, "{possibility}"/"{possibilities}")
        needed = fields(ids[-1]) if len(strings) < len(ids) else wanted
        for text in strings:
            if not needed <= fields(text) <= wanted:
                broken.append(f"{ids[0]!r}: {text!r}")
    assert not broken, "translations that drop or rename a {placeholder}:\n" + "\n".join(broken)


def test_the_shipped_mo_is_compiled_from_the_po():
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [
        entry.id
        for entry in catalog()
        if entry.id
        and isinstance(entry.id, str)
        and entry.string
        and compiled.gettext(entry.id) != entry.string
    ]
    assert not stale, "run: pybabel compile -D pipeline -d pipeline/locale (see CONTRIBUTING.md)"


def test_errors_read_in_chinese_under_a_chinese_locale(tmp_path: Path):
    (tmp_path / "project.toml").write_text("not toml [", "utf-8")
    english = CliRunner().invoke(cli, ["render", str(tmp_path)], env={"LANG": "C.UTF-8", "PIPELINE_LANG": ""})
    chinese = CliRunner().invoke(
        cli, ["render", str(tmp_path)], env={"LANG": "zh_CN.UTF-8", "PIPELINE_LANG": ""}
    )
    assert english.exit_code == chinese.exit_code == 1
    assert english.stderr.startswith("Error: ")
    assert chinese.stderr.startswith("错误：")
