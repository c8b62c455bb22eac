"""Flags: corrections and low-confidence words, what remains of them, and `subs lint`'s count."""

from __future__ import annotations

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import write_srt
from pipeline.subtitles.store import producer_path
from pipeline.transcribe.flags import flags_finding, remaining_flags, transcript_flags
from pipeline.transcribe.step import transcribe_project
from pipeline.transcribe.transcript import Correction, Segment, Transcript, Word

WORDS = (
    Word(0, 400, "我是", 0.95),
    Word(400, 800, "党", 0.9),
    Word(800, 1200, "龄", 0.2),  # inside the correction: flagged once, as the correction
    Word(1200, 1600, "何林", 0.3),
    Word(1600, 2000, "军，", 0.9),
)
CORRECTION = Correction(0, 2, 400, 1200, "党领", "党龄", "office term, same sound", 7.5)
TRANSCRIPT = Transcript(
    "int-001", "zh", "fake", (Segment(0, 2000, "我是党龄何林军，", WORDS),), corrections=(CORRECTION,)
)


def test_flags_are_corrections_and_low_confidence_words_in_time_order():
    flags = transcript_flags(TRANSCRIPT)
    assert [(f.kind, f.text, f.original, f.start_ms) for f in flags] == [
        ("corrected", "党龄", "党领", 400),
        ("uncertain", "何林", "", 1200),
    ]
    assert flags[1].score == 0.3
    assert transcript_flags(TRANSCRIPT, threshold=0.1) == flags[:1]


def test_a_flag_remains_while_its_text_stands_where_it_was_said():
    flags = transcript_flags(TRANSCRIPT)
    untouched = (Cue(0, 2000, ("我是党龄何林军，",)),)
    assert remaining_flags(flags, untouched) == flags
    edited = (Cue(0, 2000, ("我是党龄和邻居，",)),)
    assert [f.text for f in remaining_flags(flags, edited)] == ["党龄"]
    elsewhere = (Cue(5000, 6000, ("党龄何林",)),)
    assert remaining_flags(flags, elsewhere) == ()
    finding = flags_finding("int-001", flags)
    assert finding.severity == "info" and finding.cue == 0
    assert finding.message.startswith("2 flagged words to check (1 machine correction, 1 low-confidence)")
    assert flags_finding("int-001", ()) is None


def test_subs_lint_reports_the_flagged_words_left_per_clip(footage_project, fake):
    transcribe_project(footage_project, transcriber=fake)  # the fake's 祝村 is corrected to 驻村
    result = CliRunner().invoke(cli, ["subs", "lint", str(footage_project.root)])
    assert result.exit_code == 0, result.output
    info = [line for line in result.output.splitlines() if "flagged_words" in line]
    assert len(info) == 2  # one per interview clip
    assert "info" in info[0] and "1 flagged word to check (1 machine correction, 0 low-confidence)" in info[0]

    # the producer rewrote the corrected place: nothing left to check in that clip
    write_srt(producer_path(footage_project, "int-001"), (Cue(0, 1800, ("我是党员，在村里工作。",)),))
    result = CliRunner().invoke(cli, ["subs", "lint", str(footage_project.root)])
    info = [line for line in result.output.splitlines() if "flagged_words" in line]
    assert len(info) == 1
