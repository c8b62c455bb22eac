"""Subtitle QC: the rules of docs/specs.md "Chinese subtitles", limits and severities from the profile.

`lint` checks cues in file order and returns one Finding per problem; a rule whose severity is
"off" in the profile is not checked. Rule names are `subtitles.profile.RULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pipeline.i18n import _
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
        _("no subtitles yet ({expected} missing); run `pipeline transcribe`").format(expected=expected),
    )


def has_errors(findings: Sequence[Finding]) -> bool:
    """True when any finding is an error (what blocks approval and fails `subs lint`)."""
    return any(f.severity == "error" for f in findings)


def _check_cue(number: int, cue: Cue, profile: QCProfile, glossary: Glossary | None, report: Report) -> None:
    text = cue.flat
    if not text.strip():
        report(number, cue, "empty", _("has no text; delete the cue or give it text"))
        return
    duration = cue.duration_ms
    if duration <= 0:
        report(
            number,
            cue,
            "inverted",
            _("ends {overlap} ms before it starts; fix its times").format(overlap=-duration)
            if duration < 0
            else _("ends when it starts (0 ms); fix its times"),
        )
    elif duration < profile.min_duration_ms:
        report(
            number,
            cue,
            "min_duration",
            _(
                "is up {duration} ms, under {min_duration_ms} ms; lengthen it or join it to a neighbour"
            ).format(duration=duration, min_duration_ms=profile.min_duration_ms),
            measured=duration,
            limit=profile.min_duration_ms,
        )
    elif duration > profile.max_duration_ms:
        report(
            number,
            cue,
            "max_duration",
            _("is up {duration} ms, over {max_duration_ms} ms; split it").format(
                duration=duration, max_duration_ms=profile.max_duration_ms
            ),
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
                _(
                    "needs {speed:.1f} characters/s, over {max_chars_per_second:g}; shorten the text or give it more time"
                ).format(speed=speed, max_chars_per_second=profile.max_chars_per_second),
                measured=speed,
                limit=profile.max_chars_per_second,
            )
    if len(cue.lines) > profile.max_lines:
        report(
            number,
            cue,
            "lines_per_cue",
            _("has {n} lines, over {max_lines}; shorten or split it").format(
                n=len(cue.lines), max_lines=profile.max_lines
            ),
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
                _("line {line_number} is {width} characters wide, over {max_chars_per_line}: {line}").format(
                    line_number=line_number,
                    width=format_width(width),
                    max_chars_per_line=profile.max_chars_per_line,
                    line=line,
                ),
                measured=width,
                limit=profile.max_chars_per_line,
            )
        stripped = line.rstrip()
        if stripped and stripped[-1] in profile.line_end_forbidden:
            report(
                number,
                cue,
                "line_end_punctuation",
                _("line {line_number} ends with {stripped}; remove it").format(
                    line_number=line_number, stripped=stripped[-1]
                ),
            )
        inside = [c for c in stripped[:-1] if c in profile.inline_to_space]
        if inside:
            marks = "".join(dict.fromkeys(inside))
            report(
                number,
                cue,
                "inline_punctuation",
                _("line {line_number} has {marks} inside; write one space instead").format(
                    line_number=line_number, marks=marks
                ),
            )
    traditional = traditional_chars(text)
    if traditional:
        report(
            number,
            cue,
            "traditional",
            _("has traditional characters {chars}; use simplified script").format(chars="".join(traditional)),
            found="".join(traditional),
        )
    for hit in wrong_forms_in(text, glossary):
        report(
            number,
            cue,
            "glossary",
            _("has {wrong}; the glossary says {right}").format(wrong=hit.wrong, right=hit.right),
            found=hit.wrong,
            wanted=hit.right,
        )


def _check_neighbours(number: int, previous: Cue, cue: Cue, profile: QCProfile, report: Report) -> None:
    gap = cue.start_ms - previous.end_ms
    if cue.start_ms < previous.start_ms:
        report(
            number,
            cue,
            "overlap",
            _("starts before cue {previous}; put the cues in time order").format(previous=number - 1),
        )
    elif gap < 0:
        report(
            number,
            cue,
            "overlap",
            _("starts {overlap} ms before cue {previous} ends; fix the times").format(
                overlap=-gap, previous=number - 1
            ),
        )
    elif gap < profile.min_gap_ms:
        report(
            number,
            cue,
            "gap",
            _(
                "starts {gap} ms after cue {previous} ends, under {min_gap_ms} ms ({min_gap_frames} frames); end the previous cue earlier"
            ).format(
                gap=gap,
                previous=number - 1,
                min_gap_ms=profile.min_gap_ms,
                min_gap_frames=profile.min_gap_frames,
            ),
            measured=gap,
            limit=profile.min_gap_ms,
        )
