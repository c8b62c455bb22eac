"""Every QC rule: a cue that breaks it and one that does not; the profile drives limits and severities."""

from __future__ import annotations

import pytest

from pipeline.errors import PresetError
from pipeline.project.model import Glossary
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import RULES, load_qc_profile
from pipeline.subtitles.qc import has_errors, lint, missing_subtitles


def rules(cues, profile, glossary=None) -> list[tuple[int, str, str]]:
    return [(f.cue, f.rule, f.severity) for f in lint(cues, profile, glossary, "int-001")]


def only(cue: Cue, profile, glossary=None) -> set[str]:
    return {f.rule for f in lint((cue,), profile, glossary)}


# (rule, breaking cues, passing cues): the breaking set must raise the rule, the passing set must not
CASES = [
    ("empty", (Cue(1000, 2000, ()),), (Cue(1000, 2000, ("好的",)),)),
    ("inverted", (Cue(2000, 1000, ("好的",)),), (Cue(1000, 2000, ("好的",)),)),
    ("inverted", (Cue(2000, 2000, ("好的",)),), (Cue(2000, 2001, ("好",)),)),
    (
        "overlap",
        (Cue(1000, 3000, ("我叫王建华",)), Cue(2900, 5000, ("是队员",))),
        (Cue(1000, 2900, ("我叫王建华",)), Cue(3000, 5000, ("是队员",))),
    ),
    (
        "overlap",
        (Cue(3000, 5000, ("是队员",)), Cue(1000, 2000, ("我叫王建华",))),
        (Cue(1000, 2000, ("我叫王建华",)), Cue(3000, 5000, ("是队员",))),
    ),
    (
        "gap",
        (Cue(1000, 2950, ("我叫王建华",)), Cue(3000, 5000, ("是队员",))),
        (Cue(1000, 2920, ("我叫王建华",)), Cue(3000, 5000, ("是队员",))),
    ),
    (
        "line_length",
        (Cue(0, 5000, ("是邹城市一名驻村工作队的队员好的呀",)),),
        (Cue(0, 5000, ("是邹城市一名驻村工作队的队员好的",)),),
    ),
    (
        "line_length",
        (Cue(0, 5000, ("I work at Google in Shanghai now!",)),),  # 16.5 wide
        (Cue(0, 5000, ("I work at Google in Shanghai now",)),),
    ),  # 16 wide
    ("lines_per_cue", (Cue(0, 5000, ("一行", "二行", "三行")),), (Cue(0, 5000, ("一行", "二行")),)),
    ("reading_speed", (Cue(0, 1000, ("我叫王建华是一名队员",)),), (Cue(0, 1200, ("我叫王建华是一名队员",)),)),
    (
        "reading_speed",
        (Cue(0, 1000, ("我在 Google 工作十五年",)),),  # 10.0 chars/s
        (Cue(0, 1000, ("我在 Google 工作五年",)),),
    ),  # 9.0: Latin at 0.5, the spaces not counted
    ("min_duration", (Cue(0, 832, ("好",)),), (Cue(0, 833, ("好",)),)),
    ("max_duration", (Cue(0, 7001, ("我叫王建华",)),), (Cue(0, 7000, ("我叫王建华",)),)),
    ("traditional", (Cue(0, 2000, ("說實話",)),), (Cue(0, 2000, ("说实话",)),)),
    (
        "traditional",
        (Cue(0, 2000, ("头髮",)),),
        (Cue(0, 2000, ("乾隆年间著名",)),),
    ),  # phrase-aware: no false alarm
    ("glossary", (Cue(0, 2000, ("村里的两为干部",)),), (Cue(0, 2000, ("村里的两委干部",)),)),
    (
        "glossary",
        (Cue(0, 2000, ("我叫王建",)),),
        (Cue(0, 2000, ("我叫王建华",)),),
    ),  # wrong form inside the right one
    ("line_end_punctuation", (Cue(0, 2000, ("我叫王建华，",)),), (Cue(0, 2000, ("我叫王建华？",)),)),
    ("line_end_punctuation", (Cue(0, 2000, ("一户、", "一家。")),), (Cue(0, 2000, ("一户、一家",)),)),
    ("inline_punctuation", (Cue(0, 2000, ("我叫王建华，是队员",)),), (Cue(0, 2000, ("我叫王建华 是队员",)),)),
]


@pytest.mark.parametrize("rule, breaking, passing", CASES, ids=[c[0] for c in CASES])
def test_rule(profile, glossary, rule, breaking, passing):
    assert rule in {f.rule for f in lint(breaking, profile, glossary)}
    assert rule not in {f.rule for f in lint(passing, profile, glossary)}


def test_every_rule_is_covered():
    assert {c[0] for c in CASES} | {"missing_subtitles"} == set(RULES)


def test_finding_fields(profile, glossary):
    cues = (Cue(1000, 3000, ("我叫王建华",)), Cue(4000, 6000, ("說實話",)))
    (finding,) = lint(cues, profile, glossary, clip="int-007")
    assert finding.to_dict() == {
        "clip": "int-007",
        "cue": 2,
        "start_ms": 4000,
        "end_ms": 6000,
        "rule": "traditional",
        "severity": "error",
        "message": "has traditional characters 說實話; use simplified script",
    }


