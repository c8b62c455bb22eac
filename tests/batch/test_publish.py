"""Title, digest and author fitted to WeChat's limits (pure)."""

from pathlib import Path

from pipeline.batch.publish import (
    AUTHOR_MAX,
    DIGEST_MAX,
    TITLE_MAX,
    cue_sentence,
    publish_author,
    publish_digest,
    publish_title,
    shorten,
    story_paragraphs,
)
from pipeline.project.model import Credit, Episode, Project, Subject
from pipeline.subtitles.cue import Cue


def project(title="驻村路上", series="我是党员", unit="邹城市石墙镇", credits=()):
    return Project(
        root=Path("/p"),
        episode=Episode(series, 1, title, "2026-W48"),
        subject=Subject("王建华", "驻村工作队队员", unit),
        credits=tuple(credits),
    )


def test_title_with_series_when_it_fits():
    fitted = publish_title(project())
    assert fitted.text == "《我是党员》驻村路上"
    assert fitted.note == ""


def test_title_drops_the_series_before_cutting_the_title():
    title = "一" * 28  # fits alone, not with 《我是党员》
    fitted = publish_title(project(title=title))
    assert fitted.text == title
    assert "series name was left out" in fitted.note


def test_long_title_is_cut_at_a_comma_and_says_so():
    title = "从城市到乡村的二十年，一名驻村工作队队员在石墙镇修路、办合作社、为群众代办民生事务的故事"
    fitted = publish_title(project(title=title))
    assert len(fitted.text) <= TITLE_MAX
    assert fitted.text == "从城市到乡村的二十年，一名驻村工作队队员在石墙镇修路…"
    assert f"shortened to WeChat's {TITLE_MAX} characters from {len(title)}" in fitted.note
    assert fitted.text in fitted.note


def test_shorten_without_a_break_cuts_hard():
    text = "一" * 40
    assert shorten(text, 32) == "一" * 31 + "…"
    assert shorten("短标题", 32) == "短标题"


def test_author_prefers_the_producing_unit_then_the_subjects_unit_then_the_name():
    assert (
        publish_author(project(credits=[Credit("摄像", "李明"), Credit("出品", "中共示例县委组织部")])).text
        == "中共示例县委组织部"
    )
    assert publish_author(project()).text == "邹城市石墙镇"
    assert publish_author(project(unit="")).text == "王建华"


def test_long_author_is_cut_with_a_note():
    unit = "中共示例省示例市示例县委员会组织部党员教育中心"
    fitted = publish_author(project(credits=[Credit("出品", unit)]))
    assert fitted.text == unit[:AUTHOR_MAX]
    assert "cut to WeChat's 16 characters" in fitted.note


def test_digest_is_subject_then_first_whole_sentences():
    cues = [
        Cue(0, 1000, ("我叫王建华",)),
        Cue(1000, 2000, ("是一名驻村工作队的队员",)),
        Cue(2000, 3000, ("村里最大的难题是路",)),
    ]
    fitted = publish_digest(project(), cues)
    assert (
        fitted.text
        == "王建华，驻村工作队队员（邹城市石墙镇）。我叫王建华，是一名驻村工作队的队员，村里最大的难题是路。"
    )
    assert fitted.note == ""


def test_digest_keeps_whole_cues_within_the_limit():
    cues = [Cue(i * 1000, i * 1000 + 900, ("我们一起修通了村里的硬化路",)) for i in range(20)]
    fitted = publish_digest(project(), cues)
    assert len(fitted.text) <= DIGEST_MAX
    assert fitted.text.endswith("硬化路。")
    body = fitted.text.split("。", 1)[1]
    assert (
        body.count("我们一起修通了村里的硬化路")
        == (DIGEST_MAX - len("王建华，驻村工作队队员（邹城市石墙镇）。")) // 14
    )


def test_cue_sentence_restores_commas_between_chinese_words_only():
    assert cue_sentence(Cue(0, 1000, ("经过半年 我们修通了路",))) == "经过半年，我们修通了路"
    assert cue_sentence(Cue(0, 1000, ("用 WeChat 发布",))) == "用 WeChat 发布"
    assert cue_sentence(Cue(0, 1000, ("两行字幕的", "第二行"))) == "两行字幕的第二行"


def test_story_joins_cues_into_sentences_and_breaks_paragraphs_at_long_pauses():
    cues = (
        Cue(0, 1000, ("我叫王建华",)),
        Cue(1100, 2500, ("是一名驻村 工作队队员",)),
        Cue(4200, 5000, ("三年前我来到石墙镇",)),  # a 1.7 s pause before: a new paragraph
        Cue(5100, 6000, ("村里的路还是土路！",)),
        Cue(6100, 7000, ("现在路修好了",)),
    )
    assert story_paragraphs(cues) == (
        "我叫王建华，是一名驻村，工作队队员。",
        "三年前我来到石墙镇，村里的路还是土路！现在路修好了。",
    )


def test_story_breaks_a_long_paragraph_at_a_sentence_end():
    long = "很" * 150 + "好。"
    cues = (Cue(0, 1000, (long,)), Cue(1100, 2000, ("第二句",)), Cue(2100, 3000, ("",)))
    assert story_paragraphs(cues) == (long, "第二句。")
    assert story_paragraphs(()) == ()
