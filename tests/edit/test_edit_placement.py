from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.edit.placement import Beat, Cutaway, join_audio, place_programme
from pipeline.edit.timeline import AudioPiece, SourceSpan
from pipeline.errors import EditError

FPS = Fraction(25)
INT = Path("/f/int-001.mp4")
INT2 = Path("/f/int-002.mp4")
BROLL = Path("/f/broll-001.mp4")


def narration(in_ms, out_ms, path=INT, clip_id="int-001"):
    return SourceSpan(clip_id, path, in_ms, out_ms)


def broll(in_ms, out_ms, at_ms=None, line=0):
    return Cutaway(SourceSpan("broll-001", BROLL, in_ms, out_ms), at_ms, line)


def check_invariants(programme):
    shots = programme.shots
    assert shots[0].start_ms == programme.start_ms and shots[-1].end_ms == programme.end_ms
    for a, b in zip(shots, shots[1:]):
        assert a.end_ms == b.start_ms  # contiguous
    for shot in shots:
        assert shot.duration_ms > 0 and shot.start_ms % 40 == 0 and shot.duration_ms % 40 == 0  # on frames
        assert shot.source.duration_ms == shot.duration_ms
    audio = programme.audio
    assert audio[0].start_ms == programme.start_ms and audio[-1].end_ms == programme.end_ms
    for a, b in zip(audio, audio[1:]):
        assert a.end_ms == b.start_ms


def test_pieces_in_cut_order_with_interview_picture():
    beats = [
        Beat(narration(5000, 7000)),
        Beat(narration(1000, 2600, INT2, "int-002")),
        Beat(narration(0, 1000)),
    ]
    p = place_programme(beats, start_ms=4000, fps=FPS)
    check_invariants(p)
    assert [(a.start_ms, a.source.clip_id, a.source.in_ms, a.source.out_ms) for a in p.audio] == [
        (4000, "int-001", 5000, 7000),
        (6000, "int-002", 1000, 2600),
        (7600, "int-001", 0, 1000),
    ]
    assert [(s.start_ms, s.source) for s in p.shots] == [(a.start_ms, a.source) for a in p.audio]
    assert p.end_ms == 8600


def test_durations_snap_to_frames():
    p = place_programme([Beat(narration(0, 1010)), Beat(narration(2000, 2990))], start_ms=4010, fps=FPS)
    check_invariants(p)
    assert p.start_ms == 4000 and [a.source.duration_ms for a in p.audio] == [1000, 1000]


def test_source_continuations_are_joined():
    p = place_programme(
        [Beat(narration(0, 1000)), Beat(narration(1000, 2000)), Beat(narration(3000, 4000))],
        start_ms=0,
        fps=FPS,
    )
    assert [(a.source.in_ms, a.source.out_ms) for a in p.audio] == [(0, 2000), (3000, 4000)]
    assert [(s.source.in_ms, s.source.out_ms) for s in p.shots] == [(0, 2000), (3000, 4000)]


def test_broll_shorter_than_its_sentence_hands_back_to_the_interview():
    p = place_programme([Beat(narration(10_000, 16_000), (broll(2000, 4000),))], start_ms=0, fps=FPS)
    check_invariants(p)
    assert [(s.start_ms, s.end_ms, s.source.clip_id, s.source.in_ms) for s in p.shots] == [
        (0, 2000, "broll-001", 2000),
        (2000, 6000, "int-001", 12_000),
    ]  # interview picture stays in sync
    assert len(p.audio) == 1 and p.audio[0].source.duration_ms == 6000  # narration continues


def test_broll_longer_than_its_sentence_is_cut_at_the_sentence_end():
    p = place_programme(
        [Beat(narration(0, 3000), (broll(0, 8000),)), Beat(narration(5000, 6000))], start_ms=0, fps=FPS
    )
    check_invariants(p)
    assert [(s.start_ms, s.end_ms, s.source.clip_id) for s in p.shots] == [
        (0, 3000, "broll-001"),
        (3000, 4000, "int-001"),
    ]


def test_offset_and_several_marks_follow_each_other():
    marks = (broll(0, 1000, at_ms=1000), broll(5000, 6000), broll(8000, 9000, at_ms=500))
    p = place_programme([Beat(narration(0, 8000), marks)], start_ms=0, fps=FPS)
    check_invariants(p)
    assert [(s.start_ms, s.end_ms, s.source.clip_id, s.source.in_ms) for s in p.shots] == [
        (0, 1000, "int-001", 0),
        (1000, 2000, "broll-001", 0),
        (2000, 3000, "broll-001", 5000),
        (
            3000,
            4000,
            "broll-001",
            8000,
        ),  # its @00:00.50 is taken: a mark never starts before the previous ends
        (4000, 8000, "int-001", 4000),
    ]


def test_short_interview_remainder_is_covered_when_the_broll_has_material():
    beat = Beat(narration(0, 4000), (broll(0, 3600),))
    covered = place_programme(
        [beat], start_ms=0, fps=FPS, min_shot_ms=800, clip_lengths={"broll-001": 10_000}
    )
    assert [(s.source.clip_id, s.duration_ms) for s in covered.shots] == [("broll-001", 4000)]
    not_enough = place_programme(
        [beat], start_ms=0, fps=FPS, min_shot_ms=800, clip_lengths={"broll-001": 3700}
    )
    assert [(s.source.clip_id, s.duration_ms) for s in not_enough.shots] == [
        ("broll-001", 3600),
        ("int-001", 400),
    ]


def test_broll_starting_after_its_sentence_is_an_error():
    with pytest.raises(
        EditError,
        match=r"cut.md line 7: the B-roll would start after its sentence ends "
        r"\(the sentence lasts 00:02.00\)",
    ):
        place_programme(
            [Beat(narration(0, 2000), (broll(0, 1000, at_ms=2500, line=7),))], start_ms=0, fps=FPS
        )


def test_ntsc_rate_stays_contiguous():
    fps = Fraction(30000, 1001)
    p = place_programme(
        [Beat(narration(0, 1234)), Beat(narration(5000, 7777)), Beat(narration(100, 200))],
        start_ms=4000,
        fps=fps,
    )
    for a, b in zip(p.shots, p.shots[1:]):
        assert a.end_ms == b.start_ms
    assert (
        sum(s.duration_ms for s in p.shots)
        == p.end_ms - p.start_ms
        == sum(a.source.duration_ms for a in p.audio)
    )


def test_join_audio_keeps_gain_boundaries():
    a = AudioPiece(0, narration(0, 1000))
    b = AudioPiece(1000, narration(1000, 2000), gain_db=-3)
    assert join_audio([a, b]) == (a, b)
