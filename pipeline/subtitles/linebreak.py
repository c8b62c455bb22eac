"""CJK-aware line breaking: jieba finds the words, a line never splits one, punctuation is preferred.

Widths follow `subtitles.width` (a Latin letter counts 0.5). Breaks are allowed only between jieba
words, never inside a glossary term, never inside a run of Latin letters or digits, never between
Latin and Chinese without a space (so joining lines back can restore that space), and never next
to an opening or closing mark. Among the allowed breaks the cheapest wins: a break after
punctuation (or at a space that stands for a comma) costs nothing, a break at a space between
Latin words a little, a break between two Chinese words more; uneven lines cost by the square
of their difference.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import QCProfile
from pipeline.subtitles.width import (
    CLOSING,
    OPENING,
    PAUSE_PUNCTUATION,
    display_width,
    is_half_width_word_char,
    is_wide,
    reading_length,
)

COST_AT_PUNCTUATION = 0.0
COST_AT_SPACE = 3.0
COST_BETWEEN_WORDS = 8.0
# Two lines d characters apart cost 0.05 d^2: a break at punctuation beats a perfectly even break
# between words unless its lines differ by more than about 12 characters ("嗯，" alone on a line).
BALANCE_SCALE = 0.1
# Between cues, where the break falls matters more than even lengths: a cue should end a phrase.
PIECE_BREAK_WEIGHT = 4.0
PIECE_BALANCE_SCALE = BALANCE_SCALE / 4
OVERFLOW_COST = 1000.0
NEVER_BESIDE = "·"  # 阿卜杜拉·买买提: the name dot stays between its neighbours


@functools.cache
def _tokenizer() -> Any:
    """jieba's tokenizer, built once; jieba logs its dictionary loading to stderr unless told not to."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def jieba_tokenizer() -> Any:
    """The one jieba tokenizer of the process (its dictionary is shared with the correction stage)."""
    return _tokenizer()


def words(text: str) -> tuple[str, ...]:
    """The jieba words of `text` (spaces and punctuation are words of their own)."""
    return tuple(_tokenizer().cut(text, HMM=True))


def word_boundaries(text: str) -> frozenset[int]:
    """Character offsets in `text` where one jieba word ends and the next begins."""
    return frozenset(end for _, _, end in _tokenizer().tokenize(text, HMM=True))


def join_lines(lines: Iterable[str]) -> str:
    """One cue's lines as one text: Chinese joins directly, a space goes back where Latin meets a line end."""
    return _joined(lines)[0]


def _joined(lines: Iterable[str]) -> tuple[str, frozenset[int]]:
    """The lines joined (spaces collapsed), and the offsets where each line after the first begins.

    Those offsets are where someone (a producer, or an earlier layout) chose to break: re-breaking
    prefers them, so re-laying out a cue for a narrower picture keeps its phrases together.
    """
    text, starts = "", set()
    for line in (re.sub(r"\s+", " ", line).strip() for line in lines):
        if not line:
            continue
        if text:
            if is_half_width_word_char(text[-1]) or is_half_width_word_char(line[0]):
                text += " "
            starts.add(len(text))
        text += line
    return text, frozenset(starts)


def normalise_punctuation(text: str, profile: QCProfile) -> str:
    """Apply the profile's punctuation rules to each line of `text`.

    Inside a line a comma or full stop becomes one space (dropped before a closing mark); at the
    end of a line the forbidden marks (、，。) go; runs of spaces become one; empty lines go.
    """
    lines = []
    for line in text.split("\n"):
        out = []
        for i, char in enumerate(line):
            if char in profile.inline_to_space:
                rest = line[i + 1 :].lstrip()
                out.append("" if not rest or rest[0] in CLOSING else " ")
            else:
                out.append(char)
        line = re.sub(r"\s+", " ", "".join(out)).strip()
        while line and line[-1] in profile.line_end_forbidden:
            line = line[:-1].rstrip()
        if line:
            lines.append(line)
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Break:
    cut: int  # the line before ends at `cut` (trailing spaces stripped); the next starts at `resume`
    resume: int
    cost: float


