"""The correction stage: homophone mistakes in a Chinese transcript, fixed where the evidence is strong.

Most of the recogniser's character errors are homophones (党领 for 党龄, 相村 for 乡村): the sound
was heard right and the wrong characters were written. This stage looks at every stretch of two to
eight Chinese characters and asks whether a word that sounds the same (or, for the office's own
terms, nearly the same) makes the sentence much more probable:

- candidates come from the project glossary (its terms, and its wrong forms, which are replaced
  outright), the office lexicon and the region's place names (`lexicon.py`), and, for stretches
  that are no word at all, jieba's dictionary (a common word, not a name, that differs in one
  character and reads the same);
- pronunciations come from pypinyin (tones ignored; a character's reading in its sentence and its
  most common reading count, its rare ones do not);
- the judge is a word-unigram model over a few characters of context: the best segmentation's log
  probability with jieba's dictionary frequencies, the glossary and lexicon added with high counts.
  A replacement is applied only when it raises the context's log probability by a margin (higher
  for near-homophones and for dictionary words than for office terms), and never inside a term the
  lists already know, nor in Latin letters or digits.

Precision matters more than recall: a right character made wrong costs a producer more than a miss.
Replacements keep the length, so every word keeps its timing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pipeline.project.model import Glossary
from pipeline.subtitles.linebreak import jieba_tokenizer
from pipeline.transcribe.lexicon import Lexicon, load_lexicon
from pipeline.transcribe.transcript import Correction, Segment, Transcript, Word

# Counts added to jieba's (its total is about 60 million): an office term is as likely as a
# common word, a glossary term (this episode's own names and words) more so.
GLOSSARY_COUNT = 5000
LEXICON_COUNT = 1000
PLACE_COUNT = 1000
# Margins, in natural-log units of the context's probability (4.0: 55 times more probable).
# EXACT_MARGIN was raised from 3 to 4 against false alarms on correct text (`bench/transcribe.py
# --false-alarms`: 当尾注 is no 党委); DICTIONARY_MARGIN is far above the wrong dictionary
# proposals seen on the sample's drafts (up to 10.6): jieba's dictionary knows too many words.
EXACT_MARGIN = 4.0  # an office or glossary term, same pinyin
NEAR_MARGIN = 6.0  # an office or glossary term, near pinyin (zh/z, ing/in ...)
DICTIONARY_MARGIN = 12.0  # a jieba word, same pinyin, where the draft has no word: near-certain only
MIN_DICTIONARY_COUNT = 50  # jieba words rarer than this are not proposed
# jieba's tags for names of people, places, organisations and other proper nouns: a name that sounds
# like the draft's characters is no evidence (特里尼达 is a correct spelling, not 特立尼达 misheard)
PROPER_NOUN_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
CONTEXT = 3  # characters either side that the judge sees
MAX_WORD = 8

REASON_WRONG_FORM = "glossary wrong form"
REASON_GLOSSARY = "glossary term, same sound"
REASON_LEXICON = "office term, same sound"
REASON_PLACE = "place name, same sound"
REASON_NEAR = "{source}, similar sound"
REASON_DICTIONARY = "more likely word, same sound"

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def fuzzy(syllable: str) -> str:
    """A syllable with the distinctions many speakers (and the recogniser) blur removed."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


@functools.cache
def readings(char: str) -> tuple[str, ...]:
    """The toneless reading of one character that counts out of context: its most common one
    (pypinyin lists it first; the rare and literary ones only make false matches: 机 as wei)."""
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(found[0][:1]) if found else ()


def heard_sounds(run: str) -> list[frozenset[str]]:
    """Per character of a run of Chinese characters: its reading in context and its common one."""
    from pypinyin import Style, lazy_pinyin

    in_context = lazy_pinyin(run, style=Style.NORMAL)
    if len(in_context) != len(run):
        in_context = [""] * len(run)
    return [frozenset({s, *readings(c)} - {""}) for s, c in zip(in_context, run, strict=True)]


