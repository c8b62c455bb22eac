"""Subtitle drafts from word timings, cut for reading rather than along the model's segments.

The words of a clip are divided into cues by dynamic programming over the places between words:
a cue should end at a full stop, else at a comma or a pause, and never inside a jieba word; it
should fit on the preferred number of lines, be readable at the profile's speed in the time
available before the next cue, and not carry text across a long silence. Each cue's text is
then put into simplified script, corrected against the glossary, given the profile's
punctuation, broken into lines, and its timing settled (extended into the following silence
when it needs more time, keeping the minimum gap).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.project.glossary import to_simplified
from pipeline.project.model import Glossary
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.linebreak import normalise_punctuation, split_text, time_pieces, word_boundaries, wrap
from pipeline.subtitles.profile import QCProfile
from pipeline.subtitles.terms import correct_terms, protected_terms
from pipeline.subtitles.timing import settle_timing
from pipeline.subtitles.width import (
    CLAUSE_END,
    OPENING,
    SENTENCE_END,
    display_width,
    is_half_width_word_char,
    is_wide,
    reading_length,
)
from pipeline.transcribe.transcript import Word

# Costs of the segmentation, in arbitrary "badness" units.
CUE_COST = 3.0  # every cue: merge fragments that have no reason to stand alone
END_AT_SENTENCE = 0.0
END_AT_CLAUSE = 2.0  # a comma or a pause
END_BETWEEN_WORDS = 12.0
END_INSIDE_WORD = 200.0  # Whisper's word pieces can split a Chinese word: almost never cut there
SENTENCE_INSIDE = 6.0  # two short sentences may share a cue, at a price
PAUSE_INSIDE = 6.0  # more than a cue and a clause end: a pause splits unless a fragment would be tiny
LONG_PAUSE_MS = 1500
LONG_PAUSE_INSIDE = 30.0  # text left on screen through a long silence
EXTRA_LINE = 16.0  # each line beyond the preferred number: more than one extra cue cut between words
TOO_FAST = 15.0  # per 100 % over the reading speed
TOO_SHORT = 6.0  # cannot even be shown for the minimum duration
TINY_TEXT = 10.0  # one or two characters alone: worth crossing a pause to avoid
TAIL_ROOM_MS = 1000  # after the last word of a clip, assume this much silence to extend into


@dataclass(frozen=True, slots=True)
class _Piece:
    """A word as it goes into the draft: its text joined into the clip's running text at `offset`."""

    start_ms: int
    end_ms: int
    text: str
    offset: int


def draft_cues(
    words: Sequence[Word], profile: QCProfile, glossary: Glossary | None = None
) -> tuple[Cue, ...]:
    """Reading-friendly cues for one clip from its words (source time, integer ms).

    Words carry their punctuation (`"王建华，"`); Chinese words have no spaces, Latin words a
    leading one. The result passes the profile's line rules; timing rules are met wherever the
    speech leaves room.
    """
    pieces = _prepare(words)
    if not pieces:
        return ()
    running = "".join(p.text for p in pieces)
    keep = protected_terms(glossary)
    cues: list[Cue] = []
    for i, j in _segment(pieces, running, profile):
        text = _cue_text(running[pieces[i].offset : _end_offset(pieces, j, running)], profile, glossary)
        if not text:
            continue
        start, end = pieces[i].start_ms, max(pieces[j - 1].end_ms, pieces[i].start_ms + 1)
        lines = wrap(text, profile.max_chars_per_line, profile.max_lines, keep_together=keep)
        if lines is None:
            parts = split_text(text, profile.max_chars_per_line, profile.max_lines, keep_together=keep)
            cues.extend(time_pieces(start, end, parts, profile.min_gap_ms))
        else:
            cues.append(Cue(start, end, lines))
    return settle_timing(cues, profile)


def _cue_text(raw: str, profile: QCProfile, glossary: Glossary | None) -> str:
    return normalise_punctuation(correct_terms(to_simplified(raw.strip()), glossary), profile).replace(
        "\n", " "
    )


def _end_offset(pieces: Sequence[_Piece], j: int, running: str) -> int:
    return pieces[j].offset if j < len(pieces) else len(running)


def _prepare(words: Sequence[Word]) -> tuple[_Piece, ...]:
    """Words in spoken order with times made monotonic, punctuation-only words glued to their
    neighbour and spacing fixed."""
    merged: list[list] = []  # [start, end, text]
    carry = ""  # opening marks waiting for the next word
    floor = 0
    for word in words:  # spoken order; Whisper's times can step back a little, the words never do
        start = floor = max(word.start_ms, floor)
        text = word.text
        core = text.strip()
        if not core:
            continue
        if all(not c.isalnum() for c in core) and not all(c in OPENING for c in core) and merged:
            merged[-1][1] = max(merged[-1][1], word.end_ms)
            merged[-1][2] += core
            continue
        if all(c in OPENING for c in core):
            carry += core
            continue
        if carry:
            text = (" " if text[:1].isspace() else "") + carry + core
            carry = ""
        merged.append([start, max(word.end_ms, start), text])
    pieces: list[_Piece] = []
    offset = 0
    previous = ""
    for start, end, text in merged:
        body = text.lstrip()
        # Whisper puts a space before the first word of its segments, Chinese ones included:
        # between two Chinese characters that space would read as a comma.
        spaced = text[:1].isspace() and previous and not (is_wide(previous[-1]) and is_wide(body[0]))
        text = (" " + body) if spaced else body
        pieces.append(_Piece(start, end, text, offset))
        offset += len(text)
        previous = text
    return tuple(pieces)


