import os
from pathlib import Path

import pytest

from pipeline.edit.cut_list import (
    BrollMark,
    CutEntry,
    CutList,
    format_cut_list,
    parse_cut_list,
    read_cut_list,
    write_cut_list,
)
from pipeline.errors import EditError

GOLDEN = Path(__file__).parent / "golden" / "cut.md"

SAMPLE = CutList(
    (
        CutEntry(
            "int-001",
            1200,
            4800,
            "我叫王建华，是一名驻村工作队的队员。",
            broll=(BrollMark("broll-001", 0, 4000), BrollMark("broll-002", 2500, 3000, at_ms=1500)),
        ),
        CutEntry("int-001", 5100, 5600, "嗯。", keep=False, note="filler"),
        CutEntry("int-002", 0, 3555, '村里最大的难题是路 "quoted" 100% {braces} \\ back'),
        CutEntry("int-001", 61_000, 65_020, "", keep=False),
    )
)


def test_format_matches_golden():
    text = format_cut_list(SAMPLE, title="驻村路上 · cut list", summary=("2 of 4 sentences ticked",))
    if os.environ.get("PIPELINE_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8"), (
        f"differs from {GOLDEN.name} (PIPELINE_UPDATE_GOLDEN=1 rewrites)"
    )


def test_round_trip():
    assert parse_cut_list(format_cut_list(SAMPLE)) == SAMPLE
    assert parse_cut_list(GOLDEN.read_text("utf-8")) == SAMPLE


def test_parse_records_line_numbers_and_accepts_variants():
    text = "# title\n\n* [X] int-001 00:01.20 – 00:04.80 text\n\t broll broll-001 0:00-0:02\n+ [] int-002 00:00.00~00:01.00\n"
    text = text.replace("00:01.20 – 00:04.80", "00:01.20–00:04.80")
    cut = parse_cut_list(text)
    assert [e.line for e in cut.entries] == [3, 5]
    assert cut.entries[0].keep and not cut.entries[1].keep
    assert cut.entries[0].broll == (BrollMark("broll-001", 0, 2000),)
    assert cut.entries[0].broll[0].line == 4


def test_text_that_would_break_the_line_is_neutralised():
    cut = CutList((CutEntry("int-001", 0, 1000, "a\nb <!-- c --> d"),))
    again = parse_cut_list(format_cut_list(cut))
    assert again.entries[0].text == "a b <! -- c -- > d"
    assert again.entries[0].note == ""


def test_comments_spanning_lines_are_skipped():
    text = "<!--\n- [x] not a line\n-->\n- [x] int-001 00:00.00-00:01.00 kept <!-- a note -->\n"
    cut = parse_cut_list(text)
    assert cut.entries == (CutEntry("int-001", 0, 1000, "kept", note="a note"),)


@pytest.mark.parametrize(
    "text, line, problem",
    [
        (
            "- [x] int-001 00:01.00-00:02.00 ok\nhello there\n",
            2,
            "cannot read 'hello there'; sentence lines look like",
        ),
        ("- [y] int-001 00:01.00-00:02.00\n", 1, "the tick box [y] must be [x] (keep) or [ ] (leave out)"),
        ("\n- [x] int-001\n", 2, "expected a clip id and IN-OUT after the tick box"),
        ("- [x] int-001 00:01.00 text\n", 1, "cannot read the time span '00:01.00'"),
        ("- [x] int-001 00:01.00-00:75.00 text\n", 1, "cannot read the time '00:75.00'"),
        ("- [x] int-001 00:03.00-00:02.00 text\n", 1, "the span ends (00:02.00) before it starts (00:03.00)"),
        ("    broll broll-001 00:00.00-00:01.00\n", 1, "a B-roll mark must sit under a sentence line"),
        ("- [x] int-001 00:01.00-00:02.00\nbroll broll-001 00:00.00-00:01.00\n", 2, "indent the B-roll mark"),
        (
            "- [x] int-001 00:01.00-00:02.00\n    broll broll-001\n",
            2,
            "cannot read the B-roll mark 'broll broll-001'",
        ),
        (
            "- [x] int-001 00:01.00-00:02.00\n    broll broll-001 00:00.00-00:01.00 @soon\n",
            2,
            "cannot read the start offset @soon",
        ),
        (
            "- [x] int-001 00:01.00-00:02.00\n    some words\n",
            2,
            "cannot read 'some words'; an indented line must be",
        ),
        (
            "- [x] int-001 00:01.00-00:02.00\n\n<!-- open\n\n",
            3,
            "the comment opened here with <!-- is never closed",
        ),
    ],
)
def test_parse_errors_name_file_and_line(text, line, problem):
    with pytest.raises(EditError) as caught:
        parse_cut_list(text, "/p/cut.md")
    assert str(caught.value).startswith(f"/p/cut.md line {line}: {problem}")


def test_file_edges(project):
    assert read_cut_list(project) is None
    write_cut_list(project, SAMPLE)
    assert read_cut_list(project) == SAMPLE
    project.cut_list.write_bytes("- [x] int-001 00:00.00-00:01.00 \xff".encode("latin-1"))
    with pytest.raises(EditError, match="is not UTF-8 text"):
        read_cut_list(project)


def test_windows_editors_bom_and_crlf():
    text = "\ufeff" + format_cut_list(SAMPLE).replace("\n", "\r\n")
    assert parse_cut_list(text) == SAMPLE
