"""The glossary a project transcribes with: its own terms, the subject, and the office-wide list.

Whisper has no vocabulary list; it is steered by text it takes as already said. The terms go into
the initial prompt (the first window; `condition_on_previous_text` would carry it on) and can go
into hotwords (every window; off by default, see `step.options_for`). Wrong forms are not used
here: the subtitles module corrects them in drafts and QC flags them.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pipeline.errors import PresetError
from pipeline.project.model import Glossary, Project
from pipeline.resources import preset_file
from pipeline.transcribe.chinese import to_simplified

OFFICE_GLOSSARY = "glossary.toml"
# Whisper keeps at most 223 prompt tokens and a Chinese character costs one to three; these
# budgets leave room for both prompt and hotwords in one window and keep the prompt a sentence.
PROMPT_MAX_CHARS = 80
HOTWORDS_MAX_CHARS = 60
ZH_PROMPT_LEAD = "以下是普通话的句子，涉及："  # simplified, punctuated: the model answers in kind
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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
        raise PresetError(f"{path}: invalid TOML ({exc}); fix the office glossary") from None
    terms = data.get("terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise PresetError(f'{path}: terms must be a list of quoted strings, e.g. ["两委", "第一书记"]')
    wrong = data.get("wrong_forms", {})
    if not isinstance(wrong, dict) or not all(isinstance(v, str) for v in wrong.values()):
        raise PresetError(f'{path}: [wrong_forms] must map each wrong form to the right one: "两为" = "两委"')
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


def _terms_for(glossary: Glossary, language: str | None) -> tuple[str, ...]:
    """Terms written in the language's script: Chinese terms would mislead an English transcription."""
    if language is None:
        return ()
    if language in ("zh", "yue"):
        return tuple(dict.fromkeys(to_simplified(t) for t in glossary.terms))
    return tuple(t for t in glossary.terms if not CJK.search(t))


def _fit(terms: tuple[str, ...], separator: str, budget: int) -> list[str]:
    chosen: list[str] = []
    used = 0
    for term in terms:
        cost = len(term) + (len(separator) if chosen else 0)
        if used + cost > budget:
            continue  # a shorter term further down may still fit
        chosen.append(term)
        used += cost
    return chosen


def initial_prompt(glossary: Glossary, language: str | None) -> str:
    """A short sentence that primes the first window with the script, punctuation and terms."""
    terms = _terms_for(glossary, language)
    if language in ("zh", "yue"):
        chosen = _fit(terms, "、", PROMPT_MAX_CHARS - len(ZH_PROMPT_LEAD) - 1)
        return f"{ZH_PROMPT_LEAD}{'、'.join(chosen)}。" if chosen else "以下是普通话的句子。"
    chosen = _fit(terms, ", ", PROMPT_MAX_CHARS)
    return f"{', '.join(chosen)}." if chosen else ""


def hotwords(glossary: Glossary, language: str | None) -> str:
    """The terms again, for every window (faster-whisper puts hotwords before each window's prompt)."""
    return " ".join(_fit(_terms_for(glossary, language), " ", HOTWORDS_MAX_CHARS))
