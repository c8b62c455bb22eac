from pathlib import Path

from pipeline.edit.retime import retime_cues
from pipeline.edit.timeline import AudioPiece, SourceSpan
from pipeline.subtitles.cue import Cue

P = Path("/f/int-001.mp4")


def piece(start, in_ms, out_ms, clip_id="int-001"):
    return AudioPiece(start, SourceSpan(clip_id, P, in_ms, out_ms))


def cue(start, end, text):
    return Cue(start, end, (text,))


CUES = {
    "int-001": (cue(1000, 3000, "一"), cue(3200, 5000, "二"), cue(5200, 8000, "三"), cue(8200, 9000, "四"))
}


def times(cues):
    return [(c.start_ms, c.end_ms, c.flat) for c in cues]


def test_cues_follow_their_sound_and_cut_material_goes():
    # keep 1000-5000 at output 4000, drop 5000-8200, keep 8200-9000 after it
    result = retime_cues(CUES, [piece(4000, 1000, 5000), piece(8000, 8200, 9000)], 20_000)
    assert times(result) == [(4000, 6000, "一"), (6200, 8000, "二"), (8000, 8800, "四")]


def test_reordered_pieces_reorder_cues():
    result = retime_cues(CUES, [piece(0, 8200, 9000), piece(800, 1000, 3000)], 5000)
    assert times(result) == [(0, 800, "四"), (800, 2800, "一")]


def test_cue_straddling_a_cut_is_trimmed_or_dropped_when_too_short():
    # 三 (5200-8000): keep its first 1.5 s; 二 (3200-5000): only 200 ms remain, dropped
    result = retime_cues(CUES, [piece(0, 4800, 6700)], 10_000)
    assert times(result) == [(400, 1900, "三")]


def test_cue_whose_middle_is_cut_stays_one_cue():
    result = retime_cues(CUES, [piece(0, 5200, 6000), piece(800, 7000, 8000)], 10_000)
    assert times(result) == [(0, 1800, "三")]


def test_short_untrimmed_cue_is_kept():
    cues = {"int-001": (cue(1000, 1200, "嗯"),)}
    assert times(retime_cues(cues, [piece(0, 0, 2000)], 3000)) == [(1000, 1200, "嗯")]


def test_a_sentence_used_twice_shows_its_cue_twice():
    result = retime_cues(CUES, [piece(0, 1000, 3000), piece(2000, 1000, 3000)], 5000)
    assert times(result) == [(0, 2000, "一"), (2000, 4000, "一")]


def test_inside_the_duration_and_monotonic_without_overlaps():
    cues = {"int-001": (cue(0, 2500, "a"), cue(2000, 4000, "b")), "int-002": (cue(0, 5000, "c"),)}
    result = retime_cues(cues, [piece(100, 0, 4000), piece(4100, 0, 3000, "int-002")], 6000)
    assert result[-1].end_ms <= 6000 and result[0].start_ms >= 0
    for a, b in zip(result, result[1:]):
        assert a.start_ms < a.end_ms <= b.start_ms
    assert times(result) == [(100, 2100, "a"), (2100, 4100, "b"), (4100, 6000, "c")]


def test_other_clips_cues_are_not_borrowed():
    assert retime_cues({"int-002": (cue(0, 1000, "x"),)}, [piece(0, 0, 1000)], 1000) == ()