def test_severities_come_from_the_profile(profile):
    assert profile.severity("reading_speed") == "warning"
    fast = (Cue(0, 500, ("我叫王建华是一名队员",)),)
    assert rules(fast, profile) == [(1, "min_duration", "warning"), (1, "reading_speed", "warning")]
    strict = load_qc_profile("zh-CN", {"severity": {"reading_speed": "error", "min_duration": "off"}})
    assert rules(fast, strict) == [(1, "reading_speed", "error")]
    assert has_errors(lint(fast, strict)) and not has_errors(lint(fast, profile))


def test_vertical_profile_limits(vertical):
    assert (vertical.max_chars_per_line, vertical.max_lines) == (13, 1)
    assert vertical.min_duration_ms == 833  # everything else inherited from zh-CN
    two_lines = Cue(0, 3000, ("我叫王建华", "是队员"))
    wide = Cue(4000, 8000, ("是邹城市一名驻村工作队的队员",))
    assert {f.rule for f in lint((two_lines, wide), vertical)} == {"lines_per_cue", "line_length"}


def test_profile_values(profile):
    assert profile.max_chars_per_line == 16 and profile.max_lines == 2 and profile.preferred_lines == 1
    assert (
        profile.max_chars_per_second == 9
        and profile.min_duration_ms == 833
        and profile.max_duration_ms == 7000
    )
    assert profile.min_gap_ms == 80  # 2 frames at 25 fps
    assert profile.line_end_forbidden == "、，。" and profile.inline_to_space == "，。"
    assert profile.keep == "？！《》“”·"
    assert load_qc_profile("zh-CN", {"fps": 30}).min_gap_ms == 67


def test_missing_subtitles_finding(profile):
    finding = missing_subtitles(profile, "int-002", "int-002.draft.srt")
    assert (finding.clip, finding.cue, finding.rule, finding.severity) == (
        "int-002",
        0,
        "missing_subtitles",
        "warning",
    )
    off = load_qc_profile("zh-CN", {"severity": {"missing_subtitles": "off"}})
    assert missing_subtitles(off, "int-002", "x") is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"max_chars_per_line": "16"}, "max_chars_per_line = '16' has the wrong type"),
        ({"max_chars_per_line": 0}, "max_chars_per_line = 0 must be greater than 0"),
        ({"fps": True}, "fps must be a number"),
        ({"severity": {"gap": "fatal"}}, "severity.gap = 'fatal' must be one of error, warning, off"),
        ({"severity": {"gaps": "error"}}, "severity.gaps is not a rule"),
        ({"preferred_lines": 3}, "preferred_lines = 3 exceeds max_lines = 2"),
        ({"punctuation": {"keep": "？，"}}, "punctuation.keep and the removed marks share '，'"),
    ],
)
def test_profile_errors_name_file_and_key(overrides, message):
    with pytest.raises(PresetError) as info:
        load_qc_profile("zh-CN", overrides)
    assert "presets/qc/zh-CN.toml" in str(info.value)
    assert message in str(info.value)


def test_profile_missing_key_names_it(tmp_path, monkeypatch):
    (tmp_path / "qc").mkdir()
    (tmp_path / "qc" / "broken.toml").write_text('extends = "zh-CN"\n', "utf-8")
    (tmp_path / "qc" / "zh-CN.toml").write_text("fps = 25\n", "utf-8")
    monkeypatch.setenv("PIPELINE_PRESETS", str(tmp_path))
    with pytest.raises(PresetError, match=r"broken.toml .*key 'punctuation' is missing"):
        load_qc_profile("broken")


def test_unknown_profile():
    with pytest.raises(PresetError, match="no qc preset named 'zh-TW'; available: zh-CN, zh-CN-vertical"):
        load_qc_profile("zh-TW")


def test_findings_carry_what_was_measured_and_the_limit_it_broke():
    profile = load_qc_profile("zh-CN")
    glossary = Glossary(wrong_forms=(("两为", "两委"),))
    cues = (
        Cue(0, 400, ("這是两为",)),
        Cue(420, 9000, ("这一行字幕写得实在太长太长超过了十六个字",)),
    )
    found = {f.rule: f for f in lint(cues, profile, glossary)}
    assert (found["min_duration"].measured, found["min_duration"].limit) == (400, profile.min_duration_ms)
    assert (found["gap"].measured, found["gap"].limit) == (20, profile.min_gap_ms)
    assert (found["line_length"].measured, found["line_length"].limit) == (20, profile.max_chars_per_line)
    assert (found["max_duration"].measured, found["max_duration"].limit) == (8580, profile.max_duration_ms)
    assert found["reading_speed"].limit == profile.max_chars_per_second
    assert found["reading_speed"].measured == pytest.approx(4 * 1000 / 400)
    assert (found["traditional"].found, found["glossary"].found, found["glossary"].wanted) == (
        "這",
        "两为",
        "两委",
    )
    assert set(found["gap"].to_dict()) == {"clip", "cue", "start_ms", "end_ms", "rule", "severity", "message"}
