"""Simplified script and the merged glossary: what transcription and subtitles both correct with.

Both stages need the same two things: one OpenCC converter (so a draft, its QC and a transcript
agree on what "simplified" means) and one glossary merge (so lint flags exactly what drafting
corrects). They live here, in `project`, because that is the lowest stage that can hold them: the
merge reads the project's `Glossary` and subject from `project.model` and the office list from the
presets, and `transcribe` and `subtitles` both sit above `project`. Neither stage imports the other
for them, which is what used to make a cycle (subtitles.terms -> transcribe.glossary ->
transcribe.chinese -> subtitles.terms).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from pipeline.errors import PresetError
from pipeline.i18n import _
from pipeline.project.model import Glossary, Project
from pipeline.resources import preset_file

OFFICE_GLOSSARY = "glossary.toml"


@functools.cache
def _t2s() -> Any:
    import opencc  # loads its conversion tables on first use, not when the CLI starts

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` in simplified script (OpenCC t2s, phrase-aware)."""
    return str(_t2s().convert(text)) if text else text


def office_glossary_path() -> Path:
    return preset_file(OFFICE_GLOSSARY)


def load_office_glossary(path: Path | None = None) -> Glossary:
    """`presets/glossary.toml` (or the office's copy, see `pipeline.resources`), or an empty
    glossary when there is none."""
    path = path or office_glossary_path()
    if not path.exists():
        return Glossary()
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PresetError(
            _("{path}: invalid TOML ({exc}); fix the office glossary").format(path=path, exc=exc)
        ) from None
    terms = data.get("terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise PresetError(
            _('{path}: terms must be a list of quoted strings, e.g. ["两委", "第一书记"]').format(path=path)
        )
    wrong = data.get("wrong_forms", {})
    if not isinstance(wrong, dict) or not all(isinstance(v, str) for v in wrong.values()):
        raise PresetError(
            _('{path}: [wrong_forms] must map each wrong form to the right one: "两为" = "两委"').format(
                path=path
            )
        )
    return Glossary(
        terms=tuple(t.strip() for t in terms if t.strip()),
        wrong_forms=tuple(
            (k.strip(), v.strip()) for k, v in wrong.items() if k.strip() and v.strip() and k != v
        ),
    )


def merge_glossaries(*glossaries: Glossary) -> Glossary:
    """One glossary; earlier ones come first, and win when two give a wrong form different fixes."""
    terms: dict[str, None] = {}
    wrong: dict[str, str] = {}
    for glossary in glossaries:
        terms.update((t, None) for t in glossary.terms if t not in terms)
        for bad, good in glossary.wrong_forms:
            wrong.setdefault(bad, good)
    return Glossary(terms=tuple(terms), wrong_forms=tuple(wrong.items()))


def project_glossary(project: Project, office: Glossary | None = None) -> Glossary:
    """What a project transcribes and checks with: subject, project terms, then the office's."""
    subject = Glossary(
        terms=tuple(t for t in (project.subject.name, project.subject.unit, project.subject.role) if t)
    )
    return merge_glossaries(
        subject, project.glossary, office if office is not None else load_office_glossary()
    )
