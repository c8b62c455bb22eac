"""Subtitle QC: the rules of docs/specs.md "Chinese subtitles", limits and severities from the profile.

`lint` checks cues in file order and returns one Finding per problem; a rule whose severity is
"off" in the profile is not checked. Rule names are `subtitles.profile.RULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pipeline.project.model import Glossary
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import QCProfile
from pipeline.subtitles.terms import traditional_chars, wrong_forms_in
from pipeline.subtitles.width import display_width, format_width, reading_length

Report = Callable[..., None]  # (cue number, cue, rule, message, **figures): records a finding


@dataclass(frozen=True, slots=True)
class Finding:
    clip: str
    cue: int  # 1-based position in the file; 0 for a finding about the whole clip
    start_ms: int
    end_ms: int
    rule: str
    severity: str  # "error" or "warning"
    message: str
    # what the rule measured and the profile's limit it broke (characters, lines, characters/s,
    # milliseconds), or the text it found and what the text should be: enough to word the finding
    # in another language without measuring again
    measured: float | None = None
    limit: float | None = None
    found: str = ""
    wanted: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The finding as `subs lint --json` lists it."""
        return {k: v for k, v in asdict(self).items() if k in _JSON_FIELDS}


_JSON_FIELDS = ("clip", "cue", "start_ms", "end_ms", "rule", "severity", "message")


def lint(
    cues: Sequence[Cue], profile: QCProfile, glossary: Glossary | None = None, clip: str = ""
) -> tuple[Finding, ...]:
    """Every QC finding for one clip's cues (in file order), errors and warnings alike."""
    findings: list[Finding] = []

    def report(number: int, cue: Cue, rule: str, message: str, **figures: Any) -> None:
        severity = profile.severity(rule)
        if severity != "off":
            findings.append(
                Finding(clip, number, cue.start_ms, cue.end_ms, rule, severity, message, **figures)
            )

    previous: Cue | None = None
    for number, cue in enumerate(cues, 1):
        _check_cue(number, cue, profile, glossary, report)
        if previous is not None:
            _check_neighbours(number, previous, cue, profile, report)
        previous = cue
    return tuple(findings)


def missing_subtitles(profile: QCProfile, clip: str, expected: str) -> Finding | None:
    """The finding for an interview clip that has no subtitle file yet (None when the rule is off)."""
    severity = profile.severity("missing_subtitles")
    if severity == "off":
        return None
    return Finding(
        clip,
        0,
        0,
        0,
        "missing_subtitles",
        severity,
        f"no subtitles yet ({expected} missing); run `pipeline transcribe`",
    )


def has_errors(findings: Sequence[Finding]) -> bool:
    """True when any finding is an error (what blocks approval and fails `subs lint`)."""
    return any(f.severity == "error" for f in findings)


def _check_cue(number: int, cue: Cue, profile: QCProfile, glossary: Glossary | None, report: Report) -> None:
    text = cue.flat
    if not text.strip():
        report(number, cue, "empty", "has no text; delete the cue or give it text")
        return
    duration = cue.duration_ms
    if duration <= 0:
        report(
            number,
            cue,
            "inverted",
            f"ends {-duration} ms before it starts; fix its times"
            if duration < 0
            else "ends when it starts (0 ms); fix its times",
        )
    elif duration < profile.min_duration_ms:
        report(
            number,
            cue,
            "min_duration",
            f"is up {duration} ms, under {profile.min_duration_ms} ms; lengthen it or join it to a neighbour",
            measured=duration,
            limit=profile.min_duration_ms,
        )
    elif duration > profile.max_duration_ms:
        report(
            number,
            cue,
            "max_duration",
            f"is up {duration} ms, over {profile.max_duration_ms} ms; split it",
            measured=duration,
            limit=profile.max_duration_ms,
        )
    if duration > 0:
        speed = reading_length(text) * 1000 / duration
        if speed > profile.max_chars_per_second:
            report(
                number,
                cue,
                "reading_speed",
                f"needs {speed:.1f} characters/s, over "
                f"{profile.max_chars_per_second:g}; shorten the text or give it more time",
                measured=speed,
                limit=profile.max_chars_per_second,
            )
    if len(cue.lines) > profile.max_lines:
        report(
            number,
            cue,
            "lines_per_cue",
            f"has {len(cue.lines)} lines, over {profile.max_lines}; shorten or split it",
            measured=len(cue.lines),
            limit=profile.max_lines,
        )
    for line_number, line in enumerate(cue.lines, 1):
        width = display_width(line)
        if width > profile.max_chars_per_line:
            report(
                number,
                cue,
                "line_length",
                f"line {line_number} is {format_width(width)} characters wide, over "
                f"{profile.max_chars_per_line}: {line}",
                measured=width,
                limit=profile.max_chars_per_line,
            )
        stripped = line.rstrip()
        if stripped and stripped[-1] in profile.line_end_forbidden:
            report(
                number, cue, "line_end_punctuation", f"line {line_number} ends with {stripped[-1]}; remove it"
            )
        inside = [c for c in stripped[:-1] if c in profile.inline_to_space]
        if inside:
            marks = "".join(dict.fromkeys(inside))
            report(
                number,
                cue,
                "inline_punctuation",
                f"line {line_number} has {marks} inside; write one space instead",
            )
    traditional = traditional_chars(text)
    if traditional:
        report(
            number,
            cue,
            "traditional",
            f"has traditional characters {''.join(traditional)}; use simplified script",
            found="".join(traditional),
        )
    for hit in wrong_forms_in(text, glossary):
        report(
            number,
            cue,
            "glossary",
            f"has {hit.wrong}; the glossary says {hit.right}",
            found=hit.wrong,
            wanted=hit.right,
        )


def _check_neighbours(number: int, previous: Cue, cue: Cue, profile: QCProfile, report: Report) -> None:
    gap = cue.start_ms - previous.end_ms
    if cue.start_ms < previous.start_ms:
        report(number, cue, "overlap", f"starts before cue {number - 1}; put the cues in time order")
    elif gap < 0:
        report(number, cue, "overlap", f"starts {-gap} ms before cue {number - 1} ends; fix the times")
    elif gap < profile.min_gap_ms:
        report(
            number,
            cue,
            "gap",
            f"starts {gap} ms after cue {number - 1} ends, under {profile.min_gap_ms} ms "
            f"({profile.min_gap_frames} frames); end the previous cue earlier",
            measured=gap,
            limit=profile.min_gap_ms,
        )
