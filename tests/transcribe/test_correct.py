"""The correction stage: each rule, the cases it must leave alone, and the record in the transcript."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import PresetError
from pipeline.project.model import Glossary
from pipeline.transcribe.correct import (
    REASON_DICTIONARY,
    REASON_GLOSSARY,
    REASON_LEXICON,
    REASON_PLACE,
    REASON_WRONG_FORM,
    Corrector,
    correct_transcript,
    fuzzy,
)
from pipeline.transcribe.lexicon import Lexicon, load_lexicon, read_word_list
from pipeline.transcribe.transcript import Segment, Transcript, Word

GLOSSARY = Glossary(terms=("王建华", "邹城市", "石墙镇", "两委"), wrong_forms=(("两为", "两委"),))
LEXICON = Lexicon(
    terms=("党龄", "乡村振兴", "主心骨", "驻村", "老党员", "留守儿童", "低保", "党委"),
    places=("峄山镇", "唐村镇"),
)


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    return Corrector(GLOSSARY, LEXICON)


def fixed(corrector: Corrector, text: str) -> str:
    chars = list(text)
    for p in corrector.propose(text):
        chars[p.start : p.end] = p.replacement
    return "".join(chars)


def test_an_office_term_replaces_a_non_word_that_sounds_the_same(corrector):
    [proposal] = corrector.propose("我有着十五年党领的共产党员")
    assert (proposal.original, proposal.replacement, proposal.reason) == ("党领", "党龄", REASON_LEXICON)
    assert proposal.start == 6 and proposal.score >= 3
    assert (
        fixed(corrector, "只要支部强起来了，相村振兴就有了主心股。")
        == "只要支部强起来了，乡村振兴就有了主心骨。"
    )


def test_glossary_terms_and_place_names(corrector):
    assert fixed(corrector, "组织上派我到时强镇的一个村里") == "组织上派我到石墙镇的一个村里"
    [p] = corrector.propose("组织上派我到时强镇的一个村里")
    assert p.reason == REASON_GLOSSARY
    [p] = corrector.propose("他家在易山镇的一个村里")
    assert (p.replacement, p.reason) == ("峄山镇", REASON_PLACE)


def test_glossary_wrong_forms_are_replaced_outright(corrector):
    [p] = corrector.propose("在村两为的调解下")
    assert (p.original, p.replacement, p.reason) == ("两为", "两委", REASON_WRONG_FORM)


def test_a_near_sound_needs_more_evidence_than_the_same_sound(corrector):
    assert fuzzy("zhen") == "zen" and fuzzy("xing") == "xin" and fuzzy("shang") == "san"
    # zhu xin gu / zu xin gu: one blurred initial, one character off: corrected, as near
    [p] = corrector.propose("就有了租心骨")
    assert p.replacement == "主心骨" and "similar sound" in p.reason


def test_a_dictionary_word_replaces_a_non_word_only_on_strong_evidence(corrector):
    [p] = corrector.propose("老母亲常年卧并在床")
    assert (p.original, p.replacement, p.reason) == ("卧并", "卧病", REASON_DICTIONARY)
    assert p.score >= 12


@pytest.mark.parametrize(
    "text",
    [
        "我们村的耄耋老人身体硬朗",  # a correct rare word
        "李秀琴大姐拉着我的手",  # a person's name that is not in the glossary
        "何林军是村里的老会计",
        "他用WeChat和Excel记账",  # English words
        "修通了3.5公里的硬化路，用了15年",  # numbers
        "王建华是邹城市的驻村干部",  # terms already right
        "党员就是要服从组织安排",  # an everyday sentence
        "打开我的包看看",  # 的包 sounds like 低保, but 的 + 包 is the likelier reading
        "他年轻时去过特里尼达",  # a foreign name: no dictionary name stands in for it
        "当尾注已经存在时",  # 当尾 sounds like 党委, but 当 + 尾注 reads better by a wide margin
    ],
)
def test_leaves_right_text_alone(corrector, text):
    assert corrector.propose(text) == []


def test_a_term_already_in_the_text_protects_its_characters(corrector):
    # 王建华 is in the glossary: 建华 inside it is never "corrected" to a word that sounds like it
    assert fixed(corrector, "王建华说") == "王建华说"


def test_corrections_are_recorded_with_original_position_reason_score_and_time(corrector):
    words = (
        Word(0, 500, "有着", 0.9),
        Word(500, 900, "15年", 0.8),
        Word(900, 1200, "党", 0.7),
        Word(1200, 1500, "领", 0.3),
        Word(1500, 1900, "的党员。", 0.9),
    )
    transcript = Transcript("int-001", "zh", "fake", (Segment(0, 1900, "有着15年党领的党员。", words),))
    corrected = correct_transcript(transcript, GLOSSARY, LEXICON)
    assert corrected.text == "有着15年党龄的党员。"
    assert [w.text for w in corrected.words] == ["有着", "15年", "党", "龄", "的党员。"]
    assert [(w.start_ms, w.end_ms, w.probability) for w in corrected.words] == [
        (w.start_ms, w.end_ms, w.probability) for w in words
    ]
    [c] = corrected.corrections
    assert (c.segment, c.offset, c.start_ms, c.end_ms) == (0, 5, 900, 1500)
    assert (c.original, c.replacement, c.reason) == ("党领", "党龄", REASON_LEXICON)
    again = Transcript.from_dict(json.loads(json.dumps(corrected.to_dict(), ensure_ascii=False)))
    assert again == corrected


def test_other_languages_pass_unchanged():
    words = (Word(0, 500, " And", 0.9), Word(500, 900, " so", 0.9))
    transcript = Transcript("int-001", "en", "fake", (Segment(0, 900, " And so", words),))
    assert correct_transcript(transcript, GLOSSARY, LEXICON) == transcript


def test_the_shipped_lists_are_domain_words_and_place_names():
    lexicon = load_lexicon()
    assert len(lexicon.terms) >= 250
    for term in ("两委", "党龄", "驻村", "乡村振兴", "主心骨", "三会一课", "第一书记", "网格员", "民生代办"):
        assert term in lexicon.terms
    assert "济宁市" in lexicon.places and "石墙镇" in lexicon.places
    assert all(p.endswith(("市", "区", "县", "镇", "乡", "街道")) for p in lexicon.places)


def test_word_lists_skip_comments_and_refuse_lines_that_are_not_one_term(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("# comment\n两委\n\n党龄  # inline\n两委\n", "utf-8")
    assert read_word_list(good) == ("两委", "党龄")
    assert read_word_list(tmp_path / "missing.txt") == ()
    bad = tmp_path / "bad.txt"
    bad.write_text("两委 党龄\n", "utf-8")
    with pytest.raises(PresetError, match="line 1"):
        read_word_list(bad)