def _segment(pieces: Sequence[_Piece], running: str, profile: QCProfile) -> list[tuple[int, int]]:
    """The cheapest division of `pieces` into cues, as (first, past-last) index pairs."""
    n = len(pieces)
    boundaries = word_boundaries(running)
    end_cost = [0.0] * (n + 1)
    inside_cost = [0.0] * (n + 1)
    for k in range(1, n):
        end_cost[k], inside_cost[k] = _boundary_costs(pieces[k - 1], pieces[k], running, boundaries, profile)
    inside_sum = [0.0] * (n + 1)
    for k in range(1, n + 1):
        inside_sum[k] = inside_sum[k - 1] + inside_cost[k - 1]

    best = [math.inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            cost = _cue_cost(pieces, running, i, j, profile)
            if cost is None:
                if i < j - 1:
                    break  # wider or longer than allowed; starting earlier only makes it worse
                cost = 1000.0  # one word too wide for a cue on its own: keep it, it gets split later
            # inside costs of the boundaries strictly between i and j
            total = best[i] + cost + end_cost[j] + (inside_sum[j] - inside_sum[i + 1])
            if total < best[j]:
                best[j], back[j] = total, i
    cuts, j = [], n
    while j > 0:
        cuts.append((back[j], j))
        j = back[j]
    return list(reversed(cuts))


def _boundary_costs(
    before: _Piece, after: _Piece, running: str, boundaries: frozenset[int], profile: QCProfile
) -> tuple[float, float]:
    """(cost of ending a cue between these words, cost of a cue running across this place)."""
    tail = before.text.rstrip()[-1:]
    pause = after.start_ms - before.end_ms
    at = after.offset
    spaced = running[at - 1 : at].isspace() or running[at : at + 1].isspace()
    left, right = running[at - 1 : at], running[at : at + 1]
    inside_word = not spaced and (
        (is_half_width_word_char(left) and is_half_width_word_char(right))
        or (left.isalnum() and right.isalnum() and at not in boundaries)
    )
    if tail and tail in SENTENCE_END:
        end = END_AT_SENTENCE
    elif (tail and tail in CLAUSE_END) or pause >= profile.pause_ms:
        end = END_AT_CLAUSE
    elif inside_word:
        end = END_INSIDE_WORD
    else:
        # unpunctuated speech: the longer the breath between two words, the better the place
        share = max(pause, 0) / profile.pause_ms
        end = END_BETWEEN_WORDS - (END_BETWEEN_WORDS - END_AT_CLAUSE) * share
    if pause >= LONG_PAUSE_MS:
        end, inside = min(end, END_AT_SENTENCE), LONG_PAUSE_INSIDE
    elif tail and tail in SENTENCE_END:
        inside = SENTENCE_INSIDE
    elif pause >= profile.pause_ms:
        inside = PAUSE_INSIDE
    else:
        inside = 0.0
    return end, inside


def _cue_cost(pieces: Sequence[_Piece], running: str, i: int, j: int, profile: QCProfile) -> float | None:
    """The cost of one cue made of pieces[i:j], or None when it cannot be a cue."""
    text = normalise_punctuation(running[pieces[i].offset : _end_offset(pieces, j, running)], profile)
    text = text.replace("\n", " ")
    width = display_width(text)
    if width > profile.max_chars_per_line * profile.max_lines:
        return None
    start, end = pieces[i].start_ms, pieces[j - 1].end_ms
    if end - start > profile.max_duration_ms:
        return None
    lines = max(1, math.ceil(width / profile.max_chars_per_line))
    cost = CUE_COST + EXTRA_LINE * max(0, lines - profile.preferred_lines)
    room_end = pieces[j].start_ms - profile.min_gap_ms if j < len(pieces) else end + TAIL_ROOM_MS
    available = min(profile.max_duration_ms, max(room_end, end) - start)
    length = reading_length(text)
    speed = length * 1000 / max(available, 1)
    if speed > profile.max_chars_per_second:
        cost += TOO_FAST * (speed / profile.max_chars_per_second - 1)
    if available < profile.min_duration_ms:
        cost += TOO_SHORT
    if length < 3 and len(pieces) > 1:
        cost += TINY_TEXT
    return cost
