"""The safe automatic fixes: what a careful subtitler would do without needing to listen again.

Text: simplified script, glossary wrong forms corrected, the profile's punctuation, lines
re-broken when they break the line rules (valid line breaks are kept). Structure: empty cues
removed (nothing is lost), cues too wide or too long split at word boundaries, cues too short to
read merged with a neighbour when the result fits and there is no room to extend them. Timing:
gaps, overlaps, reading time and maximum duration settled as in drafts.

Applied to drafts only; the producers' files are never touched by the machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pipeline.project.glossary import to_simplified
from pipeline.project.model import Glossary
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.linebreak import join_lines, normalise_punctuation, split_text, time_pieces, wrap
from pipeline.subtitles.profile import QCProfile
from pipeline.subtitles.terms import correct_terms, protected_terms, wrong_forms_in
from pipeline.subtitles.timing import MAX_LEAD_IN_MS, needed_ms, settle_timing
from pipeline.subtitles.width import display_width


def fix_cues(cues: Sequence[Cue], profile: QCProfile, glossary: Glossary | None = None) -> tuple[Cue, ...]:
    """`cues` with the safe fixes applied (a new tuple; the input is not changed)."""
    keep = protected_terms(glossary)
    ordered = sorted(cues, key=lambda c: (c.start_ms, c.end_ms))
    laid_out: list[Cue] = []
    for cue in ordered:
        fixed = _fix_text(cue, profile, glossary, keep)
        if fixed is not None:
            laid_out.extend(_fit(fixed, profile, keep))
    return settle_timing(_merge_short(laid_out, profile, keep), profile)


def _fix_text(cue: Cue, profile: QCProfile, glossary: Glossary | None, keep: Sequence[str]) -> Cue | None:
    """The cue with its text fixed, its valid line breaks kept; None when no text is left."""
    lines = tuple(
        line
        for line in (
            normalise_punctuation(correct_terms(to_simplified(raw), glossary), profile).replace("\n", " ")
            for raw in cue.lines
        )
        if line
    )
    text = join_lines(lines)
    if not text:
        return None
    if wrong_forms_in(text, glossary):  # a wrong form split across the line break
        text = normalise_punctuation(correct_terms(text, glossary), profile)
        lines = ()
    start, end = cue.start_ms, cue.end_ms
    if end <= start:  # inverted: keep the start (where the words are) and give it its reading time
        end = start + needed_ms(cue.with_lines((text,)), profile)
    if not _fits(lines, profile):
        lines = (text,)  # re-broken by _fit
    return Cue(start, end, lines)


def _fits(lines: Sequence[str], profile: QCProfile) -> bool:
    return 0 < len(lines) <= profile.max_lines and all(
        display_width(line) <= profile.max_chars_per_line for line in lines
    )


def _fit(cue: Cue, profile: QCProfile, keep: Sequence[str]) -> tuple[Cue, ...]:
    """The cue laid out within the line rules, split into several when too wide or too long."""
    pieces_needed = max(1, math.ceil(cue.duration_ms / profile.max_duration_ms))
    if pieces_needed == 1 and _fits(cue.lines, profile):
        return (cue,)
    text = "\n".join(cue.lines)  # old line breaks are the preferred places for new ones
    if pieces_needed == 1:
        lines = wrap(text, profile.max_chars_per_line, profile.max_lines, keep_together=keep)
        if lines is not None:
            return (cue.with_lines(lines),)
    pieces = split_text(
        text, profile.max_chars_per_line, profile.max_lines, min_pieces=pieces_needed, keep_together=keep
    )
    if len(pieces) == 1:
        return (cue.with_lines(pieces[0]),)
    return time_pieces(cue.start_ms, cue.end_ms, pieces, profile.min_gap_ms)


def _merge_short(cues: list[Cue], profile: QCProfile, keep: Sequence[str]) -> list[Cue]:
    """Join each cue too short to read to its nearer neighbour, when it cannot simply be lengthened."""
    cues = list(cues)
    i = 0
    while i < len(cues):
        cue = cues[i]
        if cue.duration_ms >= needed_ms(cue, profile) or _room(cues, i, profile) >= needed_ms(cue, profile):
            i += 1
            continue
        merged = _best_merge(cues, i, profile, keep)
        if merged is None:
            i += 1
            continue
        first, joined = merged
        cues[first : first + 2] = [joined]
        i = max(first - 1, 0)  # the joined cue may itself still be short
    return cues


def _room(cues: Sequence[Cue], i: int, profile: QCProfile) -> int:
    """The longest cue `i` could become by moving only its own start and end."""
    gap = profile.min_gap_ms
    latest_end = (
        cues[i + 1].start_ms - gap if i + 1 < len(cues) else cues[i].start_ms + profile.max_duration_ms
    )
    earliest_start = max(0, cues[i].start_ms - MAX_LEAD_IN_MS, cues[i - 1].end_ms + gap if i > 0 else 0)
    return latest_end - min(earliest_start, cues[i].start_ms)


def _best_merge(
    cues: Sequence[Cue], i: int, profile: QCProfile, keep: Sequence[str]
) -> tuple[int, Cue] | None:
    options = []
    for first in (i - 1, i):
        if first < 0 or first + 1 >= len(cues):
            continue
        a, b = cues[first], cues[first + 1]
        if b.end_ms - a.start_ms > profile.max_duration_ms:
            continue
        # a space where the two cues meet: it was a phrase boundary
        text = normalise_punctuation(
            "\n".join((*a.lines[:-1], f"{a.lines[-1]} {b.lines[0]}", *b.lines[1:])), profile
        )
        lines = wrap(text, profile.max_chars_per_line, profile.max_lines, keep_together=keep)
        if lines is not None:
            options.append((b.start_ms - a.end_ms, first, Cue(a.start_ms, max(a.end_ms, b.end_ms), lines)))
    if not options:
        return None
    _, first, joined = min(options, key=lambda o: (o[0], o[1]))
    return first, joined
