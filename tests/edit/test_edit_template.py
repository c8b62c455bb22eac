from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.edit.template import load_template
from pipeline.errors import PresetError

REPO = Path(__file__).resolve().parents[2]


def test_first_person_values():
    t = load_template("first-person")
    assert t.fps == Fraction(25)
    assert (t.length.min_ms, t.length.max_ms, t.length.target_ms) == (180_000, 300_000, 240_000)
    assert t.title_card.duration_ms == 4000 and t.title_card.lines == ("{series}", "{title}")
    assert t.lower_third.duration_ms == 5000 and t.lower_third.fade_ms > 0
    assert t.credits_card.duration_ms == 5000 and t.credits_card.roles == ("出品", "监制", "摄像", "剪辑")
    assert t.card_crossfade_ms == 500
    assert t.music.level_db == -20.0 and t.music.duck is True
    assert t.style.logo == REPO / "assets" / "logo.png" and t.style.logo.is_file()
    assert "嗯" in t.cut.fillers and t.cut.handle_ms == 150
    assert t.source == REPO / "presets" / "templates" / "first-person.toml"


def test_short_test_is_the_same_with_a_short_length_rule():
    t = load_template("short-test")
    assert (t.length.min_ms, t.length.max_ms) == (1000, 120_000)
    assert t.title_card.duration_ms < 4000 and t.credits_card.duration_ms < 5000
    assert t.cut == load_template("first-person").cut


def test_project_overrides_win():
    t = load_template(
        "first-person", {"template": {"music": {"level_db": -24}, "title_card": {"duration_ms": 3000}}}
    )
    assert t.music.level_db == -24.0 and t.title_card.duration_ms == 3000


@pytest.mark.parametrize(
    "override, message",
    [
        (
            {"title_card": {"duration_ms": "4s"}},
            "project.toml: [overrides.template] [title_card] duration_ms = '4s' must be a whole number from 1 to 60000",
        ),
        (
            {"lower_third": {"lines": ["{name}", "{nickname}"]}},
            "project.toml: [overrides.template] [lower_third] lines uses unknown field {nickname}",
        ),
        (
            {"style": {"accent_colour": "red"}},
            "project.toml: [overrides.template] [style] accent_colour = 'red' must be a colour like \"#C8161D\"",
        ),
        (
            {"length": {"min_s": 400}},
            "project.toml: [overrides.template] [length] min_s (400) is above max_s (300)",
        ),
        (
            {"style": {"logo": "../pyproject.toml"}},
            "project.toml: [overrides.template] [style] logo = '../pyproject.toml' is not a file in the repository's assets/",
        ),
        (
            {"music": {"duck": "yes"}},
            "project.toml: [overrides.template] [music] duck = 'yes' must be true or false",
        ),
        (
            {"transitions": {"card_crossfade_ms": 4500}},
            "project.toml: [overrides.template] [transitions] card_crossfade_ms (4500) is longer than the title_card",
        ),
    ],
)
def test_errors_name_the_key(override, message):
    with pytest.raises(PresetError) as caught:
        load_template("first-person", {"template": override})
    assert str(caught.value).startswith(message)


def test_errors_in_the_preset_file_name_it(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    text = (REPO / "presets" / "templates" / "first-person.toml").read_text("utf-8")
    (folder / "broken.toml").write_text(text.replace("min_shot_ms = 800", "min_shot_ms = -1"), "utf-8")
    monkeypatch.setenv("PIPELINE_PRESETS", str(tmp_path))
    with pytest.raises(PresetError, match=r"broken\.toml: \[broll\] min_shot_ms = -1 must be a whole number"):
        load_template("broken")
    with pytest.raises(PresetError, match="no templates preset named 'nope'"):
        load_template("nope")
