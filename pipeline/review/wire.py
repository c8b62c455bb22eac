"""The review page's JSON: what the server sends and how cues sent by the browser are checked.

This is the HTTP edge: domain objects become plain JSON here and nowhere else. Cues from the
browser are untrusted: times must be whole milliseconds, text a string; for saving, each cue must
also be writable (start before end, some text). Refusals are in Chinese, for the page to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeGuard

from pipeline.errors import SubtitleError
from pipeline.project.model import Glossary, Project
from pipeline.review.proxy import ProxyState
from pipeline.review.wording import describe
from pipeline.review.workspace import ClipSubtitles, ClipSummary, Saved
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import QCProfile
from pipeline.subtitles.qc import Finding
from pipeline.subtitles.store import Approval
from pipeline.transcribe.flags import Flag, transcript_flags
from pipeline.transcribe.step import load_transcript

MAX_CUES = 5000
MAX_TEXT = 500  # characters in one cue: far beyond any legal subtitle, short of abuse
MAX_MS = 24 * 3600 * 1000


class InvalidCues(SubtitleError):
    """The browser sent cues that cannot be checked or saved; the message is for the producer."""


def cues_from_json(value: Any, *, for_saving: bool) -> tuple[Cue, ...]:
    """Cues from `[{start_ms, end_ms, text}, ...]`; InvalidCues (Chinese message) when malformed.

    For checking only, empty or inverted cues pass (QC reports them); for saving they are refused.
    """
    if not isinstance(value, list):
        raise InvalidCues("字幕数据格式不对（应为列表）：请刷新页面")
    if len(value) > MAX_CUES:
        raise InvalidCues(f"字幕条数过多（{len(value)} 条）：最多 {MAX_CUES} 条")
    if for_saving and not value:
        raise InvalidCues("没有任何字幕：至少保留一条再保存")
    cues = []
    for number, item in enumerate(value, 1):
        where = f"第 {number} 条字幕"
        if not isinstance(item, dict):
            raise InvalidCues(f"{where}格式不对：请刷新页面")
        start, end, text = item.get("start_ms"), item.get("end_ms"), item.get("text")
        if not _whole_ms(start) or not _whole_ms(end):
            raise InvalidCues(f"{where}的时间不是整数毫秒：请改正时间")
        if not isinstance(text, str):
            raise InvalidCues(f"{where}的文字格式不对：请刷新页面")
        if len(text) > MAX_TEXT:
            raise InvalidCues(f"{where}文字过长（{len(text)} 字）")
        cue = Cue.from_text(start, end, text.replace("\r\n", "\n").replace("\r", "\n"))
        if for_saving:
            if not cue.lines:
                raise InvalidCues(f"{where}没有文字：请填写，或删除这一条")
            if start >= end:
                raise InvalidCues(f"{where}的结束时间不晚于开始时间：请改正时间")
            if "-->" in cue.text:
                raise InvalidCues(f"{where}含有“-->”，字幕文件里不能有这个符号：请删去")
        cues.append(cue)
    return tuple(cues)


def _whole_ms(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_MS


def cue_json(cue: Cue) -> dict[str, Any]:
    return {"start_ms": cue.start_ms, "end_ms": cue.end_ms, "text": cue.text}


def findings_json(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "cue": f.cue,
            "rule": f.rule,
            "severity": f.severity,
            "label": describe(f),
            "message": f.message,
        }
        for f in findings
    ]


def summary_json(summary: ClipSummary) -> dict[str, Any]:
    return {
        "clip_id": summary.clip_id,
        "original_name": summary.original_name,
        "duration_ms": summary.duration_ms,
        "status": summary.status,
        "source": summary.source,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "problem": summary.problem,
    }


def approval_json(approval: Approval | None) -> dict[str, Any] | None:
    if approval is None:
        return None
    return {
        "by": approval.by,
        "at": approval.at,
        "file": approval.file,
        "forced_reason": approval.forced_reason,
    }


def subtitles_json(opened: ClipSubtitles) -> dict[str, Any]:
    return {
        "clip_id": opened.clip.clip_id,
        "original_name": opened.clip.original_name,
        "duration_ms": opened.clip.facts.duration_ms,
        "source": opened.source,
        "file": opened.file,
        "version": opened.version,
        "cues": [cue_json(c) for c in opened.cues],
        "draft": [cue_json(c) for c in opened.draft],
        "findings": findings_json(opened.findings),
        "status": opened.status,
        "approval": approval_json(opened.approval),
    }


def saved_json(saved: Saved) -> dict[str, Any]:
    return {
        "clip_id": saved.clip_id,
        "version": saved.version,
        "file": saved.file,
        "changed": saved.changed,
        "history": saved.history,
    }


def proxy_json(clip_id: str, state: ProxyState) -> dict[str, Any]:
    return {
        "state": state.state,
        "done_ms": state.done_ms,
        "total_ms": state.total_ms,
        "message": state.message,
        "url": f"/video/{clip_id}.mp4",
    }


def project_json(project: Project, profile: QCProfile, glossary: Glossary) -> dict[str, Any]:
    """What the page needs once: titles, the limits it uses for editing, the glossary to highlight."""
    episode = project.episode
    return {
        "title": episode.title,
        "series": episode.series,
        "episode": episode.number,
        "subject": project.subject.name,
        "folder": project.root.name,
        "profile": {
            "max_chars_per_line": profile.max_chars_per_line,
            "max_lines": profile.max_lines,
            "min_gap_ms": profile.min_gap_ms,
            "min_duration_ms": profile.min_duration_ms,
        },
        "glossary": {
            "terms": list(dict.fromkeys((*glossary.terms, *(right for _, right in glossary.wrong_forms)))),
            "wrong_forms": [[wrong, right] for wrong, right in glossary.wrong_forms],
        },
    }


def flags_json(flags: Sequence[Flag]) -> list[dict[str, Any]]:
    """The places a producer should look (machine corrections, low-confidence words), in time order."""
    return [
        {
            "kind": f.kind,
            "start_ms": f.start_ms,
            "end_ms": f.end_ms,
            "text": f.text,
            "original": f.original,
            "reason": f.reason,
            "score": f.score,
        }
        for f in flags
    ]


def clip_flags_json(project: Project, clip_id: str) -> list[dict[str, Any]]:
    """The clip's flags from its transcript; none when it has no transcript yet."""
    transcript = load_transcript(project, clip_id)
    return flags_json(transcript_flags(transcript)) if transcript is not None else []