def _breaks(
    text: str, keep_together: Sequence[str], line_starts: frozenset[int] = frozenset()
) -> tuple[_Break, ...]:
    protected = []
    for term in keep_together:
        start = text.find(term) if term else -1
        while start >= 0:
            protected.append((start, start + len(term)))
            start = text.find(term, start + 1)
    found: dict[int, _Break] = {}
    for p in sorted(word_boundaries(text)):
        if p <= 0 or p >= len(text) or any(a < p < b for a, b in protected):
            continue
        left_end = len(text[:p].rstrip())
        resume = len(text) - len(text[p:].lstrip())
        if left_end == 0 or resume >= len(text):
            continue
        left, right = text[left_end - 1], text[resume]
        spaced = left_end < resume
        if right in CLOSING or left in OPENING or NEVER_BESIDE in (left, right):
            continue
        if left in PAUSE_PUNCTUATION or p in line_starts or (spaced and is_wide(left) and is_wide(right)):
            cost = COST_AT_PUNCTUATION  # a space between Chinese characters stands for a comma
        elif spaced:
            cost = COST_AT_SPACE
        elif not is_wide(left) and not is_wide(right):
            continue  # inside a Latin word, a number, 3.5, COVID-19
        elif is_half_width_word_char(left) or is_half_width_word_char(right):
            continue  # Latin against Chinese with no space: keep together
        else:
            cost = COST_BETWEEN_WORDS
        if left_end not in found or found[left_end].cost > cost:
            found[left_end] = _Break(left_end, resume, cost)
    return tuple(sorted(found.values(), key=lambda b: b.cut))


def wrap(
    text: str, max_chars: int, max_lines: int = 2, *, keep_together: Sequence[str] = ()
) -> tuple[str, ...] | None:
    """Break `text` into the fewest lines of at most `max_chars` (display width), or None if it cannot fit.

    Lines never split a jieba word or a `keep_together` term; with a choice, breaks come after
    punctuation and lines are balanced. Existing newlines in `text` are ignored (the text is
    re-broken as a whole).
    """
    text, line_starts = _joined(text.split("\n"))
    if not text:
        return ()
    if display_width(text) <= max_chars:
        return (text,)
    if max_lines < 2:
        return None
    breaks = _breaks(text, keep_together, line_starts)
    for count in range(2, max_lines + 1):
        lines = _best_layout(text, breaks, count, max_chars)
        if lines is not None:
            return lines
    return None


def _best_layout(text: str, breaks: Sequence[_Break], count: int, max_chars: int) -> tuple[str, ...] | None:
    """The cheapest way to make exactly `count` lines, each at most `max_chars` wide."""
    mean = display_width(text) / count
    stops = [_Break(0, 0, 0.0), *breaks, _Break(len(text), len(text), 0.0)]
    # best[k][j]: (cost, previous stop) for k lines ending at stop j
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
    for k in range(1, count + 1):
        layer: dict[int, tuple[float, int]] = {}
        for j in range(1, len(stops)):
            if k < count and j == len(stops) - 1:
                continue
            for i, (cost_i, _) in best[k - 1].items():
                if i >= j:
                    continue
                width = display_width(text[stops[i].resume : stops[j].cut])
                if width > max_chars:
                    continue
                cost = cost_i + stops[j].cost + BALANCE_SCALE * (width - mean) ** 2
                if j not in layer or cost < layer[j][0]:
                    layer[j] = (cost, i)
        best.append(layer)
    end = len(stops) - 1
    if end not in best[count]:
        return None
    lines, j = [], end
    for k in range(count, 0, -1):
        i = best[k][j][1]
        lines.append(text[stops[i].resume : stops[j].cut])
        j = i
    return tuple(reversed(lines))


