from edit_project import spoken, transcript_of

from pipeline.edit.sentences import normalise, split_sentences
from pipeline.edit.template import load_template
from pipeline.transcribe.transcript import Segment, Transcript

RULES = load_template("first-person").cut


def test_split_at_sentence_punctuation_not_at_segments():
    # one Whisper segment holding two sentences, then a segment that continues the second one
    words = spoken(0, "我叫王建华。我是驻村队员，") + spoken(2400, "也是党员。")
    t = Transcript(
        "int-001",
        "zh",
        "fake",
        (Segment(0, 2200, "", tuple(words[:10])), Segment(2200, 3400, "", tuple(words[10:]))),
    )
    sentences = split_sentences(t, RULES)
    assert [s.text for s in sentences] == ["我叫王建华。", "我是驻村队员，也是党员。"]


def test_handles_never_overlap_neighbours():
    t = transcript_of("int-001", [(1000, "第一句话。"), (1900, "第二句话。"), (5000, "第三句。")])
    first, second, third = split_sentences(t, RULES)
    assert first.in_ms == 1000 - 150  # a full handle where there is room
    assert first.out_ms == second.in_ms == 1850  # words 1000-1800 and 1900-2700: they meet mid-gap
    assert second.out_ms == 2700 + 150 and third.in_ms == 5000 - 150
    assert third.out_ms == 5600 + 150


def test_handles_stay_inside_the_clip():
    t = transcript_of("int-001", [(50, "开始。")])
    (s,) = split_sentences(t, RULES, clip_duration_ms=500)
    assert (s.in_ms, s.out_ms) == (0, 500)


def test_long_pause_ends_a_sentence():
    words = spoken(0, "我们修通了") + spoken(3000, "三点五公里的路。")
    t = Transcript("int-001", "zh", "fake", (Segment(0, 4600, "", tuple(words)),))
    assert [s.text for s in split_sentences(t, RULES)] == ["我们修通了", "三点五公里的路。"]


def test_overlong_sentence_split_at_the_comma_nearest_its_middle():
    text = "甲" * 20 + "，" + "乙" * 30 + "，" + "丙" * 20 + "，" + "丁" * 10 + "。"  # 80 chars, 16 s
    t = transcript_of("int-001", [(0, text)])
    parts = [s.text for s in split_sentences(t, RULES)]
    assert "".join(parts) == text and len(parts) > 1
    assert all(p.endswith(("，", "。")) for p in parts)
    assert all(
        s.words[-1].end_ms - s.words[0].start_ms <= RULES.max_sentence_ms for s in split_sentences(t, RULES)
    )


def test_hesitations_trimmed_and_filler_sentences_flagged():
    t = transcript_of("int-001", [(0, "嗯，我们村里。"), (3000, "那个那个。"), (5000, "呃。")])
    first, second, third = split_sentences(t, RULES)
    assert first.text == "我们村里。" and first.words[0].text == "我"
    assert first.in_ms == 200  # meets the trimmed 嗯 (0-200 ms) in the middle of no gap
    assert not first.filler and second.filler and third.filler


def test_no_words_falls_back_to_segments():
    t = Transcript("int-001", "zh", "fake", (Segment(1000, 3000, "没有词时间。"),))
    (s,) = split_sentences(t, RULES)
    assert (s.in_ms, s.out_ms, s.text) == (850, 3150, "没有词时间。")


def test_normalise():
    assert normalise("我叫 王建华，是…Party!") == "我叫王建华是party"
