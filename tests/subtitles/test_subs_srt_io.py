"""SRT/VTT in and out, on the files producers really hand back (written here as bytes)."""

from __future__ import annotations

import pytest

from pipeline.errors import SubtitleError
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import read_srt, srt_text, vtt_text, write_srt, write_vtt

CLEAN = "1\n00:00:01,000 --> 00:00:02,500\n我叫王建华\n\n2\n00:00:03,000 --> 00:00:05,000\n是一名驻村\n工作队队员\n"
CLEAN_CUES = (Cue(1000, 2500, ("我叫王建华",)), Cue(3000, 5000, ("是一名驻村", "工作队队员")))


def write(tmp_path, data: bytes, name="in.srt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path) -> str:
    with pytest.raises(SubtitleError) as info:
        read_srt(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_plain_utf8(tmp_path):
    assert read_srt(write(tmp_path, CLEAN.encode())) == CLEAN_CUES


def test_utf8_with_bom(tmp_path):
    assert read_srt(write(tmp_path, b"\xef\xbb\xbf" + CLEAN.encode())) == CLEAN_CUES


def test_crlf_and_bare_cr(tmp_path):
    assert read_srt(write(tmp_path, CLEAN.replace("\n", "\r\n").encode())) == CLEAN_CUES
    assert read_srt(write(tmp_path, CLEAN.replace("\n", "\r").encode(), "cr.srt")) == CLEAN_CUES
    assert read_srt(write(tmp_path, CLEAN.replace("\n", "\r\r\n").encode(), "crcr.srt")) == CLEAN_CUES


def test_gbk_and_gb18030_are_detected_and_converted(tmp_path):
    assert read_srt(write(tmp_path, CLEAN.encode("gbk"), "gbk.srt")) == CLEAN_CUES
    text = CLEAN.replace("王建华", "王建华㐀")  # 㐀 exists only in GB18030, not GBK
    cues = read_srt(write(tmp_path, text.encode("gb18030"), "gb18030.srt"))
    assert cues[0].lines == ("我叫王建华㐀",)


def test_utf16_with_bom(tmp_path):
    assert read_srt(write(tmp_path, CLEAN.encode("utf-16"))) == CLEAN_CUES


def test_bom_in_the_middle_does_not_swallow_a_cue(tmp_path):
    # A file concatenated from two UTF-8-with-BOM files: bare `srt.parse` merges cue 2 into cue 1.
    data = (
        b"\xef\xbb\xbf" + CLEAN.encode() + b"\n\xef\xbb\xbf3\n00:00:06,000 --> 00:00:07,000\n\xe5\xa5\xbd\n"
    )
    cues = read_srt(write(tmp_path, data))
    assert cues == (*CLEAN_CUES, Cue(6000, 7000, ("好",)))


def test_overlapping_and_inverted_cues_are_read_as_they_are(tmp_path):
    data = (
        "1\n00:00:01,000 --> 00:00:04,000\n甲\n\n2\n00:00:03,000 --> 00:00:05,000\n乙\n\n"
        "3\n00:00:08,000 --> 00:00:06,000\n丙\n"
    ).encode()
    assert read_srt(write(tmp_path, data)) == (
        Cue(1000, 4000, ("甲",)),
        Cue(3000, 5000, ("乙",)),
        Cue(8000, 6000, ("丙",)),
    )


def test_empty_cues_are_kept_not_dropped(tmp_path):
    data = (
        "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\n乙\n"
        "3\n00:00:05,000 --> 00:00:06,000\n"
    ).encode()
    assert read_srt(write(tmp_path, data)) == (
        Cue(1000, 2000, ()),
        Cue(3000, 4000, ("乙",)),
        Cue(5000, 6000, ()),
    )


def test_missing_blank_line_between_cues(tmp_path):
    data = "1\n00:00:01,000 --> 00:00:02,000\n甲\n2\n00:00:03,000 --> 00:00:04,000\n乙\n".encode()
    assert read_srt(write(tmp_path, data)) == (Cue(1000, 2000, ("甲",)), Cue(3000, 4000, ("乙",)))


def test_cues_without_numbers_and_dot_millis(tmp_path):
    data = "00:00:01.000 --> 00:00:02.000\n甲\n\n00:00:03,000 --> 00:00:04,000\n乙\n".encode()
    assert read_srt(write(tmp_path, data)) == (Cue(1000, 2000, ("甲",)), Cue(3000, 4000, ("乙",)))


def test_second_fractions_are_truncated_to_milliseconds(tmp_path):
    data = "1\n00:00:01,0009 --> 00:00:02,5004\n甲\n\n2\n00:00:03,5 --> 00:00:04,25\n乙\n".encode()
    cues = read_srt(write(tmp_path, data))
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 2500), (3500, 4250)]


