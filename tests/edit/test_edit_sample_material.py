"""The proposal on real Whisper output: the five sample narration takes (data/whisper-take*.json).

With default settings the sample's ~200 s of clean narration must stay whole, and `cut` followed by
compile must give an episode inside the first-person length rule.
"""

import json
from pathlib import Path

from edit_project import fake_clip, write_index

from pipeline.edit.compile import compile_timeline
from pipeline.edit.cut import update_cut_list
from pipeline.edit.cut_list import read_cut_list

DATA = Path(__file__).parent / "data"
TAKE_MS = (44_370, 38_589, 39_156, 40_129, 38_341)  # the takes' probed durations


def test_sample_narration_is_kept_whole_and_fits_the_length_rule(project):
    write_index(project, [fake_clip(f"int-00{k}", "interview", ms) for k, ms in enumerate(TAKE_MS, 1)])
    for k in range(1, 6):
        (project.transcripts_dir / f"int-00{k}.json").write_text(
            (DATA / f"whisper-take{k}.json").read_text("utf-8")
        )
    report = update_cut_list(project)
    cut = read_cut_list(project)
    assert report.kept == report.sentences == len(cut.entries) >= 25
    assert all(e.note == "" for e in cut.entries)
    spoken = "".join(
        w["text"]
        for k in range(1, 6)
        for s in json.loads((DATA / f"whisper-take{k}.json").read_text("utf-8"))["segments"]
        for w in s["words"]
    )
    assert "".join(e.text for e in cut.entries) == spoken  # every word is in exactly one line
    assert all(e.duration_ms <= 13_000 for e in cut.entries)
    for a, b in zip(cut.entries, cut.entries[1:]):
        assert a.clip_id != b.clip_id or a.out_ms <= b.in_ms
    timeline = compile_timeline(project, subtitles="none")
    assert 180_000 <= timeline.duration_ms <= 300_000
    assert timeline.duration_ms > sum(TAKE_MS) - 15_000  # silences between sentences go, not speech
