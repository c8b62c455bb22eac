"""Where a producer should look: the machine's corrections and the words the recogniser was unsure of.

A flag is either a correction the correction stage made (`corrected`: the producer may restore the
original) or a word whose Whisper probability is below `LOW_CONFIDENCE` (`uncertain`). `subs lint`
counts the flags that remain in a clip's subtitles (the flagged text still stands where it was
said), and the review page highlights them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.i18n import ngettext
from pipeline.project.model import Project
from pipeline.subtitles.checks import ClipLint
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.qc import Finding
from pipeline.subtitles.srt_io import read_srt
from pipeline.transcribe.transcript import Transcript

# Whisper's word probability below which a word is flagged. On the sample narration (Whisper base)
# 8 % of the words fall below it, and they include most of the misheard ones that no rule fixed.
LOW_CONFIDENCE = 0.5
FLAG_RULE = "flagged_words"


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str  # "corrected" | "uncertain"
    start_ms: int
    end_ms: int
    text: str  # as the transcript has it now (the replacement, for a correction)
    original: str = ""  # what the recogniser wrote (corrections only)
    reason: str = ""
    score: float = 0.0  # the correction's score, or the word's probability


def _core(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def transcript_flags(transcript: Transcript, threshold: float = LOW_CONFIDENCE) -> tuple[Flag, ...]:
    """Every correction, and every low-probability word not inside one, in time order."""
    flags = [
        Flag("corrected", c.start_ms, c.end_ms, c.replacement, c.original, c.reason, c.score)
        for c in transcript.corrections
    ]
    corrected = [(f.start_ms, f.end_ms) for f in flags]
    for word in transcript.words:
        text = _core(word.text)
        if not text or word.probability >= threshold:
            continue
        if any(start <= word.start_ms and word.end_ms <= end for start, end in corrected):
            continue
        flags.append(
            Flag(
                "uncertain", word.start_ms, word.end_ms, text, reason="low confidence", score=word.probability
            )
        )
    return tuple(sorted(flags, key=lambda f: (f.start_ms, f.end_ms)))


def remaining_flags(flags: Sequence[Flag], cues: Sequence[Cue]) -> tuple[Flag, ...]:
    """The flags whose text still stands in a cue shown while it was said."""
    left = []
    for flag in flags:
        for cue in cues:
            if cue.start_ms < flag.end_ms and flag.start_ms < cue.end_ms and flag.text in _core(cue.text):
                left.append(flag)
                break
    return tuple(left)


def flags_finding(clip_id: str, flags: Sequence[Flag]) -> Finding | None:
    """An informational finding for the whole clip: how many flagged words remain to be checked."""
    if not flags:
        return None
    corrected = sum(f.kind == "corrected" for f in flags)
    uncertain = len(flags) - corrected
    return Finding(
        clip_id,
        0,
        0,
        0,
        FLAG_RULE,
        "info",
        _flags_message(len(flags), corrected).format(n=len(flags), corrected=corrected, uncertain=uncertain),
    )


def with_flag_findings(project: Project, results: Sequence[ClipLint]) -> tuple[ClipLint, ...]:
    """`subs lint`'s results with each clip's informational count of flagged words appended."""
    from pipeline.transcribe.step import load_transcript

    out = []
    for result in results:
        transcript = load_transcript(project, result.clip_id)
        finding = None
        if transcript is not None and result.path is not None:
            left = remaining_flags(transcript_flags(transcript), read_srt(result.path))
            finding = flags_finding(result.clip_id, left)
        out.append(replace(result, findings=(*result.findings, finding)) if finding else result)
    return tuple(out)


def _flags_message(count: int, corrected: int) -> str:
    if corrected == 1:
        return ngettext(
            "{n} flagged word to check ({corrected} machine correction, {uncertain} low-confidence); "
            "the review page highlights them",
            "{n} flagged words to check ({corrected} machine correction, {uncertain} low-confidence); "
            "the review page highlights them",
            count,
        )
    return ngettext(
        "{n} flagged word to check ({corrected} machine corrections, {uncertain} low-confidence); "
        "the review page highlights them",
        "{n} flagged words to check ({corrected} machine corrections, {uncertain} low-confidence); "
        "the review page highlights them",
        count,
    )
