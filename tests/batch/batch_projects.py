"""Three small, ready episodes (seconds-long generated footage, the `short-test` template, approved
subtitles, a cut list) and what the batch tests do to them.

Each project renders only `web`, overridden to 320x180 with a fast x264 preset, so a render takes
about a second on two cores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.edit.cut import update_cut_list
from pipeline.project.create import create_project
from pipeline.project.footage import load_footage
from pipeline.project.ingest import ingest
from pipeline.project.model import Project
from pipeline.subtitles import store
from pipeline.subtitles.cue import Cue
from pipeline.transcribe.transcript import Segment, Transcript, Word

WEEK = "2026-W48"
TEMPLATE = "short-test"
SMALL_WEB = {
    "platforms": {
        "web": {
            "picture": {"width": 320, "height": 180},
            # superfast, not ultrafast: ultrafast cannot make High profile
            "video": {"preset": "superfast"},
        }
    }
}


@dataclass(frozen=True)
class Spec:
    folder: str  # relative to the root: projects may sit at any depth
    number: int
    title: str
    subject: str
    role: str
    unit: str
    sentences: tuple[str, str]
    week: str = WEEK


EPISODES = (
    Spec(
        "县委组织部/E01 驻村路上",
        1,
        "驻村路上",
        "王建华",
        "驻村工作队队员",
        "邹城市石墙镇",
        ("我叫王建华", "我是一名驻村队员"),
    ),
    Spec(
        "县委组织部/E02 大棚里的春天",
        2,
        "大棚里的春天",
        "李秀英",
        "合作社理事长",
        "",
        ("大棚是我们的希望", "今年收成很好"),
    ),
    Spec(
        "E03 民生代办",
        3,
        "民生代办",
        "赵刚",
        "村党支部书记",
        "田黄镇",
        ("群众的事就是我的事", "代办员每天都在路上"),
    ),
)
SLUGS = ("E01-驻村路上", "E02-大棚里的春天", "E03-民生代办")


def transcript(
    clip_id: str, sentences: tuple[str, ...], starts=(200, 2000), ms_per_char: int = 150
) -> Transcript:
    segments = []
    for start, sentence in zip(starts, sentences):
        last = len(sentence) - 1
        words = tuple(
            Word(start + i * ms_per_char, start + (i + 1) * ms_per_char, ch + ("。" if i == last else ""))
            for i, ch in enumerate(sentence)
        )
        segments.append(Segment(words[0].start_ms, words[-1].end_ms, sentence + "。", words))
    return Transcript(clip_id=clip_id, language="zh", model="fake", segments=tuple(segments))


def build_episode(root: Path, spec: Spec, clip: Path) -> Project:
    extra = {
        "people": [{"name": spec.subject, "consent": True}],
        "platforms": ["web"],
        "overrides": SMALL_WEB,
        "credits": [{"role": "出品", "name": "中共示例县委组织部"}] if spec.number == 1 else [],
    }
    project = create_project(
        root / spec.folder,
        title=spec.title,
        subject_name=spec.subject,
        subject_role=spec.role,
        subject_unit=spec.unit,
        episode=spec.number,
        week=spec.week,
        template=TEMPLATE,
        extra=extra,
    )
    ingest(project, [clip], role="interview")
    clip_id = load_footage(project)[0].clip_id
    text = transcript(clip_id, spec.sentences)
    path = project.transcripts_dir / f"{clip_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(text.to_dict(), ensure_ascii=False), "utf-8")
    cues = [Cue(s.start_ms, max(s.end_ms, s.start_ms + 1000), (s.text.rstrip("。"),)) for s in text.segments]
    store.write_draft(project, clip_id, cues)
    store.approve(project, "李编辑")
    update_cut_list(project)
    return project


def project_folder(root: Path, number: int) -> Path:
    return root / EPISODES[number - 1].folder


def corrupt_footage(root: Path, number: int) -> tuple[Path, bytes]:
    """Overwrite an episode's ingested clip with garbage (a disk fault after ingest); returns what to restore."""
    clip = next((project_folder(root, number) / "footage").glob("int-001.*"))
    original = clip.read_bytes()
    clip.write_bytes(b"\x00garbage, not a video\n" * 100)
    return clip, original