def split_text(
    text: str, max_chars: int, max_lines: int, *, min_pieces: int = 1, keep_together: Sequence[str] = ()
) -> tuple[tuple[str, ...], ...]:
    """Divide `text` into the fewest pieces (at least `min_pieces` when it has enough breaks) that
    each wrap into `max_lines` lines of `max_chars`; each piece is returned as its lines.

    A single word wider than a whole piece (a 30-letter URL) gets a piece of its own and overflows:
    text is never dropped and a word is never split.
    """
    text, line_starts = _joined(text.split("\n"))
    if not text:
        return ()
    stops = [_Break(0, 0, 0.0), *_breaks(text, keep_together, line_starts), _Break(len(text), len(text), 0.0)]
    limit = max_chars * max_lines

    @functools.cache
    def piece(i: int, j: int) -> tuple[tuple[str, ...], float] | None:
        chunk = text[stops[i].resume : stops[j].cut]
        if display_width(chunk) > limit and j > i + 1:
            return None
        lines = wrap(chunk, max_chars, max_lines, keep_together=keep_together)
        if lines is not None:
            return lines, PIECE_BREAK_WEIGHT * stops[j].cost + PIECE_BALANCE_SCALE * display_width(chunk) ** 2
        if j == i + 1:
            return (chunk,), OVERFLOW_COST
        return None

    # best[c][j]: (cost, previous stop) for c pieces ending at stop j
    end = len(stops) - 1
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
    for count in range(1, end + 1):
        layer: dict[int, tuple[float, int]] = {}
        for i, (cost_i, _) in best[count - 1].items():
            for j in range(i + 1, end + 1):
                found = piece(i, j)
                if found is None:
                    if display_width(text[stops[i].resume : stops[j].cut]) > limit:
                        break
                    continue
                cost = cost_i + found[1]
                if j not in layer or cost < layer[j][0]:
                    layer[j] = (cost, i)
        best.append(layer)
        if end in layer and count >= min_pieces:
            break
    count = max(c for c in range(len(best)) if end in best[c])
    pieces, j = [], end
    for c in range(count, 0, -1):
        i = best[c][j][1]
        chosen = piece(i, j)
        assert chosen is not None  # only pieces that exist were scored
        pieces.append(chosen[0])
        j = i
    return tuple(reversed(pieces))


def time_pieces(
    start_ms: int, end_ms: int, pieces: Sequence[tuple[str, ...]], gap_ms: int = 0
) -> tuple[Cue, ...]:
    """Consecutive cues sharing [start_ms, end_ms] by each piece's share of the characters."""
    weights = [max(reading_length("".join(p)), 0.5) for p in pieces]
    total = sum(weights)
    span = end_ms - start_ms
    cues, done = [], 0.0
    for index, (lines, weight) in enumerate(zip(pieces, weights)):
        begin = start_ms + round(span * done / total)
        done += weight
        finish = start_ms + round(span * done / total)
        if index < len(pieces) - 1 and finish - gap_ms > begin:
            finish -= gap_ms
        cues.append(Cue(begin, finish, tuple(lines)))
    return tuple(cues)


def reflow(
    cues: Iterable[Cue], max_chars: int, max_lines: int, *, gap_ms: int = 0, keep_together: Sequence[str] = ()
) -> tuple[Cue, ...]:
    """Re-break every cue for `max_chars` x `max_lines`; a cue that cannot fit is split into
    consecutive cues dividing its time by character share (separated by `gap_ms`), never
    splitting a word. Empty or inverted cues are only re-broken, never split.

    The render stage uses this to lay approved subtitles out as 13-character single lines for 9:16.
    """
    out: list[Cue] = []
    for cue in cues:
        text = "\n".join(cue.lines)  # the old line breaks are the preferred places for new ones
        lines = wrap(text, max_chars, max_lines, keep_together=keep_together) if text.strip() else ()
        if lines is not None:
            out.append(cue.with_lines(lines))
            continue
        pieces = split_text(text, max_chars, max_lines, keep_together=keep_together)
        if cue.end_ms <= cue.start_ms or len(pieces) < 2:
            out.append(cue.with_lines(tuple(line for piece in pieces for line in piece)))
        else:
            out.extend(time_pieces(cue.start_ms, cue.end_ms, pieces, gap_ms))
    return tuple(out)
