from dataclasses import replace

import pytest
from edit_project import transcript_of

from pipeline.edit.proposal import false_start_note, filler_note, is_false_start, over_target_note, propose
from pipeline.edit.sentences import split_sentences
from pipeline.edit.template import load_template

FIRST_PERSON = load_template("first-person")


def sentences_of(*takes):
    result = []
    for clip_id, lines in takes:
        result.extend(split_sentences(transcript_of(clip_id, lines), FIRST_PERSON.cut))
    return result


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("我们村的", "我们村的路修好了。", True),  # broken off: a prefix
        ("我们村里的", "我们村的路修好了。", True),  # broken off differently
        ("我在村里干了三年。", "我在村里干了三年了。", True),  # said again
        ("一户一户地敲门，", "一家一家地拉家常。", False),
        ("村里最大的难题是路。", "一到下雨天，孩子们上学要踩着泥走。", False),
        ("对。", "对面就是村委会。", True),
        ("", "什么", False),
    ],
)
def test_false_starts(first, second, expected):
    assert is_false_start(first, second, FIRST_PERSON.cut.near_duplicate) is expected


def test_fillers_and_false_starts_are_unticked_with_reasons():
    sentences = sentences_of(
        (
            "int-001",
            [
                (0, "嗯。"),
                (1000, "我们村的"),
                (3000, "我们村的路修好了。"),
                (6000, "那个。"),
                (7000, "大家都很高兴。"),
            ],
        )
    )
    cut = propose(sentences, FIRST_PERSON, FIRST_PERSON.length.target_ms).cut
    assert [(e.text, e.keep, e.note) for e in cut.entries] == [
        ("嗯。", False, filler_note()),
        ("我们村的", False, false_start_note()),
        ("我们村的路修好了。", True, ""),
        ("那个。", False, filler_note()),
        ("大家都很高兴。", True, ""),
    ]


def test_false_start_looks_past_a_filler_but_not_across_clips():
    sentences = sentences_of(
        ("int-001", [(0, "我们村的"), (2000, "嗯。"), (3000, "我们村的路修好了。")]),
        ("int-002", [(0, "我们村的路修好了。")]),
    )
    cut = propose(sentences, FIRST_PERSON, FIRST_PERSON.length.target_ms).cut
    assert [e.keep for e in cut.entries] == [False, False, True, True]


def test_silences_between_sentences_are_not_in_the_cut():
    sentences = sentences_of(("int-001", [(0, "第一句。"), (10_000, "第二句。")]))
    cut = propose(sentences, FIRST_PERSON, FIRST_PERSON.length.target_ms).cut
    assert [(e.in_ms, e.out_ms) for e in cut.entries] == [(0, 750), (9850, 10_750)]


def long_material(n=40, seconds=8):
    """n sentences of `seconds` each, one of them short and unsure."""
    lines = [
        (i * (seconds + 1) * 1000, "".join(chr(0x4E00 + 97 * i + k) for k in range(seconds * 5 - 1)) + "。")
        for i in range(n)
    ]
    sentences = sentences_of(("int-001", lines))
    sentences[7] = replace(sentences[7], words=tuple(replace(w, probability=0.2) for w in sentences[7].words))
    return sentences


def test_aims_at_the_target_dropping_lowest_value_first():
    sentences = long_material()  # about 40 x 8.3 s = 5:32 of narration
    proposal = propose(sentences, FIRST_PERSON, 240_000)
    cut = proposal.cut
    episode = cut.kept_ms + FIRST_PERSON.cards_ms
    assert FIRST_PERSON.length.min_ms <= episode <= 240_000
    assert episode > 240_000 - 9_000  # stops as soon as it fits
    assert not cut.entries[7].keep and cut.entries[7].note == over_target_note()  # the unsure one went first
    assert cut.entries[0].keep  # the opening stays
    assert all(e.note == over_target_note() for e in cut.entries if not e.keep)
    assert proposal.material_ms == sum(s.duration_ms for s in sentences)


def test_short_material_keeps_everything():
    sentences = long_material(n=10)
    cut = propose(sentences, FIRST_PERSON, 240_000).cut
    assert all(e.keep for e in cut.entries)
