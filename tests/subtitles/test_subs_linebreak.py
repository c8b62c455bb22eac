"""Line breaking: never inside a jieba word, punctuation first, widths with Latin at 0.5."""

from __future__ import annotations

import pytest

from pipeline.subtitles.cue import Cue
from pipeline.subtitles.linebreak import (
    join_lines,
    normalise_punctuation,
    reflow,
    split_text,
    word_boundaries,
    words,
    wrap,
)
from pipeline.subtitles.width import display_width, reading_length

TAKE = "我叫王建华，是邹城市一名驻村工作队的队员，也是一名有着十五年党龄的共产党员。"


def assert_no_word_split(text: str, lines) -> None:
    """Every line boundary falls on a jieba word boundary of the joined text."""
    joined = "".join(lines)
    assert joined == text.replace(" ", "") or join_lines(lines).replace(" ", "") == text.replace(" ", "")
    bounds = word_boundaries(joined)
    position = 0
    for line in lines[:-1]:
        position += len(line)
        assert position in bounds, f"split inside a word at {joined[:position]}|{joined[position:]}"


def test_widths_count_latin_and_half_width_as_half():
    assert display_width("王建华") == 3
    assert display_width("Google") == 3
    assert display_width("2021年") == 3
    assert display_width("我在 Google") == 5.5  # the space is half-width too
    assert display_width("“好”·《书》") == 7  # full-width marks in Chinese fonts
    assert reading_length("我在 Google") == 5  # reading speed ignores spaces


def test_short_text_stays_on_one_line():
    assert wrap("我叫王建华", 16) == ("我叫王建华",)
    assert wrap("", 16) == ()


def test_exactly_max_width_fits_one_line():
    sixteen = "是邹城市一名驻村工作队的队员好的"
    assert display_width(sixteen) == 16
    assert wrap(sixteen, 16) == (sixteen,)


def test_prefers_the_break_after_punctuation():
    lines = wrap("说实话，刚接到通知的时候，我心里是有顾虑的", 16)
    assert lines == ("说实话，刚接到通知的时候，", "我心里是有顾虑的")


def test_a_space_between_chinese_counts_as_punctuation():
    lines = wrap("我叫王建华 是邹城市一名驻村工作队的队员", 16)
    assert lines == ("我叫王建华", "是邹城市一名驻村工作队的队员")


def test_without_punctuation_lines_are_balanced_and_words_whole():
    text = "组织上派我到石墙镇的一个村里驻村工作"
    lines = wrap(text, 16)
    assert lines is not None and len(lines) == 2
    assert abs(display_width(lines[0]) - display_width(lines[1])) <= 4
    assert_no_word_split(text, lines)


@pytest.mark.parametrize("max_chars", [5, 6, 7, 8, 9, 10, 11, 12, 13])
def test_never_splits_a_jieba_word(max_chars):
    text = "也是一名有着十五年党龄的共产党员"
    lines = wrap(text, max_chars, 4)
    assert lines is not None
    assert_no_word_split(text, lines)
    assert all(display_width(line) <= max_chars for line in lines)


def test_keeps_glossary_terms_together():
    text = "他是我们村的第一书记也是驻村工作队队员"
    free = wrap(text, 6, 4)  # jieba alone cuts 驻村 | 工作队 at a line end
    kept = wrap(text, 6, 4, keep_together=("驻村工作队",))
    assert free is not None and kept is not None
    assert not any("驻村工作队" in line for line in free)
    assert any("驻村工作队" in line for line in kept)
    assert "".join(free) == "".join(kept) == text


def test_latin_words_and_numbers_are_never_split():
    lines = wrap("And so my fellow Americans, ask not what your country can do", 16, 2)
    assert lines == ("And so my fellow Americans,", "ask not what your country can do")
    lines = wrap("我们在2021年的COVID-19防控中坚持了很久很久很久", 8, 4)
    assert lines is not None
    joined = " ".join(lines)
    assert "COVID-19" in joined and "2021年" in joined


def test_mixed_chinese_and_english_width():
    assert wrap("我在 Google 工作了十五年，做的是人工智能", 16) == (
        "我在 Google 工作了十五年，",
        "做的是人工智能",
    )


def test_returns_none_when_it_cannot_fit():
    assert wrap(TAKE, 16, 1) is None
    assert wrap(TAKE, 16, 2) is None
    assert wrap("也是一名有着十五年党龄的共产党员", 13, 1) is None


