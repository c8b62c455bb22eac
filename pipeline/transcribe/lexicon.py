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
from pipeline.presets import presets_root

LEXICON_DIR = "lexicon"
OFFICE_LEXICON = "party-building.txt"
PLACES = "places.txt"
MAX_TERM_CHARS = 12


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The office's vocabulary and the region's place names, each in file order."""

    terms: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


def lexicon_dir() -> Path:
    return presets_root() / LEXICON_DIR


def read_word_list(path: Path) -> tuple[str, ...]:
    """The terms of one word list; an empty tuple when the office has removed the file."""
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(
            f"{path}: the word list cannot be read ({exc}); save it as UTF-8 text, one term a line"
        ) from None
    terms: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        term = line.split("#", 1)[0].strip()
        if not term:
            continue
        if any(c.isspace() for c in term) or len(term) > MAX_TERM_CHARS:
            raise PresetError(
                f"{path}: line {number} ({term!r}) is not one term; write one term a line, "
                f"without spaces, at most {MAX_TERM_CHARS} characters"
            )
        terms[term] = None
    return tuple(terms)


@functools.cache
def _load(directory: Path) -> Lexicon:
    return Lexicon(
        terms=read_word_list(directory / OFFICE_LEXICON), places=read_word_list(directory / PLACES)
    )


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """The office lexicon and place names under `presets/lexicon/` (read once per process)."""
    return _load(directory or lexicon_dir())
