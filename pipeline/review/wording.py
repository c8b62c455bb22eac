"""QC findings in the producers' language: one short Chinese sentence per finding.

`subs lint` speaks English to editors at the command line; the review page is for producers in a
Chinese office, so each finding gets a Chinese description built from the rule, the profile's
limits and the cue itself (the English message stays available as a detail).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.project.model import Glossary
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import QCProfile
from pipeline.subtitles.qc import Finding
from pipeline.subtitles.terms import traditional_chars, wrong_forms_in
from pipeline.subtitles.width import display_width, format_width, reading_length


def describe(finding: Finding, cues: Sequence[Cue], profile: QCProfile, glossary: Glossary | None) -> str:
    """A one-line Chinese description of `finding` (about `cues[finding.cue - 1]`)."""
    cue = cues[finding.cue - 1] if 0 < finding.cue <= len(cues) else None
    previous = cues[finding.cue - 2] if cue is not None and finding.cue >= 2 else None
    rule = finding.rule
    if rule == "missing_subtitles":
        return "这个片段还没有字幕，请先转写"
    if cue is None:
        return finding.message
    if rule == "empty":
        return "没有文字：请填写，或删除这一条"
    if rule == "inverted":
        return "结束时间不晚于开始时间：请改正时间"
    if rule == "overlap":
        return "与上一条字幕时间重叠：请改正时间"
    if rule == "line_length":
        widest = max(display_width(line) for line in cue.lines)
        return (
            f"单行最多 {profile.max_chars_per_line} 字，这一条有一行 {format_width(widest)} 字：请删减或分行"
        )
    if rule == "lines_per_cue":
        return f"最多 {profile.max_lines} 行，这一条有 {len(cue.lines)} 行：请删减或拆分"
    if rule == "traditional":
        return f"含繁体字 {''.join(traditional_chars(cue.flat))}：请改为简体"
    if rule == "glossary":
        hits = "、".join(f"“{h.wrong}”应为“{h.right}”" for h in wrong_forms_in(cue.flat, glossary))
        return f"与词表不符：{hits}"
    if rule == "reading_speed":
        speed = reading_length(cue.flat) * 1000 / max(cue.duration_ms, 1)
        return (
            f"语速过快：每秒 {speed:.1f} 字，超过 {profile.max_chars_per_second:g} 字：请删减文字或延长时间"
        )
    if rule == "min_duration":
        return f"显示 {_seconds(cue.duration_ms)} 秒，短于 {_seconds(profile.min_duration_ms)} 秒：请延长或与相邻字幕合并"
    if rule == "max_duration":
        return f"显示 {_seconds(cue.duration_ms)} 秒，长于 {_seconds(profile.max_duration_ms)} 秒：请拆分"
    if rule == "gap":
        gap = cue.start_ms - previous.end_ms if previous is not None else 0
        return f"与上一条只隔 {gap} 毫秒，至少要 {profile.min_gap_ms} 毫秒：请提前结束上一条"
    if rule == "line_end_punctuation":
        return "行尾不加“、，。”：请删去"
    if rule == "inline_punctuation":
        return "行内的逗号、句号请改为一个空格"
    return finding.message


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.2f}".rstrip("0").rstrip(".")
