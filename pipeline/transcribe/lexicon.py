"""Word lists the correction stage knows: the office lexicon and the region's place names.

Both are plain text under `presets/lexicon/` (one term per line, `#` starts a comment), so an office
edits or replaces them without touching code: `party-building.txt` (party-building and
rural-governance vocabulary) and `places.txt` (the region's counties, towns and villages).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PresetError
from pipeline.i18n import _
from pipeline.resources import preset_file

LEXICON_DIR = "lexicon"
OFFICE_LEXICON = "party-building.txt"
PLACES = "places.txt"
MAX_TERM_CHARS = 12


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The office's vocabulary and the region's place names, each in file order."""

    terms: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


def word_list_files() -> tuple[Path, Path]:
    """The office lexicon and the place names in use: the office's copy of each (its presets
    folder, see `pipeline.resources`) or the shipped one."""
    return preset_file(f"{LEXICON_DIR}/{OFFICE_LEXICON}"), preset_file(f"{LEXICON_DIR}/{PLACES}")


def read_word_list(path: Path) -> tuple[str, ...]:
    """The terms of one word list; an empty tuple when the office has removed the file."""
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(
            _("{path}: the word list cannot be read ({exc}); save it as UTF-8 text, one term a line").format(
                path=path, exc=exc
            )
        ) from None
    terms: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        term = line.split("#", 1)[0].strip()
        if not term:
            continue
        if any(c.isspace() for c in term) or len(term) > MAX_TERM_CHARS:
            raise PresetError(
                _(
                    "{path}: line {number} ({term!r}) is not one term; write one term a line, without spaces, at most {limit} characters"
                ).format(path=path, number=number, term=term, limit=MAX_TERM_CHARS)
            )
        terms[term] = None
    return tuple(terms)


@functools.cache
def _load(terms_file: Path, places_file: Path) -> Lexicon:
    return Lexicon(terms=read_word_list(terms_file), places=read_word_list(places_file))


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """The office lexicon and place names (`presets/lexicon/`, or the files in `directory`), read
    once per process."""
    if directory is not None:
        return _load(directory / OFFICE_LEXICON, directory / PLACES)
    return _load(*word_list_files())
