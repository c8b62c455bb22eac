"""`pipeline subs import`: outside subtitle files in other encodings and formats become producers' files.

The clips of `subs_project` are 60 s long (subs_samples.fake_clip). Encodings are generated here;
the Big5 and windows-1250 texts follow pysubs2's tests/formats/test_subrip.py
(test_big5_read_write, test_win1250_read_write).
"""

from __future__ import annotations

import codecs
import json

import pytest
from click.testing import CliRunner
from subs_samples import GOOD_CUES

from pipeline.cli import cli
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import read_srt
from pipeline.subtitles.store import approval_status, approve, producer_path, write_draft

TRADITIONAL = (
    "1\r\n00:00:01,000 --> 00:00:03,000\r\n道德經\r\n\r\n"
    "2\r\n00:00:03,500 --> 00:00:06,000\r\n我是一名老共產黨員\r\n\r\n"
    "3\r\n00:00:06,500 --> 00:00:08,000\r\n說實話\r\n"
)
SIMPLIFIED_CUES = (
    Cue(1000, 3000, ("道德经",)),
    Cue(3500, 6000, ("我是一名老共产党员",)),
    Cue(6500, 8000, ("说实话",)),
)
CHINESE = "1\n00:00:01,000 --> 00:00:02,500\n我叫王建华\n\n2\n00:00:03,000 --> 00:00:05,000\n是一名驻村\n工作队队员\n"
CHINESE_CUES = (Cue(1000, 2500, ("我叫王建华",)), Cue(3000, 5000, ("是一名驻村", "工作队队员")))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def outside(tmp_path, data: bytes, name="from-arctime.srt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_big5_traditional_srt_is_detected_converted_and_reported(subs_project, tmp_path):
    source = outside(tmp_path, TRADITIONAL.encode("big5"))
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Imported {source} as subtitles/int-001.srt for int-001: 3 cues (SRT, Big5 detected).",
        "Converted to simplified characters in 3 cues: 經 產 黨 員 說 實 話",
    ]
    target = producer_path(subs_project, "int-001")
    assert read_srt(target) == SIMPLIFIED_CUES
    assert target.read_bytes().decode("utf-8").startswith("1\n00:00:01,000 --> 00:00:03,000\n道德经\n")


@pytest.mark.parametrize(
    "codec, bom, label",
    [
        ("gbk", b"", "GB18030/GBK"),
        ("gb18030", b"", "GB18030/GBK"),
        ("utf-8", codecs.BOM_UTF8, "UTF-8 (BOM)"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
        ("utf-16-be", b"", "UTF-16-BE"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
        ("utf-32-le", b"", "UTF-32-LE"),
    ],
)
def test_encodings_are_detected(subs_project, tmp_path, codec, bom, label):
    source = outside(tmp_path, bom + CHINESE.encode(codec))
    result = run("subs", "import", subs_project.root, "--clip", "int-002", source)
    assert result.exit_code == 0, result.output
    assert f"2 cues (SRT, {label} detected)." in result.stdout
    assert read_srt(producer_path(subs_project, "int-002")) == CHINESE_CUES


def test_windows_1250_is_refused_unless_named(subs_project, tmp_path):
    # the issue's Đino! (which GB18030 reads as 衖no!) and pysubs2's windows-1250 pangram
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nĐino!\n\n2\n00:00:03,000 --> 00:00:04,000\nPříliš žluťoučký kůň\n"
    )
    source = outside(tmp_path, text.encode("cp1250"))
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert error_line(result).startswith(
        f"Error: {source}: not UTF-8, and no encoding tried gives plausible Chinese (read as windows-1250 "
    )
    assert error_line(result).endswith(
        "; if you know its encoding, give it with --encoding (for example --encoding big5 or --encoding cp1252)"
    )
    assert not producer_path(subs_project, "int-001").exists()

    result = run("subs", "import", subs_project.root, "--clip", "int-001", source, "--encoding", "cp1250")
    assert result.exit_code == 0, result.output
    assert "2 cues (SRT, windows-1250 as given)." in result.stdout
    assert read_srt(producer_path(subs_project, "int-001"))[0].lines == ("Đino!",)


def test_big5_forced_through_gb18030_is_refused(subs_project, tmp_path):
    source = outside(tmp_path, TRADITIONAL.encode("big5"))
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source, "--encoding", "gb18030")
    assert error_line(result) == (
        f"Error: {source}, line 3: read as GB18030/GBK, its Chinese characters are mostly rare ones ('笵'...), "
        "so GB18030/GBK is probably the wrong encoding; try another --encoding"
    )


