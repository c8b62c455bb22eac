"""The glossary: office-wide list, merging with the project, prompt and hotwords."""

from __future__ import annotations

import pytest

from pipeline.errors import PresetError
from pipeline.project import glossary as shared
from pipeline.project.model import Glossary
from pipeline.transcribe import glossary as g
from pipeline.transcribe.chinese import has_traditional


def test_the_office_glossary_has_the_party_and_rural_work_terms():
    office = shared.load_office_glossary()
    for term in (
        "两委",
        "第一书记",
        "驻村",
        "驻村工作队",
        "党支部",
        "乡村振兴",
        "党员",
        "共产党员",
        "村党支部",
        "合作社",
        "民生代办",
    ):
        assert term in office.terms
    wrong = dict(office.wrong_forms)
    assert wrong["村两位"] == "村两委"
    assert "两位" not in wrong  # an everyday word (两位老人): never "corrected"
    assert all(not has_traditional(t) for t in office.terms)
    assert all(right in office.terms for right in wrong.values())  # every fix is also a prompt term


def test_a_missing_office_glossary_is_empty(tmp_path):
    assert shared.load_office_glossary(tmp_path / "none.toml") == Glossary()


@pytest.mark.parametrize(
    "text, message",
    [
        ("terms = [", "invalid TOML"),
        ('terms = "两委"', "terms must be a list of quoted strings"),
        ('[wrong_forms]\n"两为" = 1', r"\[wrong_forms\] must map each wrong form"),
    ],
)
def test_a_broken_office_glossary_names_the_file(tmp_path, text, message):
    path = tmp_path / "glossary.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(PresetError, match=f"{path}: {message}"):
        shared.load_office_glossary(path)


def test_merging_keeps_order_and_the_first_fix_wins():
    project = Glossary(terms=("王建华", "两委"), wrong_forms=(("王健华", "王建华"), ("两为", "两委会")))
    office = Glossary(terms=("两委", "党员"), wrong_forms=(("两为", "两委"), ("党原", "党员")))
    merged = shared.merge_glossaries(project, office)
    assert merged.terms == ("王建华", "两委", "党员")
    assert dict(merged.wrong_forms) == {"王健华": "王建华", "两为": "两委会", "党原": "党员"}


def test_the_project_glossary_starts_with_the_subject(project):
    merged = shared.project_glossary(
        project, office=Glossary(terms=("党员",), wrong_forms=(("祝村", "驻村"),))
    )
    assert merged.terms[:2] == ("王建华", "驻村工作队队员")
    assert merged.terms[-1] == "党员"
    assert ("祝村", "驻村") in merged.wrong_forms


def test_the_chinese_prompt_is_a_short_simplified_sentence_with_the_terms_first():
    glossary = Glossary(terms=("王建華", "第一书记") + tuple(f"术语{i:02d}" for i in range(40)))
    prompt = g.initial_prompt(glossary, "zh")
    assert prompt.startswith("以下是普通话的句子，涉及：王建华、第一书记、术语00")
    assert prompt.endswith("。")
    assert len(prompt) <= g.PROMPT_MAX_CHARS
    assert not has_traditional(prompt)


def test_a_chinese_prompt_without_terms_still_sets_the_script():
    assert g.initial_prompt(Glossary(), "zh") == "以下是普通话的句子。"


def test_a_long_term_is_skipped_and_shorter_ones_still_fit():
    glossary = Glossary(terms=("甲" * 70, "乙乙"))
    assert g.initial_prompt(glossary, "zh") == "以下是普通话的句子，涉及：乙乙。"


def test_hotwords_are_the_terms_within_their_budget():
    glossary = Glossary(terms=tuple(f"词语{i:02d}" for i in range(30)))
    words = g.hotwords(glossary, "zh").split(" ")
    assert words[:2] == ["词语00", "词语01"]
    assert len(" ".join(words)) <= g.HOTWORDS_MAX_CHARS


def test_other_languages_get_only_terms_in_their_script():
    glossary = Glossary(terms=("王建华", "Wang Jianhua", "Zoucheng"))
    assert g.initial_prompt(glossary, "en") == "Wang Jianhua, Zoucheng."
    assert g.hotwords(glossary, "en") == "Wang Jianhua Zoucheng"
    assert g.initial_prompt(Glossary(terms=("王建华",)), "en") == ""


def test_no_prompt_when_the_language_is_left_to_the_model():
    assert g.initial_prompt(Glossary(terms=("王建华",)), None) == ""
    assert g.hotwords(Glossary(terms=("王建华",)), None) == ""