def term_pinyin(term: str) -> tuple[str, ...]:
    """A term's reading in context (pypinyin's phrase dictionary settles polyphones)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(term, style=Style.NORMAL))


@functools.cache
def _dictionary() -> tuple[dict[str, int], float]:
    """jieba's dictionary: word -> count, and log of the total count."""
    tokenizer = jieba_tokenizer()  # the subtitle drafts' tokenizer: one dictionary in memory
    return tokenizer.FREQ, math.log(tokenizer.total)


@functools.cache
def _homophones() -> dict[str, tuple[str, ...]]:
    """Toneless syllable -> the common characters read that way (jieba's single-character words)."""
    freq, _ = _dictionary()
    by_sound: dict[str, list[tuple[int, str]]] = {}
    for word, count in freq.items():
        if len(word) == 1 and is_han(word) and count >= MIN_DICTIONARY_COUNT:
            for syllable in readings(word):
                by_sound.setdefault(syllable, []).append((count, word))
    return {s: tuple(c for _, c in sorted(chars, reverse=True)) for s, chars in by_sound.items()}


def _word_tag(word: str) -> str:
    """jieba's part-of-speech tag for a dictionary word ("" when it has none); loaded when first
    needed, which is rare: only a dictionary candidate past its margin asks."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(word, "")


@dataclass(frozen=True, slots=True)
class Proposal:
    start: int  # character offset in the text looked at
    original: str
    replacement: str
    reason: str
    score: float  # log-probability gain of the context (natural log)

    @property
    def end(self) -> int:
        return self.start + len(self.original)


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    source: str  # "glossary", "office term", "place name"
    sound: tuple[str, ...]


class Corrector:
    """Proposes corrections for Chinese text from a glossary, a lexicon and jieba's dictionary."""

    def __init__(self, glossary: Glossary, lexicon: Lexicon) -> None:
        self.wrong_forms = {w: r for w, r in glossary.wrong_forms if len(w) == len(r) and w != r}
        known: dict[str, str] = {}
        for source, terms in (
            ("glossary", (*glossary.terms, *self.wrong_forms.values())),
            ("office term", lexicon.terms),
            ("place name", lexicon.places),
        ):
            for term in terms:
                if len(term) >= 2 and all(is_han(c) for c in term):
                    known.setdefault(term, source)
        counts = {"glossary": GLOSSARY_COUNT, "office term": LEXICON_COUNT, "place name": PLACE_COUNT}
        self.extra = {t: counts[s] for t, s in known.items()}
        self.extra_prefixes = {t[:k] for t in known for k in range(1, len(t))}
        self.terms: dict[tuple[int, str], list[_Term]] = {}  # (length, fuzzy first syllable) -> terms
        for text, source in known.items():
            sound = term_pinyin(text)
            if len(sound) != len(text):
                continue
            self.terms.setdefault((len(text), fuzzy(sound[0])), []).append(_Term(text, source, sound))
        self.known = frozenset(known)

    # ---- the judge -----------------------------------------------------------------------------

    def count(self, word: str) -> int:
        freq, _ = _dictionary()
        return max(freq.get(word, 0), self.extra.get(word, 0))

    def log_probability(self, text: str) -> float:
        """The best segmentation's log probability under the unigram word model."""
        freq, log_total = _dictionary()
        n = len(text)
        best = [0.0] + [-math.inf] * n
        for i in range(n):
            if best[i] == -math.inf:
                continue
            for j in range(i + 1, min(n, i + MAX_WORD) + 1):
                word = text[i:j]
                count = max(freq.get(word, 0), self.extra.get(word, 0))
                if count <= 0:
                    if j == i + 1:
                        count = 1  # an unknown character: as jieba scores it
                    elif word not in freq and word not in self.extra_prefixes:
                        break  # no longer word starts with these characters
                    else:
                        continue
                score = best[i] + math.log(count) - log_total
                if score > best[j]:
                    best[j] = score
        return best[n]

    def gain(self, text: str, start: int, end: int, replacement: str, run: tuple[int, int]) -> float:
        left = max(run[0], start - CONTEXT)
        right = min(run[1], end + CONTEXT)
        before = text[left:right]
        after = text[left:start] + replacement + text[end:right]
        return self.log_probability(after) - self.log_probability(before)

    # ---- proposals -----------------------------------------------------------------------------

    def propose(self, text: str) -> list[Proposal]:
        """Non-overlapping corrections for `text`, best first chosen, in text order."""
        protected = self._protected(text)
        found: list[Proposal] = list(self._wrong_forms(text, protected))
        for run in _han_runs(text):
            sounds = heard_sounds(text[run[0] : run[1]])
            found.extend(self._from_terms(text, run, sounds, protected))
            found.extend(self._from_dictionary(text, run, sounds, protected))
        chosen: list[Proposal] = []
        taken: set[int] = set()
        # the lists' own terms before dictionary words, then the strongest evidence first
        for proposal in sorted(found, key=lambda p: (p.reason == REASON_DICTIONARY, -p.score, p.start)):
            span = set(range(proposal.start, proposal.end))
            if span & taken:
                continue
            chosen.append(proposal)
            taken |= span
        return sorted(chosen, key=lambda p: p.start)

    def _protected(self, text: str) -> set[int]:
        """Character offsets inside a term the lists already know: they are right as they stand."""
        protected: set[int] = set()
        for term in self.known:
            at = text.find(term)
            while at >= 0:
                protected.update(range(at, at + len(term)))
                at = text.find(term, at + 1)
        return protected

    def _wrong_forms(self, text: str, protected: set[int]) -> Iterable[Proposal]:
        for wrong, right in self.wrong_forms.items():
            at = text.find(wrong)
            while at >= 0:
                if not protected.intersection(range(at, at + len(wrong))):
                    yield Proposal(at, wrong, right, REASON_WRONG_FORM, 99.0)
                at = text.find(wrong, at + 1)

    def _from_terms(
        self, text: str, run: tuple[int, int], sounds: list[frozenset[str]], protected: set[int]
    ) -> Iterable[Proposal]:
        first, last = run
        for i in range(first, last):
            for length in range(2, min(MAX_WORD, last - i) + 1):
                end = i + length
                if protected.intersection(range(i, end)):
                    continue
                original = text[i:end]
                keys = {fuzzy(s) for s in sounds[i - first]}
                for key in keys:
                    for term in self.terms.get((length, key), ()):
                        if term.text == original:
                            continue
                        match = _sound_match(term.sound, sounds[i - first : end - first])
                        if match is None:
                            continue
                        margin = EXACT_MARGIN if match == "exact" else NEAR_MARGIN
                        changed = sum(a != b for a, b in zip(original, term.text))
                        if match == "near" and changed > max(1, length // 2):
                            continue  # a near sound may excuse one slip, not a different word
                        score = self.gain(text, i, end, term.text, run)
                        if score >= margin:
                            reason = {
                                "glossary": REASON_GLOSSARY,
                                "office term": REASON_LEXICON,
                                "place name": REASON_PLACE,
                            }[term.source]
                            if match == "near":
                                reason = REASON_NEAR.format(source=term.source)
                            yield Proposal(i, original, term.text, reason, round(score, 2))

    def _from_dictionary(
        self, text: str, run: tuple[int, int], sounds: list[frozenset[str]], protected: set[int]
    ) -> Iterable[Proposal]:
        """Where two to four characters are no word at all, a common word read exactly the same."""
        freq, _ = _dictionary()
        homophones = _homophones()
        first, last = run
        for i in range(first, last):
            for length in (2, 3, 4):
                end = i + length
                if end > last or protected.intersection(range(i, end)):
                    continue
                original = text[i:end]
                if freq.get(original, 0) > 0 or original in self.extra:
                    continue  # a word already: not this rule's business
                best: tuple[float, str] | None = None
                for candidate in _respellings(original, sounds[i - first : end - first], homophones):
                    if freq.get(candidate, 0) < MIN_DICTIONARY_COUNT:
                        continue
                    score = self.gain(text, i, end, candidate, run)
                    if score >= DICTIONARY_MARGIN and (best is None or score > best[0]):
                        if _word_tag(candidate) not in PROPER_NOUN_TAGS:
                            best = (score, candidate)
                if best is not None:
                    yield Proposal(i, original, best[1], REASON_DICTIONARY, round(best[0], 2))


def _sound_match(term: tuple[str, ...], heard: list[frozenset[str]]) -> str | None:
    """ "exact" when every syllable of the term is a reading of the heard character, "near" when
    they agree up to fuzzy initials and finals, else None."""
    if all(s in h for s, h in zip(term, heard, strict=True)):
        return "exact"
    if all(fuzzy(s) in {fuzzy(x) for x in h} for s, h in zip(term, heard, strict=True)):
        return "near"
    return None


def _respellings(original: str, sounds: list[frozenset[str]], homophones: dict[str, tuple[str, ...]]):
    """The strings read like `original` with one character changed."""
    seen: set[str] = set()
    for k, char in enumerate(original):
        for syllable in sounds[k]:
            for other in homophones.get(syllable, ()):
                if other != char:
                    candidate = original[:k] + other + original[k + 1 :]
                    if candidate not in seen:
                        seen.add(candidate)
                        yield candidate


def _han_runs(text: str) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, char in enumerate(text + " "):
        if is_han(char):
            if start is None:
                start = i
        elif start is not None:
            runs.append((start, i))
            start = None
    return runs


# ---- applying corrections to a transcript ---------------------------------------------------------


def correct_segments(
    segments: tuple[Segment, ...], corrector: Corrector
) -> tuple[tuple[Segment, ...], tuple[Correction, ...]]:
    """The segments with corrections applied to their words, and a record of every one."""
    out: list[Segment] = []
    applied: list[Correction] = []
    for index, segment in enumerate(segments):
        if not segment.words:
            out.append(segment)
            continue
        joined = "".join(w.text for w in segment.words)
        proposals = corrector.propose(joined)
        if not proposals:
            out.append(segment)
            continue
        chars = list(joined)
        for p in proposals:
            chars[p.start : p.end] = list(p.replacement)
        corrected = "".join(chars)
        words: list[Word] = []
        at = 0
        for word in segment.words:
            words.append(replace(word, text=corrected[at : at + len(word.text)]))
            at += len(word.text)
        for p in proposals:
            covering = _covering(segment.words, p.start, p.end)
            applied.append(
                Correction(
                    segment=index,
                    offset=p.start,
                    start_ms=covering[0].start_ms,
                    end_ms=covering[-1].end_ms,
                    original=p.original,
                    replacement=p.replacement,
                    reason=p.reason,
                    score=p.score,
                )
            )
        text = segment.text
        if text.strip() == joined.strip():
            text = text[: len(text) - len(text.lstrip())] + corrected.strip()
        else:
            for p in proposals:
                text = text.replace(p.original, p.replacement, 1)
        out.append(replace(segment, text=text, words=tuple(words)))
    return tuple(out), tuple(applied)


def _covering(words: tuple[Word, ...], start: int, end: int) -> list[Word]:
    covering, at = [], 0
    for word in words:
        if at < end and at + len(word.text) > start:
            covering.append(word)
        at += len(word.text)
    return covering or [words[0]]


@functools.lru_cache(maxsize=4)
def corrector_for(glossary: Glossary, lexicon: Lexicon) -> Corrector:
    """One corrector per glossary and lexicon (building one reads the pinyin of every term)."""
    return Corrector(glossary, lexicon)


def correct_transcript(
    transcript: Transcript, glossary: Glossary, lexicon: Lexicon | None = None
) -> Transcript:
    """A Chinese transcript with the correction stage applied and recorded; others unchanged.

    Pass the recogniser's words as they came (from the engine or its cache), not a transcript
    corrected before."""
    if transcript.language not in ("zh", "yue"):
        return transcript
    corrector = corrector_for(glossary, lexicon if lexicon is not None else load_lexicon())
    segments, corrections = correct_segments(transcript.segments, corrector)
    return replace(transcript, segments=segments, corrections=transcript.corrections + corrections)