def test_unknown_encoding_name(subs_project, tmp_path):
    source = outside(tmp_path, CHINESE.encode())
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source, "--encoding", "klingon")
    assert error_line(result) == (
        "Error: --encoding klingon: unknown encoding; use a name such as utf-8, gb18030, big5, cp1252 or utf-16"
    )


def test_webvtt_with_tags_and_no_hours(subs_project, tmp_path):
    # webvtt-py and pysubs2 test_vtt cases: a header, cue identifiers, settings, tags, mm:ss times
    text = (
        "WEBVTT - from 剪映\n\nNOTE exported\n\nintro\n00:01.000 --> 00:02.500 align:start position:10%\n"
        "<v 王建华><b>我叫</b>王建华</v>\n\n00:00:03.000 --> 00:00:05.000\n是一名驻村\n工作队队员\n"
    )
    source = outside(tmp_path, text.encode(), "from-jianying.vtt")
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert result.exit_code == 0, result.output
    assert "2 cues (WebVTT, UTF-8 detected)." in result.stdout
    assert read_srt(producer_path(subs_project, "int-001")) == CHINESE_CUES


def test_ass_with_comments_overrides_and_line_breaks(subs_project, tmp_path):
    # pysubs2 test_substation cases: override tags, \N, Comment lines, a drawing
    text = (
        "[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding\n"
        "Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,"
        "10,10,10,1\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,{\\an8\\i1}我叫王建华\n"
        "Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,translator's note\n"
        "Dialogue: 0,0:00:02.50,0:00:03.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}\n"
        "Dialogue: 0,0:00:03.00,0:00:05.00,Default,,0,0,0,,是一名驻村\\N工作队队员\n"
    )
    source = outside(tmp_path, text.encode("utf-8-sig"), "from-aegisub.ass")
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["Skipped 2 comment or drawing lines of the ASS file."]
    assert read_srt(producer_path(subs_project, "int-001")) == CHINESE_CUES


@pytest.mark.parametrize(
    "body, problem",
    [
        (
            "1\n00:00:01,000 --> 00:00:02,000\n甲\n\n2\n00:00:59,000 --> 00:01:00,500\n乙\n",
            "cue 2 ends at 00:01:00,500, after the end of clip int-001 (00:01:00,000); "
            "is this the right clip? Fix its timing or choose --clip",
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\n甲\n\n2\n00:00:05,000 --> 00:00:04,000\n乙\n",
            "cue 2 at 00:00:05,000 ends before it starts (00:00:04,000); fix its timing",
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\n甲\n\n2\n00:00:03,000 --> 00:00:04,000\n<i></i>\n",
            "cue 2 at 00:00:03,000 has no text; delete it in your subtitle tool",
        ),
        (
            "这不是字幕文件\n",
            "not an SRT, WebVTT, ASS or SSA subtitle file; export SRT from your subtitle tool",
        ),
    ],
)
def test_bad_cues_are_refused_with_their_number(subs_project, tmp_path, body, problem):
    source = outside(tmp_path, body.encode())
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert error_line(result) == f"Error: {source}: {problem}"
    assert not producer_path(subs_project, "int-001").exists()


def test_strict_reader_errors_come_with_the_line(subs_project, tmp_path):
    source = outside(tmp_path, b"1\n00:06:57,530 --> 07:03,920\nline\n")
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert error_line(result) == (
        f"Error: {source}, line 2: cue 1: time 07:03,920 has no hours field; write it as 00:07:03,920"
    )


def test_empty_file_and_unknown_clip(subs_project, tmp_path):
    source = outside(tmp_path, b"")
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert error_line(result) == (
        f"Error: {source}: the file is empty (0 bytes), probably a failed copy or export; export it again"
    )
    result = run(
        "subs", "import", subs_project.root, "--clip", "broll-001", outside(tmp_path, CHINESE.encode())
    )
    assert error_line(result) == (
        f"Error: {subs_project.footage_dir}: no interview clip 'broll-001'; interview clips: int-001, int-002"
    )


