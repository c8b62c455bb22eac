"""Drafts from synthetic word timings: cut for reading, never inside a word, timing settled."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.subtitles.draft import draft_cues
from pipeline.subtitles.linebreak import word_boundaries, words
from pipeline.subtitles.qc import lint
from pipeline.subtitles.width import display_width
from pipeline.transcribe.transcript import Word

TAKES = Path(__file__).resolve().parents[1] / "data" / "zh_narration"
TAKE1 = (
    "我叫王建华，是邹城市一名驻村工作队的队员，也是一名有着十五年党龄的共产党员。二零二一年春天，"
    "组织上派我到石墙镇的一个村里驻村。说实话，刚接到通知的时候，我心里是有顾虑的。孩子正在上初中，"
    "家里老人身体也不好。可我转念一想，党员就是要服从组织安排，哪里需要就到哪里去。"
)


def speak(
    text: str, *, chars_per_s: float = 4.5, pause_ms: int = 350, per_char: bool = False, start_ms: int = 500
):
    """Word timings as Whisper gives them: punctuation glued to the word before, a pause after it."""
    out: list[Word] = []
    t = start_ms
    tokens = list(text) if per_char else words(text)
    for token in tokens:
        if not any(c.isalnum() for c in token):
            if out:
                last = out[-1]
                out[-1] = Word(last.start_ms, last.end_ms, last.text + token.strip())
            t += pause_ms
            continue
        duration = int(len(token.strip()) * 1000 / chars_per_s)
        out.append(Word(t, t + duration, token))
        t += duration
    return out


def spoken(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def check_draft(cues, text, profile):
    assert cues, "no cues"
    assert not [f for f in lint(cues, profile) if f.severity == "error"]
    assert spoken("".join(c.flat for c in cues)) == spoken(text)  # nothing lost, nothing invented
    running = spoken(text)
    bounds = word_boundaries(running)
    position = 0
    for cue in cues[:-1]:
        position += len(spoken(cue.flat))
        assert position in bounds, (
            f"cue boundary inside a word: {running[:position][-4:]}|{running[position:][:4]}"
        )
    for a, b in zip(cues, cues[1:]):
        assert b.start_ms - a.end_ms >= profile.min_gap_ms
    for cue in cues:
        assert len(cue.lines) <= profile.max_lines
        assert all(display_width(line) <= profile.max_chars_per_line for line in cue.lines)
        assert profile.min_duration_ms <= cue.duration_ms <= profile.max_duration_ms


def test_draft_cuts_at_punctuation(profile):
    cues = draft_cues(speak(TAKE1), profile)
    check_draft(cues, TAKE1, profile)
    texts = [c.text for c in cues]
    assert texts[:4] == [
        "我叫王建华",
        "是邹城市一名驻村工作队的队员",
        "也是一名有着十五年党龄的共产党员",
        "二零二一年春天",
    ]
    assert all(len(c.lines) == 1 for c in cues)  # one line preferred, and each clause fits on one


def test_draft_from_per_character_words_never_splits_a_word(profile):
    cues = draft_cues(speak(TAKE1, per_char=True), profile)
    check_draft(cues, TAKE1, profile)


def test_draft_without_punctuation_uses_pauses(profile):
    plain = [
        Word(0, 400, "我们"),
        Word(400, 800, "村里"),
        Word(800, 1200, "最大的"),
        Word(1200, 1600, "难题"),
        Word(2400, 2800, "就是"),
        Word(2800, 3200, "这条"),
        Word(3200, 3600, "路"),
    ]
    cues = draft_cues(plain, profile)
    assert [c.text for c in cues] == ["我们村里最大的难题", "就是这条路"]


def test_fast_speech_is_extended_into_the_silence_after_it(profile):
    fast = [
        Word(0, 300, "我叫"),
        Word(300, 600, "王建华，"),
        Word(600, 900, "是队员。"),
        Word(3000, 3500, "好。"),
    ]
    cues = draft_cues(fast, profile)
    first = cues[0]
    assert first.start_ms == 0
    # 8 characters need 889 ms at 9/s; the next cue starts at 3000 ms, so there is room
    assert first.duration_ms >= 889
    assert cues[1].start_ms - first.end_ms >= profile.min_gap_ms


def test_extension_stops_at_the_minimum_gap(vertical):
    crowded = [Word(0, 500, "我叫王建华是一名队员。"), Word(1000, 1900, "也是共产党员。")]
    cues = draft_cues(crowded, vertical)  # one line of 13: the two cannot share a cue
    assert cues[0].end_ms == 1000 - vertical.min_gap_ms  # wanted 1.12 s, only the gap stops it
    assert cues[1].start_ms == 1000


def test_glossary_and_script_are_corrected(profile, glossary):
    said = [Word(0, 800, "村里的"), Word(800, 1400, "兩为"), Word(1400, 2200, "幹部。")]
    cues = draft_cues(said, profile, glossary)
    assert [c.text for c in cues] == ["村里的两委干部"]


def test_english_words_keep_their_spaces(profile):
    text = [
        " And",
        " so",
        " my",
        " fellow",
        " Americans,",
        " ask",
        " not",
        " what",
        " your",
        " country",
        " can",
        " do",
        " for",
        " you,",
        " ask",
        " what",
        " you",
        " can",
        " do",
        " for",
        " your",
        " country.",
    ]
    said = [Word(300 + i * 450, 300 + i * 450 + 400, w) for i, w in enumerate(text)]
    cues = draft_cues(said, profile)
    joined = " ".join(c.text.replace("\n", " ") for c in cues)
    assert joined.startswith("And so my fellow Americans,")
    assert "country can do for you," in joined or "country can do" in joined
    assert not [f for f in lint(cues, profile) if f.severity == "error"]


def test_mixed_chinese_and_english(profile):
    said = [
        Word(0, 400, "我在"),
        Word(400, 900, " Google"),
        Word(900, 1500, " 工作了"),
        Word(1500, 2100, "十五年。"),
    ]
    (cue,) = draft_cues(said, profile)
    assert cue.text == "我在 Google 工作了十五年"


def test_whisper_segment_spaces_between_chinese_words_are_dropped(profile):
    said = [
        Word(0, 500, " 我叫"),
        Word(500, 1000, "王建华"),
        Word(1000, 1500, " 是"),
        Word(1500, 2000, "队员。"),
    ]
    (cue,) = draft_cues(said, profile)
    assert cue.text == "我叫王建华是队员"


def test_punctuation_only_words_are_attached(profile):
    said = [Word(0, 500, "好"), Word(500, 500, "。"), Word(1500, 2000, "“走"), Word(2000, 2400, "吧”")]
    cues = draft_cues(said, profile)
    assert spoken("".join(c.flat for c in cues)) == "好走吧"


def test_no_words_no_cues(profile):
    assert draft_cues([], profile) == ()
    assert draft_cues([Word(0, 100, " "), Word(100, 200, "")], profile) == ()


def test_vertical_profile_gives_single_short_lines(vertical):
    cues = draft_cues(speak(TAKE1), vertical)
    assert all(len(c.lines) == 1 and display_width(c.lines[0]) <= 13 for c in cues)
    assert spoken("".join(c.flat for c in cues)) == spoken(TAKE1)


@pytest.mark.parametrize(
    "take", sorted(TAKES.glob("take*.txt")) if TAKES.exists() else [], ids=lambda p: p.stem
)
def test_sample_takes_draft_cleanly(profile, take):
    text = take.read_text("utf-8").strip()
    cues = draft_cues(speak(text, per_char=True), profile)
    check_draft(cues, text, profile)


@pytest.mark.parametrize("seed", range(6))
def test_invariants_on_ragged_word_timings(profile, vertical, seed):
    """Whisper-like mess: pieces of words, stray spaces, overlapping and backward times, long words."""
    import random

    from pipeline.subtitles.fix import fix_cues

    rnd = random.Random(seed)
    text = TAKE1 + "我在Google工作了15年，COVID-19期间回到村里！"
    said, t = [], 0
    for token in list(text) if seed % 2 else words(text):
        duration = rnd.randint(30, 500) * len(token)
        if rnd.random() < 0.05:
            duration = rnd.randint(3000, 9000)
        start = max(0, t + rnd.randint(-80, 900 if rnd.random() < 0.2 else 40))
        said.append(Word(start, start + duration, (" " if rnd.random() < 0.1 else "") + token))
        t = start + duration
    for prof in (profile, vertical):
        cues = draft_cues(said, prof)
        assert spoken("".join(c.flat for c in cues)) == spoken(text)
        assert not [f for f in lint(cues, prof) if f.severity == "error"]
        assert all(a.start_ms <= b.start_ms for a, b in zip(cues, cues[1:]))
        fixed = fix_cues(cues, prof)
        assert fix_cues(fixed, prof) == fixed
        assert spoken("".join(c.flat for c in fixed)) == spoken(text)