def test_blank_file_has_no_cues_but_a_0_byte_file_is_refused(tmp_path):
    # a 0-byte file is what a failed copy or export leaves; the machine writes "no cues" as "\n"
    message = refused(write(tmp_path, b""))
    assert message.endswith(
        "in.srt: the file is empty (0 bytes), probably a failed copy or export; export the subtitles again"
    )
    assert read_srt(write(tmp_path, b"\xef\xbb\xbf\r\n\r\n", "blank.srt")) == ()
    assert read_srt(write_srt(tmp_path / "none.srt", ())) == ()


def test_text_after_a_blank_line_is_refused_with_its_line(tmp_path):
    # bare `srt.parse` glues "garbage here" onto cue 1 without a word
    data = "1\n00:00:01,000 --> 00:00:02,000\n甲\n\ngarbage here\n\n2\n00:00:03,000 --> 00:00:04,000\n乙\n".encode()
    message = refused(write(tmp_path, data))
    assert ", line 5: text outside any cue" in message


def test_garbage_before_the_first_cue(tmp_path):
    message = refused(write(tmp_path, "这是一个字幕文件\n1\n00:00:01,000 --> 00:00:02,000\n甲\n".encode()))
    assert ", line 1: text outside any cue" in message


def test_broken_timing_line(tmp_path):
    message = refused(write(tmp_path, "1\n00:00:01,000 -> 00:00:02,000\n甲\n".encode()))
    assert ", line 2: expected a timing line" in message


def test_number_without_timing(tmp_path):
    data = "1\n00:00:01,000 --> 00:00:02,000\n甲\n\n2\n\n3\n00:00:03,000 --> 00:00:04,000\n乙\n".encode()
    assert ", line 5: cue number with no timing line" in refused(write(tmp_path, data))


def test_damaged_utf8_is_refused_not_read_as_gbk(tmp_path):
    data = CLEAN.encode().replace("工作队".encode(), b"\xe5\xb7\xa5\xff\xbd\x9c")
    assert ", line 8: invalid UTF-8 byte" in refused(write(tmp_path, data))


def test_binary_garbage_is_refused(tmp_path):
    message = refused(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert ", line 3: binary data" in message


def test_missing_file(tmp_path):
    assert "not found" in refused(tmp_path / "nope.srt")


def test_srt_text_round_trip(tmp_path):
    assert srt_text(CLEAN_CUES) == CLEAN + "\n"
    path = write_srt(tmp_path / "out.srt", CLEAN_CUES)
    assert read_srt(path) == CLEAN_CUES
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_text_with_an_arrow_survives_srt(tmp_path):
    cues = (Cue(0, 1000, ("a --> b",)),)
    assert read_srt(write_srt(tmp_path / "arrow.srt", cues)) == cues


@pytest.mark.parametrize(
    "bad, problem",
    [
        (Cue(1000, 2000, ()), "has no text"),
        (Cue(1000, 2000, ("  ",)), "has no text"),
        (Cue(2000, 1000, ("甲",)), "ends before it starts"),
        (Cue(2000, 2000, ("甲",)), "ends before it starts"),
    ],
)
def test_writers_refuse_cues_srt_compose_would_drop(tmp_path, bad, problem):
    cues = (CLEAN_CUES[0], bad)
    for writer, name in ((write_srt, "out.srt"), (write_vtt, "out.vtt")):
        with pytest.raises(SubtitleError, match=f"cue 2 .*{problem}"):
            writer(tmp_path / name, cues)
        assert not (tmp_path / name).exists()


def test_vtt_text():
    cues = (Cue(1000, 2500, ("我叫王建华",)), Cue(3_723_004, 3_724_500, ("a --> <b> & c",)))
    assert vtt_text(cues) == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n我叫王建华\n\n"
        "01:02:03.004 --> 01:02:04.500\na --&gt; &lt;b&gt; &amp; c\n\n"
    )
    body = vtt_text(cues).split("\n")
    assert not any("-->" in line for line in body if not line[:1].isdigit())


def test_write_vtt(tmp_path):
    path = write_vtt(tmp_path / "out.vtt", CLEAN_CUES)
    assert path.read_text("utf-8").startswith("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n")
