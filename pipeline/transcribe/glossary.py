"""The glossary as Whisper hears it: its terms in the initial prompt and the hotwords.

The glossary itself (subject, project terms, office-wide list) is merged in `project.glossary`,
shared with the subtitles stage.

Whisper has no vocabulary list; it is steered by text it takes as already said. The terms go into
the initial prompt (the first window; `condition_on_previous_text` would carry it on) and can go
into hotwords (every window; off by default, see `step.options_for`). Wrong forms are not used
here: the subtitles module corrects them in drafts and QC flags them.
"""

from __future__ import annotations

import re

from pipeline.project.glossary import to_simplified
from pipeline.project.model import Glossary

# Whisper keeps at most 223 prompt tokens and a Chinese character costs one to three; these
# budgets leave room for both prompt and hotwords in one window and keep the prompt a sentence.
PROMPT_MAX_CHARS = 80
HOTWORDS_MAX_CHARS = 60
ZH_PROMPT_LEAD = "以下是普通话的句子，涉及："  # simplified, punctuated: the model answers in kind
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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
