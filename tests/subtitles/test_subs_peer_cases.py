"""The reader on edge cases that other subtitle projects collected in their test data.

Each case is written here from scratch; the comment names the peer test it reproduces
(pysubs2: tkarabela/pysubs2 tests/formats/test_subrip.py; srt: cdown/srt tests/test_srt.py; pysrt:
byroot/pysrt tests/static/; go-astisub: asticode/go-astisub testdata/), or
the line of issue 18's "Tried as a new user would" list it answers. Encodings are generated.
"""

from __future__ import annotations

import codecs

import pysubs2
import pytest
import srt

from pipeline.errors import SubtitleError
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import read_srt


def write(tmp_path, data: bytes, name="peer.srt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(tmp_path, data: bytes) -> str:
    path = write(tmp_path, data)
    with pytest.raises(SubtitleError) as info:
        read_srt(path)
    message = str(info.value)
    assert message.startswith(f"{path}")
    return message[len(str(path)) :]


# ---- issue 18: garbage accepted silently ----


def test_big5_is_not_read_as_gb18030_garbage(tmp_path):
    # pysubs2 test_big5_read_write: 道德經 in Big5; GB18030 decodes it as 笵紈竒 without an error
    data = "1\n00:00:00,000 --> 00:01:00,000\n道德經\n\n".encode("big5")
    assert data.decode("gb18030").endswith("笵紈竒\n\n")  # the garbage the old reader returned
    message = refusal(tmp_path, data)
    assert message.startswith(
        ", line 3: not UTF-8, and read as GBK/GB18030 it is not plausible Chinese ('笵'"
    )
    assert "--encoding ENCODING" in message


def test_windows_1250_is_not_read_as_gb18030_garbage(tmp_path):
    # the Đino! -> 衖no! (windows-1250 bytes that are valid GB18030)
    data = "1\n00:00:00,000 --> 00:01:00,000\nĐino!\n\n".encode("cp1250")
    assert data.decode("gb18030").endswith("衖no!\n\n")
    message = refusal(tmp_path, data)
    assert message.startswith(
        ", line 3: not UTF-8, and read as GBK/GB18030 it is not plausible Chinese ('衖'"
    )
    # pysubs2 test_win1250_read_write (a Czech pangram): not even valid GB18030
    text = "1\n00:00:00,000 --> 00:01:00,000\nPříliš žluťoučký kůň úpěl ďábelské ódy\n\n"
    assert refusal(tmp_path, text.encode("cp1250")).startswith(", line 3: neither UTF-8 nor GBK/GB18030 text")


def test_gbk_chinese_is_still_read(tmp_path):
    # full-width letters and digits, quotes and an ellipsis are Chinese typing, not another script
    text = "1\n00:00:01,000 --> 00:00:02,500\n我叫王建华，是ＣＣＴＶ说的“驻村工作队”队员……\n"
    assert read_srt(write(tmp_path, text.encode("gbk"))) == (
        Cue(1000, 2500, ("我叫王建华，是ＣＣＴＶ说的“驻村工作队”队员……",)),
    )


# ---- issue 18: wrong times accepted silently, and a crash ----


def test_missing_hours_is_refused(tmp_path):
    # the issue's `00:06:57,530 --> 07:03,920`: srt reads the end as 7 h 3 min 920 s
    data = b"1\n00:06:57,530 --> 07:03,920\nline\n"
    assert refusal(tmp_path, data) == (
        ", line 2: cue 1: time 07:03,920 has no hours field; write it as 00:07:03,920"
    )


def test_both_times_without_hours_are_refused_not_inverted(tmp_path):
    # the issue's `00:00,500 --> 00:07,000`: srt reads 500 s --> 420 s, an inverted cue of minutes
    data = b"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00,500 --> 00:07,000\nline\n"
    assert refusal(tmp_path, data) == (
        ", line 6: cue 2: time 00:00,500 has no hours field; write it as 00:00:00,500"
    )


def test_a_5000_digit_fraction_is_refused(tmp_path):
    # the 5000-digit milliseconds field, which srt read as 999
    data = b"1\n00:00:01," + b"9" * 5000 + b" --> 00:00:02,000\nline\n"
    message = refusal(tmp_path, data)
    assert message.startswith(", line 2: cue 1: time 00:00:01,9999999999")
    assert message.endswith("has 5000 digits after the seconds; write milliseconds as 3 digits")


def test_an_enormous_hours_field_is_a_subtitle_error_not_an_overflow(tmp_path):
    # the issue's `99999999999` hours: OverflowError escaped the old reader
    data = b"1\n99999999999:00:01,000 --> 99999999999:00:02,000\nline\n"
    assert refusal(tmp_path, data) == (
        ", line 2: cue 1: time 99999999999:00:01,000 is out of range; write it as HH:MM:SS,mmm"
    )


@pytest.mark.parametrize(
    "timing, problem",
    [
        ("00:61:00,000 --> 00:62:00,000", "time 00:61:00,000 has minutes or seconds of 60 or more"),
        ("00:00:75,000 --> 00:01:20,000", "time 00:00:75,000 has minutes or seconds of 60 or more"),
        ("100:00:00,000 --> 100:00:01,000", "time 100:00:00,000 is out of range"),
        ("00:00:01,000 --> 00:00:02,000,500", "'00:00:02,000,500' is not a time like 00:01:02,345"),
    ],
)
def test_out_of_range_times_are_refused(tmp_path, timing, problem):
    assert problem in refusal(tmp_path, f"1\n{timing}\nline\n".encode())


# ---- issue 18: valid files refused ----


def test_first_text_line_a_space_and_a_number(tmp_path):
    # the case; also srt test_can_parse_index_trailing_ws (numbers with spaces around)
    data = b"1\n00:00:01,000 --> 00:00:02,000\n 2\n\n2\n00:00:03,000 --> 00:00:04,000\n 1949\nyear\n"
    assert read_srt(write(tmp_path, data)) == (
        Cue(1000, 2000, ("2",)),
        Cue(3000, 4000, ("1949", "year")),
    )


def test_a_line_of_spaces_inside_the_text(tmp_path):
    # the case: peers keep the cue whole (pysubs2 reads it as one event)
    text = "1\n00:00:01,000 --> 00:00:02,000\n第一行\n   \n第二行\n\n2\n00:00:03,000 --> 00:00:04,000\n乙\n"
    assert read_srt(write(tmp_path, text.encode())) == (
        Cue(1000, 2000, ("第一行", "第二行")),
        Cue(3000, 4000, ("乙",)),
    )
    assert len(pysubs2.SSAFile.from_string(text, format_="srt")) == 2


def test_spaces_line_between_cues_still_separates_them(tmp_path):
    text = "1\n00:00:01,000 --> 00:00:02,000\n甲\n   \n2\n00:00:03,000 --> 00:00:04,000\n乙\n  \n"
    assert read_srt(write(tmp_path, text.encode())) == (Cue(1000, 2000, ("甲",)), Cue(3000, 4000, ("乙",)))


def test_zero_width_spaces_before_the_arrow(tmp_path):
    # the U+200B before `-->` (copied from a web page); pysubs2 reads it
    text = "1\n00:00:01,000\u200b\u200b --> 00:00:02,000\n\u200b甲\n"
    assert read_srt(write(tmp_path, text.encode())) == (Cue(1000, 2000, ("甲",)),)
    assert len(pysubs2.SSAFile.from_string(text, format_="srt")) == 1


# ---- issue 18: misleading refusals ----


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be", "utf-16-be", "utf-8-sig"])
def test_unicode_files_with_a_bom_are_read(tmp_path, codec):
    # pysrt tests/static/bom-utf-32-le.srt (called "binary data" before) and bom-utf-32-be.srt,
    # bom-utf-16-be.srt, bom-utf-8.srt
    text = "1\n00:00:01,000 --> 00:00:02,000\n我叫王建华\n"
    bom = {"utf-32-be": codecs.BOM_UTF32_BE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    data = bom + text.encode(codec)
    assert read_srt(write(tmp_path, data)) == (Cue(1000, 2000, ("我叫王建华",)),)


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-16-le"])
def test_bomless_utf16_and_utf32_are_named_not_called_binary(tmp_path, codec):
    path = write(tmp_path, "1\n00:00:01,000 --> 00:00:02,000\n甲\n".encode(codec))
    with pytest.raises(SubtitleError) as info:
        read_srt(path)
    assert str(info.value) == (
        f"{path}: {codec.upper()} text without a byte-order mark; bring it in with "
        f"`pipeline subs import DIR --clip ID {path} --encoding {codec}`"
    )


# ---- peers' tolerances, and agreement with the reference parsers on valid files ----

VALID = {
    # srt test_parsing_spaced_arrow / test_parsing_no_ws_arrow / spaced ender arrow
    "arrows": "1\n00:00:01,000 - > 00:00:02,000\na\n\n2\n00:00:03,000-->00:00:04,000\nb\n\n"
    "3\n00:00:05,000 -- > 00:00:06,000\nc\n",
    # srt test_parser_can_parse_with_dot_msec_delimiter
    "dot msec": "1\n00:00:01.000 --> 00:00:02.000\na\n\n2\n00:00:03,000 --> 00:00:04.500\nb\n",
    # srt test_can_parse_index_with_dot / _leading_zeroes / test_parse_file_with_missing_index
    "indexes": "1.\n00:00:01,000 --> 00:00:02,000\na\n\n0002\n00:00:03,000 --> 00:00:04,000\nb\n\n"
    "00:00:05,000 --> 00:00:06,000\nc\n",
    # pysubs2 test_read_position_styling: SubRip coordinates after the end time
    "position tags": "1\n00:00:10,500 --> 00:00:13,000  X1:63 X2:223 Y1:43 Y2:58\n<i>Elephant's Dream</i>\n",
    # srt test_compose_and_parse_from_file_bom / test_compose_and_parse_strict_crlf
    "bom crlf": "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\na\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nb\r\n",
    # srt test_parser_accepts_final_no_newline_no_content
    "no final newline": "1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n00:00:03,000 --> 00:00:04,000\nb",
    # pysubs2 test_empty_subtitles: two-digit fractions
    "short fractions": "392\n00:29:27,46 --> 00:29:29,83\nI'm Liza Minnelli..\n",
}


@pytest.mark.parametrize("name", VALID)
def test_valid_files_read_with_the_reference_parsers_cue_count(tmp_path, name):
    text = VALID[name]
    cues = read_srt(write(tmp_path, text.encode()))
    assert len(cues) == len(list(srt.parse(text))) == len(pysubs2.SSAFile.from_string(text, format_="srt"))
    assert all(c.end_ms > c.start_ms and c.lines for c in cues)


# read as one of the two reference parsers reads them (the other refuses or skips the cue)
TOLERATED = {
    # srt test_parser_can_parse_with_fullwidth_delimiter (a Chinese input method's comma)
    "fullwidth comma": ("1\n00:00:03，000 --> 00:00:04，500\nb\n", Cue(3000, 4500, ("b",))),
    # srt test_parser_can_parse_with_no_msec
    "no msec": ("1\n00:00:01 --> 00:00:02\na\n", Cue(1000, 2000, ("a",))),
    # pysubs2 test_read_malformed: leading spaces, a one-digit hour, two-digit fractions
    "leading whitespace": (
        "  1\n     0:01:00,00 --> 0:02:00,00\n     Subtitle number\ntwo.\n",
        Cue(60_000, 120_000, ("Subtitle number", "two.")),
    ),
}


@pytest.mark.parametrize("name", TOLERATED)
def test_tolerated_as_one_peer_does(tmp_path, name):
    text, cue = TOLERATED[name]
    assert read_srt(write(tmp_path, text.encode())) == (cue,)


def test_times_agree_with_pysubs2(tmp_path):
    text = "".join(VALID[name] + "\n\n" for name in ("dot msec", "position tags", "short fractions"))
    cues = read_srt(write(tmp_path, text.encode()))
    events = pysubs2.SSAFile.from_string(text, format_="srt")
    assert [(c.start_ms, c.end_ms) for c in cues] == [(e.start, e.end) for e in events]
    assert cues[-1] == Cue(1_767_460, 1_769_830, ("I'm Liza Minnelli..",))


def test_single_dash_arrow_is_refused_as_srt_does(tmp_path):
    # pysubs2 test_read_malformed accepts `->`; srt does not: peers disagree, so it is refused
    assert ", line 2: expected a timing line" in refusal(tmp_path, b"1\n00:00:00.000 ->00:01:00.000\na\n")


def test_damaged_files_give_only_subtitle_errors():
    # every library exception of the old reader came from some damaged byte; damage a valid file
    # at random (fixed seed) and check that each result is cues or a SubtitleError naming the file
    import random

    from pipeline.subtitles.srt_io import parse_srt_bytes

    sample = (
        "1\n00:00:01,000 --> 00:00:02,500\n我叫王建华\n\n2\n00:00:03,000 --> 00:00:05,000\n是一名驻村\n工作队队员\n"
    ).encode()
    pieces = [b"\x00", b"\xff", b"-->", b":", b",", b"9" * 40, b"\n", b"\r", b" ", "\u200b".encode(), b"\xe5"]
    rng = random.Random(18)
    outcomes = set()
    for _ in range(2000):
        data = bytearray(sample)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data) + 1)
            if rng.random() < 0.5 and at < len(data):
                del data[at : at + rng.randint(1, 5)]
            else:
                data[at:at] = rng.choice(pieces)
        try:
            parse_srt_bytes(bytes(data), "damaged.srt")
            outcomes.add("read")
        except SubtitleError as exc:
            assert str(exc).startswith("damaged.srt")
            outcomes.add("refused")
    assert outcomes == {"read", "refused"}
