"""B-roll the machine proposes: how often, where in a sentence, which clip, and what it leaves alone."""

import pytest
from edit_project import STORY, transcript_of, write_transcript

from pipeline.edit.broll import BrollClip, BrollRules, suggest_broll
from pipeline.edit.compile import compile_timeline
from pipeline.edit.cut import update_cut_list
from pipeline.edit.cut_list import BrollMark, CutEntry, CutList, read_cut_list
from pipeline.edit.template import load_template
from pipeline.errors import PresetError
from pipeline.project.model import load_project

RULES = BrollRules(every_ms=20_000, length_ms=4_000, min_length_ms=2_000, margin_ms=1_000)
CLIPS = (BrollClip("broll-001", 10_000), BrollClip("broll-002", 6_000))


def sentences(*lengths_s, keep=True):
    entries, at = [], 0
    for n, seconds in enumerate(lengths_s):
        entries.append(CutEntry("int-001", at, at + seconds * 1000, f"第{n}句", keep=keep))
        at += seconds * 1000 + 500
    return CutList(tuple(entries))


def marks(cut):
    return [e.broll for e in cut.entries]


def test_a_cutaway_every_so_often_centred_in_a_long_sentence_clips_in_turn():
    cut, added = suggest_broll(sentences(8, 8, 8, 8, 8, 8, 8, 8), CLIPS, RULES)
    assert added == 2
    assert marks(cut) == [
        (),
        (),
        (),
        # 24 s of programme before it (>= 20 s): room 6 s, 4 s of B-roll centred, speaker 2 s at each end
        (BrollMark("broll-001", 0, 4_000, 2_000),),
        (),
        (),
        # 2 s after the last cutaway + 8 + 8 = 18 s, + 8 = 26 s: the next clip
        (),
        (BrollMark("broll-002", 0, 4_000, 2_000),),
    ]


def test_the_first_sentence_keeps_the_speaker_and_short_sentences_are_passed_over():
    rules = BrollRules(every_ms=1, length_ms=4_000, min_length_ms=2_000, margin_ms=1_000)
    cut, added = suggest_broll(sentences(30, 3, 6), CLIPS, rules)
    # the first carries the lower third; 3 s leaves 1 s of room (< 2 s); 6 s leaves 4 s
    assert marks(cut) == [(), (), (BrollMark("broll-001", 0, 4_000, 1_000),)]
    assert added == 1


def test_room_shorter_than_the_cutaway_shortens_it_in_tenths():
    rules = BrollRules(every_ms=1, length_ms=4_000, min_length_ms=2_000, margin_ms=1_000)
    entries = sentences(5).entries + (CutEntry("int-001", 10_000, 14_550, "短句"),)
    cut, _ = suggest_broll(CutList(entries), CLIPS, rules)
    assert cut.entries[1].broll == (
        BrollMark("broll-001", 0, 2_500, 1_000),
    )  # 4.55 s - 2 x 1 s = 2.55 -> 2.5 s


def test_each_clip_plays_on_where_it_stopped_and_wraps_when_used_up():
    rules = BrollRules(every_ms=1, length_ms=4_000, min_length_ms=2_000, margin_ms=1_000)
    cut, added = suggest_broll(sentences(6, 6, 6, 6, 6, 6), [BrollClip("broll-001", 10_000)], rules)
    assert added == 5
    # 0-4, 4-8, the 2 s left (still >= the 2 s minimum, centred), then from the start again
    assert [(m[0].in_ms, m[0].out_ms, m[0].at_ms) for m in marks(cut)[1:]] == [
        (0, 4_000, 1_000),
        (4_000, 8_000, 1_000),
        (8_000, 10_000, 2_000),
        (0, 4_000, 1_000),
        (4_000, 8_000, 1_000),
    ]


def test_a_clip_too_short_for_the_rest_starts_again():
    rules = BrollRules(every_ms=1, length_ms=4_000, min_length_ms=2_000, margin_ms=1_000)
    cut, _ = suggest_broll(sentences(6, 6, 6), [BrollClip("broll-001", 5_500)], rules)
    assert [(m[0].in_ms, m[0].out_ms) for m in marks(cut)[1:]] == [
        (0, 4_000),
        (0, 4_000),
    ]  # 1.5 s left: too short


