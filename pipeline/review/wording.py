"""QC findings in the producers' language: one short Chinese sentence per finding.

`subs lint` speaks English to editors at the command line; the review page is for producers in a
Chinese office, so each finding gets a Chinese description built from the rule and the figures
it carries (what was measured, the profile's limit, the text found); nothing is measured again
here. The English message stays available as a detail.
"""

from __future__ import annotations

from pipeline.subtitles.qc import Finding
from pipeline.subtitles.width import format_width


def describe(finding: Finding) -> str:
    """A one-line Chinese description of `finding`, from the figures the QC rule recorded."""
    rule, measured, limit = finding.rule, finding.measured or 0, finding.limit or 0
    if rule == "missing_subtitles":
        return "这个片段还没有字幕，请先转写"
    if finding.cue == 0:
        return finding.message
    if rule == "empty":
        return "没有文字：请填写，或删除这一条"
    if rule == "inverted":
        return "结束时间不晚于开始时间：请改正时间"
    if rule == "overlap":
        return "与上一条字幕时间重叠：请改正时间"
    if rule == "line_length":
        return f"单行最多 {limit:g} 字，这一条有一行 {format_width(measured)} 字：请删减或分行"
    if rule == "lines_per_cue":
        return f"最多 {limit:g} 行，这一条有 {measured:g} 行：请删减或拆分"
    if rule == "traditional":
        return f"含繁体字 {finding.found}：请改为简体"
    if rule == "glossary":
        return f"与词表不符：“{finding.found}”应为“{finding.wanted}”"
    if rule == "reading_speed":
        return f"语速过快：每秒 {measured:.1f} 字，超过 {limit:g} 字：请删减文字或延长时间"
    if rule == "min_duration":
        return f"显示 {_seconds(measured)} 秒，短于 {_seconds(limit)} 秒：请延长或与相邻字幕合并"
    if rule == "max_duration":
        return f"显示 {_seconds(measured)} 秒，长于 {_seconds(limit)} 秒：请拆分"
    if rule == "gap":
        return f"与上一条只隔 {measured:g} 毫秒，至少要 {limit:g} 毫秒：请提前结束上一条"
    if rule == "line_end_punctuation":
        return "行尾不加“、，。”：请删去"
    if rule == "inline_punctuation":
        return "行内的逗号、句号请改为一个空格"
    return finding.message


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.2f}".rstrip("0").rstrip(".")