def test_approved_file_is_kept_unless_forced(subs_project, tmp_path):
    write_draft(subs_project, "int-001", GOOD_CUES)
    approve(subs_project, "李制片", ["int-001"])
    target = producer_path(subs_project, "int-001")
    approved_bytes = target.read_bytes()
    record = json.loads((subs_project.subtitles_dir / "approvals.json").read_text("utf-8"))["int-001"]
    source = outside(tmp_path, TRADITIONAL.encode("big5"))

    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert error_line(result) == (
        f"Error: {target}: approved by 李制片 at {record['at']}; the machine never replaces approved "
        "subtitles: add --force to replace them (the old file is kept under subtitles/.history/ and "
        "the approval withdrawn)"
    )
    assert target.read_bytes() == approved_bytes
    assert approval_status(subs_project, "int-001") == "approved"

    result = run("subs", "import", subs_project.root, "--clip", "int-001", source, "--force")
    assert result.exit_code == 0, result.output
    (kept,) = (subs_project.subtitles_dir / ".history").iterdir()
    assert kept.name.startswith("int-001.") and kept.read_bytes() == approved_bytes
    assert result.stdout.splitlines()[2:] == [
        f"The previous producers' file is kept as subtitles/.history/{kept.name}.",
        f"The approval by 李制片 at {record['at']} is withdrawn; approve again "
        f"with `pipeline subs approve {subs_project.root} --by NAME --clip int-001`.",
    ]
    assert read_srt(target) == SIMPLIFIED_CUES
    assert approval_status(subs_project, "int-001") == "not approved"


def test_unapproved_producers_file_needs_force_too(subs_project, tmp_path):
    target = producer_path(subs_project, "int-002")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes("1\n00:00:01,000 --> 00:00:02,000\n手改的\n".encode())
    result = run(
        "subs", "import", subs_project.root, "--clip", "int-002", outside(tmp_path, CHINESE.encode())
    )
    assert error_line(result) == (
        f"Error: {target}: the producers' file already exists (it may hold hand edits); add --force to "
        "replace it (the old file is kept under subtitles/.history/)"
    )
    assert read_srt(target) == (Cue(1000, 2000, ("手改的",)),)


def test_srt_quirks_of_other_tools(subs_project, tmp_path):
    # go-astisub testdata/example-in.srt (a time without milliseconds, SubRip coordinates, `.`
    # before the fraction) and example-in-carriage-return.srt (bare CR line ends, which pysubs2
    # alone reads as no cues at all)
    # pysrt tests/static/invalid.srt has only `00:00:01 --> 00:00:10`: srt reads it, pysubs2 does not
    only = outside(tmp_path, "1\n00:00:01 --> 00:00:10\n甲\n".encode(), "no-millis.srt")
    assert run("subs", "import", subs_project.root, "--clip", "int-002", only).exit_code == 0
    assert read_srt(producer_path(subs_project, "int-002")) == (Cue(1000, 10000, ("甲",)),)
    text = (
        "\ufeff1\r00:00:01 --> 00:00:02,04\r(深沉的隆隆声)\r\r2\r00:00:04,08 --> 00:00:07,12 X1:40 X2:600 Y1:20 Y2:50\r"
        '<i>我们</i>怎么到了这里？\r\r3\r00:00:12.16 --> 00:00:15.20\r<font color="#ff0000">这地方</font>\r'
    )
    source = outside(tmp_path, text.encode())
    result = run("subs", "import", subs_project.root, "--clip", "int-001", source)
    assert result.exit_code == 0, result.output
    assert read_srt(producer_path(subs_project, "int-001")) == (
        Cue(1000, 2040, ("(深沉的隆隆声)",)),
        Cue(4080, 7120, ("我们怎么到了这里？",)),
        Cue(12160, 15200, ("这地方",)),
    )


def test_approval_of_a_deleted_file_is_withdrawn(subs_project, tmp_path):
    write_draft(subs_project, "int-001", GOOD_CUES)
    approve(subs_project, "李制片", ["int-001"])
    producer_path(subs_project, "int-001").unlink()
    result = run(
        "subs", "import", subs_project.root, "--clip", "int-001", outside(tmp_path, CHINESE.encode())
    )
    assert result.exit_code == 0, result.output
    assert "The approval by 李制片 at " in result.stdout
    assert approval_status(subs_project, "int-001") == "not approved"
    assert read_srt(producer_path(subs_project, "int-001")) == CHINESE_CUES