def test_unticked_sentences_and_the_editors_marks_are_left_alone():
    rules = BrollRules(every_ms=15_000, length_ms=4_000, min_length_ms=2_000, margin_ms=1_000)
    own = (BrollMark("broll-002", 1_000, 3_000),)
    base = sentences(12, 8, 8, 8, 8).entries
    marked = CutEntry(base[1].clip_id, base[1].in_ms, base[1].out_ms, base[1].text, broll=own)
    entries = (base[0], CutEntry("int-001", 90_000, 99_000, "删掉的", keep=False), marked, *base[2:])
    cut, added = suggest_broll(CutList(entries), CLIPS, rules)
    # the editor's cutaway counts as one: the next comes 15 s of programme after it (not 12 + 8 = 20 s in)
    assert marks(cut) == [(), (), own, (), (), (BrollMark("broll-001", 0, 4_000, 2_000),)]
    assert added == 1


@pytest.mark.parametrize(
    "clips, rules",
    [
        ((), RULES),
        ((BrollClip("broll-001", 1_500),), RULES),  # too short to use
        (CLIPS, BrollRules(every_ms=0, length_ms=4_000, min_length_ms=2_000, margin_ms=1_000)),
    ],
)
def test_nothing_to_propose(clips, rules):
    cut = sentences(8, 8, 8, 8, 8)
    assert suggest_broll(cut, clips, rules) == (cut, 0)


def test_the_template_holds_the_rules():
    assert load_template("first-person").broll_suggest == BrollRules(30_000, 4_000, 2_000, 1_000)
    assert load_template("short-test").broll_suggest.every_ms == 0
    with pytest.raises(PresetError, match=r"\[broll\] suggest_min_length_ms is above suggest_length_ms"):
        load_template("first-person", {"template": {"broll": {"suggest_min_length_ms": 5_000}}})


def with_suggestions(project):
    text = project.file.read_text("utf-8") + "\n[overrides.template.broll]\nsuggest_every_ms = 3000\n"
    project.file.write_text(text, "utf-8")
    return load_project(project.root)


def test_a_new_cut_list_gets_marks_that_compile_to_b_roll_shots(short_project):
    project = with_suggestions(short_project)
    write_transcript(
        project,
        transcript_of("int-001", [(1000, STORY[0]), (6000, STORY[1]), (12000, STORY[2])], ms_per_char=300),
    )
    report = update_cut_list(project)
    cut = read_cut_list(project)
    assert report.broll_proposed == sum(1 for e in cut.entries if e.broll) >= 1
    assert any("cutaway(s) proposed from 1 clip(s)" in m for m in report.messages)
    assert "    broll broll-001 " in project.cut_list.read_text("utf-8")
    timeline = compile_timeline(project, subtitles="none", check_length=False)
    assert any(shot.source is not None and shot.source.clip_id == "broll-001" for shot in timeline.shots)


def test_a_rerun_keeps_the_editors_decision_to_drop_a_cutaway(short_project):
    project = with_suggestions(short_project)
    write_transcript(
        project,
        transcript_of("int-001", [(1000, STORY[0]), (6000, STORY[1]), (12000, STORY[2])], ms_per_char=300),
    )
    update_cut_list(project)
    text = project.cut_list.read_text("utf-8")
    assert "    broll " in text
    project.cut_list.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("    broll ")) + "\n", "utf-8"
    )
    report = update_cut_list(project)
    assert report.broll_proposed == 0
    assert not any(e.broll for e in read_cut_list(project).entries)


def test_no_b_roll_ingested_is_said(project):
    from edit_project import fake_clip, write_index

    write_index(project, [fake_clip("int-001", "interview", 20_000)])
    write_transcript(project, transcript_of("int-001", [(1000, STORY[0])]))
    report = update_cut_list(project)
    assert any(m.startswith("no B-roll clips ingested") for m in report.messages)
