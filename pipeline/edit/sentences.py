"""Sentences from a transcript's word timings: the units of the cut list.

Whisper's segments are cut where its 30-second window falls, not where the speaker stops, so
sentences are rebuilt from the words: a sentence ends at 。！？ (and their Latin forms) or at a long
pause; one still longer than the template's limit is split at a comma near its middle. Hesitations
(嗯, 呃 …) at a sentence's edges are trimmed off, and each sentence gets a small handle before its
first and after its last word, never reaching past the middle of the gap to its neighbours, so
two sentences kept one after the other never play the same sound twice.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.edit.template import CutRules
from pipeline.transcribe.transcript import Transcript, Word

SENTENCE_ENDS = ("。", "！", "？", "!", "?", "；", ";", "…")
PAUSE_MARKS = ("，", ",", "、", "：", ":", "—")  # where a too-long sentence may be split
ROUND_MS = 10  # cut-list times are written in hundredths


@dataclass(frozen=True, slots=True)
class Sentence:
    clip_id: str
    in_ms: int  # handles included
    out_ms: int
    text: str
    words: tuple[Word, ...]
    filler: bool = False  # nothing but filler words

    @property
    def duration_ms(self) -> int:
        return self.out_ms - self.in_ms

    @property
    def confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.probability for w in self.words) / len(self.words)


def normalise(text: str) -> str:
    """What was said, for comparisons: no punctuation, no spaces, lower case."""
    return "".join(c for c in text.lower() if unicodedata.category(c)[0] not in "PZSC")


def token_pattern(tokens: Sequence[str]) -> re.Pattern[str]:
    """Matches text made only of the given tokens, repeated in any order (嗯嗯, 那个那个)."""
    alternatives = sorted({normalise(t) for t in tokens if normalise(t)}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile("(?:" + "|".join(re.escape(a) for a in alternatives) + ")+")


def split_sentences(
    transcript: Transcript, rules: CutRules, clip_duration_ms: int | None = None
) -> tuple[Sentence, ...]:
    words = _spoken_words(transcript)
    if not words:
        return ()
    segment_ends = _segment_end_indices(transcript, words)
    hesitation = token_pattern(rules.hesitations)
    filler = token_pattern(rules.fillers)
    groups: list[tuple[int, int]] = []  # [first, last) word indices
    for first, last in _sentence_bounds(words, rules.pause_ms):
        groups.extend(_split_long(words, first, last, rules.max_sentence_ms, segment_ends))
    sentences = []
    for first, last in groups:
        first, last = _trim_hesitations(words, first, last, hesitation)
        spoken = words[first:last]
        text = "".join(w.text for w in spoken).strip()
        in_ms, out_ms = _with_handles(words, first, last, rules.handle_ms, clip_duration_ms)
        if out_ms <= in_ms:
            continue
        sentences.append(
            Sentence(
                clip_id=transcript.clip_id,
                in_ms=in_ms,
                out_ms=out_ms,
                text=text,
                words=tuple(spoken),
                filler=bool(filler.fullmatch(normalise(text))) or not normalise(text),
            )
        )
    return tuple(sentences)


def _spoken_words(transcript: Transcript) -> list[Word]:
    words = [w for w in transcript.words if w.text.strip() and w.end_ms >= w.start_ms]
    if not words:
        # a transcript made without word timings: each segment stands for one word
        words = [Word(s.start_ms, s.end_ms, s.text) for s in transcript.segments if s.text.strip()]
    return sorted(words, key=lambda w: (w.start_ms, w.end_ms))


def _segment_end_indices(transcript: Transcript, words: list[Word]) -> frozenset[int]:
    """Indices i such that a segment of the transcript ends right after words[i]."""
    ends = {s.words[-1] for s in transcript.segments if s.words}
    return frozenset(i for i, w in enumerate(words) if w in ends)


def _ends_sentence(word: Word) -> bool:
    text = word.text.rstrip()
    if text.endswith(SENTENCE_ENDS):
        return True
    # a full stop, but not the point of "3.5" split across words
    return text.endswith(".") and not text[:-1][-1:].isdigit()


def _sentence_bounds(words: list[Word], pause_ms: int) -> list[tuple[int, int]]:
    bounds, first = [], 0
    for i in range(1, len(words) + 1):
        at_end = i == len(words)
        if at_end or _ends_sentence(words[i - 1]) or words[i].start_ms - words[i - 1].end_ms >= pause_ms:
            bounds.append((first, i))
            first = i
    return bounds


def _split_long(
    words: list[Word], first: int, last: int, max_ms: int, segment_ends: frozenset[int]
) -> list[tuple[int, int]]:
    """Split [first, last) at the comma (or segment end, or longest pause) nearest its middle."""
    if last - first < 2 or words[last - 1].end_ms - words[first].start_ms <= max_ms:
        return [(first, last)]
    middle = (words[first].start_ms + words[last - 1].end_ms) / 2
    cuts = range(first + 1, last)  # a cut at k splits before words[k]
    marked = [k for k in cuts if words[k - 1].text.rstrip().endswith(PAUSE_MARKS) or (k - 1) in segment_ends]
    if marked:
        k = min(marked, key=lambda k: abs(words[k].start_ms - middle))
    else:
        k = max(
            cuts, key=lambda k: (words[k].start_ms - words[k - 1].end_ms, -abs(words[k].start_ms - middle))
        )
    return _split_long(words, first, k, max_ms, segment_ends) + _split_long(
        words, k, last, max_ms, segment_ends
    )


def _trim_hesitations(
    words: list[Word], first: int, last: int, hesitation: re.Pattern[str]
) -> tuple[int, int]:
    """Drop 嗯/呃 … at the edges, unless they are all the sentence has (then it is a filler line)."""
    is_hesitation = [bool(hesitation.fullmatch(normalise(w.text))) for w in words[first:last]]
    if all(is_hesitation):
        return first, last
    while is_hesitation and is_hesitation[0]:
        is_hesitation.pop(0)
        first += 1
    while is_hesitation and is_hesitation[-1]:
        is_hesitation.pop()
        last -= 1
    return first, last


def _with_handles(
    words: list[Word], first: int, last: int, handle_ms: int, clip_duration_ms: int | None
) -> tuple[int, int]:
    start, end = words[first].start_ms, words[last - 1].end_ms
    in_ms = _floor(max(0, start - handle_ms))
    out_ms = _ceil(end + handle_ms)
    if first > 0:  # meet the previous word no earlier than the middle of the gap
        middle = _nearest((words[first - 1].end_ms + start) / 2)
        in_ms = max(in_ms, min(middle, _floor(start)))
    if last < len(words):
        middle = _nearest((end + words[last].start_ms) / 2)
        out_ms = min(out_ms, max(middle, _ceil(end)))
    if clip_duration_ms is not None:
        out_ms = min(out_ms, clip_duration_ms)
    return in_ms, out_ms


def _floor(ms: float) -> int:
    return int(math.floor(ms / ROUND_MS)) * ROUND_MS


def _ceil(ms: float) -> int:
    return int(math.ceil(ms / ROUND_MS)) * ROUND_MS


def _nearest(ms: float) -> int:
    return int(round(ms / ROUND_MS)) * ROUND_MS