def test_no_break_before_closing_or_after_opening_marks():
    lines = wrap("他对我说“我们一定要把这条路修好”然后就走了", 12, 3)
    assert lines is not None
    for line in lines[1:]:
        assert line[0] not in "”》），。"
    for line in lines[:-1]:
        assert line[-1] not in "“《（"


def test_join_lines_restores_spaces_only_around_latin():
    assert join_lines(("我叫王建华", "是队员")) == "我叫王建华是队员"
    assert join_lines(("ask not what", "your country")) == "ask not what your country"
    assert join_lines(("我在", "Google 工作")) == "我在 Google 工作"


def test_normalise_punctuation(profile):
    assert (
        normalise_punctuation(TAKE, profile)
        == "我叫王建华 是邹城市一名驻村工作队的队员 也是一名有着十五年党龄的共产党员"
    )
    # 、 stays inside a line, goes at its end; ？！ and quotes stay
    assert normalise_punctuation("一户、一家、", profile) == "一户、一家"
    assert normalise_punctuation("真的吗？好！", profile) == "真的吗？好！"
    assert normalise_punctuation("他说：“好。”然后，走了。", profile) == "他说：“好”然后 走了"
    assert normalise_punctuation("第一行，\n第二行。", profile) == "第一行\n第二行"
    assert normalise_punctuation("，。", profile) == ""


def test_split_text_cuts_at_punctuation_into_fitting_pieces(profile):
    pieces = split_text(normalise_punctuation(TAKE, profile), 16, 1)
    assert pieces == (
        ("我叫王建华",),
        ("是邹城市一名驻村工作队的队员",),
        ("也是一名有着十五年党龄的共产党员",),
    )


def test_split_text_gives_an_overlong_word_its_own_piece():
    pieces = split_text("我的网址是 supercalifragilisticexpialidociousandmore 谢谢", 8, 1)
    flat = [line for piece in pieces for line in piece]
    assert "supercalifragilisticexpialidociousandmore" in flat  # overflows, but is whole
    assert "".join(flat).replace(" ", "") == "我的网址是supercalifragilisticexpialidociousandmore谢谢"


def test_reflow_keeps_fitting_cues_and_rebreaks_lines():
    cues = (Cue(0, 2000, ("我叫王建华",)), Cue(2100, 5000, ("是邹城市一名", "驻村工作队的队员")))
    out = reflow(cues, 16, 2)
    assert out == (Cue(0, 2000, ("我叫王建华",)), Cue(2100, 5000, ("是邹城市一名驻村工作队的队员",)))


def test_reflow_splits_for_vertical_by_character_share():
    cue = Cue(10_000, 19_000, ("我叫王建华 是邹城市一名驻村工作队的队员",))
    out = reflow((cue,), 13, 1, gap_ms=80)
    assert len(out) == 2  # 19.5 wide: two lines of 13 are enough
    assert all(len(c.lines) == 1 and display_width(c.lines[0]) <= 13 for c in out)
    assert out[0].start_ms == 10_000 and out[-1].end_ms == 19_000
    for a, b in zip(out, out[1:]):
        assert b.start_ms - a.end_ms == 80
    # time follows the share of characters
    total = sum(reading_length(c.flat) for c in out)
    for c in out:
        expected = 9000 * reading_length(c.flat) / total
        assert abs((c.end_ms - c.start_ms) - expected) <= 81
    assert "".join(c.flat for c in out).replace(" ", "") == "我叫王建华是邹城市一名驻村工作队的队员"


def test_reflow_prefers_the_old_line_breaks():
    cue = Cue(0, 6000, ("我叫王建华是邹城市", "一名驻村工作队的队员"))
    out = reflow((cue,), 13, 1)
    assert [c.lines for c in out] == [("我叫王建华是邹城市",), ("一名驻村工作队的队员",)]


def test_reflow_leaves_empty_and_inverted_cues_unsplit():
    empty, inverted = Cue(0, 1000, ()), Cue(5000, 4000, ("也是一名有着十五年党龄的共产党员",))
    out = reflow((empty, inverted), 13, 1)
    assert out[0] == empty
    assert len(out) == 2 and out[1].start_ms == 5000 and out[1].end_ms == 4000


def test_jieba_is_quiet_and_loaded_once(capfd):
    words("第一次")
    words("第二次")
    captured = capfd.readouterr()
    assert "Building prefix dict" not in captured.err and "Loading model" not in captured.err
