"""The safe fixes: lint errors gone, nothing said lost, valid choices kept, idempotent."""

from __future__ import annotations

from pipeline.subtitles.cue import Cue
from pipeline.subtitles.fix import fix_cues
from pipeline.subtitles.qc import lint
from pipeline.subtitles.width import display_width

MESSY = (
    Cue(0, 300, ("嗯，",)),
    Cue(300, 4000, ("我叫王建，是邹城市一名驻村工作队的队员，也是一名有着十五年黨齡的共产党员。",)),
    Cue(3900, 5000, ("說實話",)),
    Cue(8000, 7000, ("两为干部",)),
    Cue(9000, 9500, ()),
    Cue(10_000, 19_000, ("组织上派我到石墙镇的一个村里驻村 孩子正在上初中",)),
)


def errors(cues, profile, glossary=None):
    return [(f.cue, f.rule) for f in lint(cues, profile, glossary) if f.severity == "error"]


def spoken(cues) -> str:
    return "".join(c for cue in cues for c in cue.flat if c.isalnum())


def test_fix_clears_every_error(profile, glossary):
    assert errors(MESSY, profile, glossary)  # the input is really broken
    fixed = fix_cues(MESSY, profile, glossary)
    assert errors(fixed, profile, glossary) == []


def test_fix_keeps_what_was_said(profile, glossary):
    fixed = fix_cues(MESSY, profile, glossary)
    assert (
        spoken(fixed)
        == "嗯我叫王建华是邹城市一名驻村工作队的队员也是一名有着十五年党龄的共产党员说实话两委干部"
        "组织上派我到石墙镇的一个村里驻村孩子正在上初中"
    )


def test_fix_is_idempotent(profile, glossary):
    once = fix_cues(MESSY, profile, glossary)
    assert fix_cues(once, profile, glossary) == once


def test_fix_leaves_clean_cues_alone(profile, glossary):
    clean = (Cue(1000, 3000, ("我叫王建华",)), Cue(3200, 6200, ("是邹城市一名", "驻村工作队的队员")))
    assert fix_cues(clean, profile, glossary) == clean  # a valid two-line layout is kept as it is


def test_text_fixes(profile, glossary):
    (cue,) = fix_cues((Cue(0, 3000, ("村里的兩为幹部，",)),), profile, glossary)
    assert cue.lines == ("村里的两委干部",)
    (cue,) = fix_cues((Cue(0, 3000, ("我叫王建，是队员。",)),), profile, glossary)
    assert cue.lines == ("我叫王建华 是队员",)


def test_wrong_form_across_the_line_break(profile):
    from pipeline.project.model import Glossary

    (cue,) = fix_cues(
        (Cue(0, 3000, ("村里的两", "为干部")),), profile, Glossary(wrong_forms=(("两为", "两委"),))
    )
    assert cue.flat == "村里的两委干部"


def test_too_wide_cue_is_split_at_punctuation(profile):
    wide = Cue(0, 9000, ("我叫王建华，是邹城市一名驻村工作队的队员，也是一名有着十五年党龄的共产党员。",))
    fixed = fix_cues((wide,), profile)
    assert all(len(c.lines) <= 2 and all(display_width(line) <= 16 for line in c.lines) for c in fixed)
    assert len(fixed) == 2
    assert fixed[0].start_ms == 0 and fixed[-1].end_ms == 9000
    assert fixed[1].start_ms - fixed[0].end_ms == profile.min_gap_ms


def test_too_long_cue_is_split_in_time(profile):
    long = Cue(0, 15_000, ("组织上派我到石墙镇的一个村里驻村",))
    fixed = fix_cues((long,), profile)
    assert len(fixed) >= 3
    assert all(c.duration_ms <= profile.max_duration_ms for c in fixed)
    assert spoken(fixed) == "组织上派我到石墙镇的一个村里驻村"


def test_unsplittable_long_cue_is_shortened(profile):
    (cue,) = fix_cues((Cue(0, 12_000, ("好",)),), profile)
    assert (cue.start_ms, cue.end_ms) == (0, profile.max_duration_ms)


def test_short_cue_is_extended_when_there_is_room(profile):
    cues = (Cue(0, 400, ("好",)), Cue(3000, 5000, ("我们出发吧",)))
    fixed = fix_cues(cues, profile)
    assert [c.lines for c in fixed] == [("好",), ("我们出发吧",)]
    assert fixed[0].duration_ms == profile.min_duration_ms


def test_short_cue_is_merged_when_there_is_no_room(profile):
    cues = (Cue(1000, 3000, ("我叫王建华",)), Cue(3080, 3400, ("对",)), Cue(3480, 6000, ("是一名队员",)))
    fixed = fix_cues(cues, profile)
    assert len(fixed) == 2
    assert "对" in fixed[0].flat or "对" in fixed[1].flat
    assert errors(fixed, profile) == []
    assert all(c.duration_ms >= profile.min_duration_ms for c in fixed)


def test_short_cue_is_not_merged_when_the_result_would_not_fit(vertical):
    cues = (
        Cue(1000, 3000, ("我叫王建华是一名老队员",)),
        Cue(3080, 3400, ("对的",)),
        Cue(3480, 6000, ("也是一名有着党龄的老党员",)),
    )
    fixed = fix_cues(cues, vertical)
    assert len(fixed) == 3  # neither neighbour has room for two more characters on 13


def test_overlap_and_gap_are_settled(profile):
    cues = (
        Cue(1000, 3500, ("我叫王建华",)),
        Cue(3000, 5000, ("是一名队员",)),
        Cue(5010, 7000, ("也是党员",)),
    )
    fixed = fix_cues(cues, profile)
    for a, b in zip(fixed, fixed[1:]):
        assert b.start_ms - a.end_ms >= profile.min_gap_ms
    assert [c.start_ms for c in fixed] == [1000, 3000, 5010]  # speech starts are kept


def test_empty_cues_go_and_inverted_cues_get_reading_time(profile):
    fixed = fix_cues((Cue(0, 1000, ()), Cue(5000, 4000, ("两委干部",))), profile)
    assert fixed == (Cue(5000, 5000 + profile.min_duration_ms, ("两委干部",)),)
