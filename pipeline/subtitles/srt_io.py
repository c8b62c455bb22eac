"""SRT and WebVTT in and out: the one reader behind lint, approve, review and render.

Files come back from producers' Windows tools, so the reader is tolerant where peers (the `srt`
and `pysubs2` libraries, SubtitleEdit) are tolerant and the meaning is certain, and strict where
a guess could put wrong text or wrong times on screen. Every refusal is a `SubtitleError` naming
the file and the line; no library exception gets out.

Tolerated (the meaning is certain):
- UTF-8 with or without BOM; UTF-16 and UTF-32 with a BOM; CRLF, CR or CR CR LF line ends;
- zero-width spaces (U+200B, U+2060) and BOMs (U+FEFF) anywhere: removed (a BOM in the middle of
  a file makes bare `srt` swallow the next cue; U+200B before `-->` comes from copy and paste);
- cues without numbers, a number glued to the previous cue's text, spaces around lines;
- a line of spaces inside a cue's text (dropped), a text line that is a number (" 2");
- `.` or Chinese full-width marks before the milliseconds, 1 or 2 digit hours, minutes and
  seconds, 1 to 6 digits of a second's fraction (truncated to milliseconds), anything after the
  end time (SubRip position tags `X1:63 ...`);
- GBK/GB18030 without a BOM, but only when the text is plausible Chinese (see `charset`).

Refused (a guess could be wrong):
- a 0-byte file (a failed copy or export; the machine writes a cue-less file as one newline);
- any other encoding, including Big5 and windows-125x that happen to decode as GB18030, and
  UTF-16/32 without a BOM: `pipeline subs import --encoding` converts them once, knowingly;
- a time without hours (`07:03,920`: `srt` reads it as 7 h 3 min 920 s), minutes or seconds of
  60 or more, hours above 99, more than 6 digits of fraction, a negative time;
- text outside any cue, a cue number with no timing line, an arrow that is not `-->`.

Read as they are, for `subtitles.qc.lint` to report with the cue number (lint errors stop
`approve`): empty, inverted and overlapping cues. `pipeline subs import` refuses them outright.

Writing: `srt.compose` drops empty or inverted cues without a word, so cues are validated first
and such cues are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

from pipeline.errors import SubtitleError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_text
from pipeline.subtitles.charset import ZERO_WIDTH, bom_encoding, looks_utf16_or_32, plausibility
from pipeline.subtitles.cue import Cue

# A timing line as peers recognise one: two time-like words around an arrow (`-->`, `- >`,
# `-- >`), anything after. The times are then checked strictly by `_timestamp`.
_TIMING = re.compile(r"^([0-9:：,.，．。]*[0-9])\s*-[ -]\s*>\s*([0-9][0-9:：,.，．。]*)(?:\s.*)?$")
_TIME = re.compile(r"^(\d+)[:：](\d+)[:：](\d+)(?:[,.:，．。：](\d*))?$")
_NO_HOURS = re.compile(r"^\d+[:：]\d+[,.，．。]\d+$")
_INDEX = re.compile(r"^-?[0-9]+\.?$")  # as `srt` reads cue numbers
_MAX_HOURS = 99
_MAX_FRACTION_DIGITS = 6
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")


# ---- reading ----------------------------------------------------------------------------------


def read_srt(path: Path | str) -> tuple[Cue, ...]:
    """Read an SRT file into cues (file order kept); SubtitleError names the file and line when refused."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SubtitleError(
            _("{path}: not found; check the clip id or run `pipeline transcribe` first").format(path=path)
        ) from None
    except OSError as exc:
        raise SubtitleError(
            _("{path}: cannot be read ({strerror}); check the file's permissions").format(
                path=path, strerror=exc.strerror
            )
        ) from None
    return parse_srt_bytes(data, str(path))


def parse_srt_bytes(data: bytes, source: str = "<srt>") -> tuple[Cue, ...]:
    """Decode and parse SRT file content; `source` names it in error messages."""
    return parse_srt_text(decode_subtitle_bytes(data, source), source)


def decode_subtitle_bytes(data: bytes, source: str) -> str:
    """The text of a subtitle file: UTF-8 (BOM or not), UTF-16/32 with a BOM, or plausible GBK/GB18030."""
    if not data:
        raise SubtitleError(
            _(
                "{source}: the file is empty (0 bytes), probably a failed copy or export; export the subtitles again"
            ).format(source=source)
        )
    encoding = bom_encoding(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SubtitleError(
                _("{source}, line {line}: broken {encoding} text; save the file as UTF-8").format(
                    source=source, line=line, encoding=encoding.upper()
                )
            ) from None
    else:
        wide = looks_utf16_or_32(data)
        if wide is not None:
            raise SubtitleError(
                _(
                    "{source}: {encoding} text without a byte-order mark; bring it in with `pipeline subs import DIR --clip ID {source} --encoding {wide}`"
                ).format(source=source, encoding=wide.upper(), wide=wide)
            )
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise SubtitleError(
                _(
                    "{source}, line {line}: binary data, not subtitle text; is this really an SRT file?"
                ).format(source=source, line=line)
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = _decode_gb18030(data, exc, source)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SubtitleError(
            _("{source}, line {line}: binary data, not subtitle text; is this really an SRT file?").format(
                source=source, line=line
            )
        )
    return text


def _decode_gb18030(data: bytes, utf8_error: UnicodeDecodeError, source: str) -> str:
    line = data[: utf8_error.start].count(b"\n") + 1
    if any(b >= 0x80 for b in data[: utf8_error.start]):
        # Valid UTF-8 Chinese before the bad byte: a damaged UTF-8 file, not a GBK one. Decoding it
        # as GB18030 would turn every character into nonsense without an error.
        raise SubtitleError(
            _("{source}, line {line}: invalid UTF-8 byte in a UTF-8 file; fix or re-save that line").format(
                source=source, line=line
            )
        )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SubtitleError(
            _(
                "{source}, line {line}: neither UTF-8 nor GBK/GB18030 text; bring it in with `pipeline subs import DIR --clip ID {source} --encoding ENCODING` (Big5, windows-1252...)"
            ).format(source=source, line=line)
        ) from None
    check = plausibility(text)
    if not check.plausible:
        odd = check.first_odd
        line = next((n for n, s in enumerate(text.split("\n"), 1) if odd and odd in s), 1)
        raise SubtitleError(
            _(
                "{source}, line {line}: not UTF-8, and read as GBK/GB18030 it is not plausible Chinese ({odd!r} and other rare characters); it is probably Big5 or a Windows code page: bring it in with `pipeline subs import DIR --clip ID {source} --encoding ENCODING`"
            ).format(source=source, line=line, odd=odd)
        )
    return text


@dataclass(frozen=True, slots=True)
class _Block:
    """One cue as found by the structural check: where it is and its lines."""

    timing_line: int
    timing: re.Match[str]
    text_lines: tuple[str, ...]


def parse_srt_text(text: str, source: str = "<srt>") -> tuple[Cue, ...]:
    """Parse decoded SRT text into cues; refuses garbage with the line number.

    The file's shape is checked line by line (that gives line numbers and catches text that
    `srt` would silently glue onto the previous cue); then each timing line is read strictly.
    """
    text = _ZERO_WIDTH.sub("", text)
    text = re.sub(r"\r+\n", "\n", text).replace("\r", "\n")
    blocks = _structure(text.split("\n"), source)
    return tuple(_parse_block(block, number, source) for number, block in enumerate(blocks, 1))


def _parse_block(block: _Block, number: int, source: str) -> Cue:
    where = _("{source}, line {line}").format(source=source, line=block.timing_line)
    start, end = (_timestamp(block.timing.group(i), number, where) for i in (1, 2))
    lines = tuple(line.strip() for line in block.text_lines if line.strip())
    return Cue(start, end, lines)


def _timestamp(value: str, number: int, where: str) -> int:
    """Milliseconds of an SRT time, or SubtitleError saying what is wrong with it."""
    match = _TIME.match(value)
    if match is None:
        if _NO_HOURS.match(value):
            raise SubtitleError(
                _("{where}: cue {number}: time {value} has no hours field; write it as 00:{value}").format(
                    where=where, number=number, value=value
                )
            )
        raise SubtitleError(
            _("{where}: cue {number}: {value!r} is not a time like 00:01:02,345; fix its timing line").format(
                where=where, number=number, value=value
            )
        )
    hours, minutes, seconds, fraction = match.groups()
    fraction = fraction or ""
    if len(fraction) > _MAX_FRACTION_DIGITS:
        raise SubtitleError(
            _(
                "{where}: cue {number}: time {value}... has {n} digits after the seconds; write milliseconds as 3 digits"
            ).format(where=where, number=number, value=value[:20], n=len(fraction))
        )
    if len(hours) > 3 or int(hours) > _MAX_HOURS or len(minutes) > 2 or len(seconds) > 2:
        raise SubtitleError(
            _("{where}: cue {number}: time {value} is out of range; write it as HH:MM:SS,mmm").format(
                where=where, number=number, value=value[:30]
            )
        )
    if int(minutes) >= 60 or int(seconds) >= 60:
        raise SubtitleError(
            _(
                "{where}: cue {number}: time {value} has minutes or seconds of 60 or more; write it as HH:MM:SS,mmm"
            ).format(where=where, number=number, value=value)
        )
    millis = int((fraction + "000")[:3])
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def _structure(lines: list[str], source: str) -> list[_Block]:
    """Check the SRT shape line by line: [number] / timing / text lines / blank line."""
    blocks: list[_Block] = []
    pending_index = 0  # line number of a cue number waiting for its timing line
    current: list[str] | None = None  # text lines of the cue being read, None between cues
    timing: tuple[int, re.Match[str]] | None = None

    def close() -> None:
        if timing is not None and current is not None:
            blocks.append(_Block(timing[0], timing[1], tuple(current)))

    # index of the first non-blank line at or after each index (len(lines) when none): one pass
    following = [len(lines)] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        following[index] = index if lines[index].strip() else following[index + 1]

    def cue_starts_after(number: int) -> bool:
        """Whether the next non-blank line after line `number` starts a cue (or the file ends)."""
        first = following[number]
        if first == len(lines):
            return True
        second = following[first + 1]
        return bool(
            _TIMING.match(lines[first].strip())
            or (
                _INDEX.match(lines[first].strip())
                and second < len(lines)
                and _TIMING.match(lines[second].strip())
            )
        )

    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        match = _TIMING.match(line)
        if match:
            if current is not None and current and _INDEX.match(current[-1].strip()):
                current.pop()  # a cue number right after text, with no blank line: srt reads it as one too
            close()
            timing, current, pending_index = (number, match), [], 0
        elif not line and raw and current and not cue_starts_after(number):
            continue  # a line of spaces inside a cue's text: peers keep the cue whole
        elif not line:
            if pending_index:
                raise SubtitleError(
                    _(
                        "{source}, line {pending_index}: cue number with no timing line after it; add the timing (00:00:01,000 --> 00:00:02,500) or delete the number"
                    ).format(source=source, pending_index=pending_index)
                )
            if current is not None:
                close()
                current, timing = None, None
        elif current is not None:
            current.append(raw.rstrip())
        elif pending_index:
            raise SubtitleError(
                _(
                    "{source}, line {number}: expected a timing line like 00:00:01,000 --> 00:00:02,500 after cue number {cue}; fix the timing"
                ).format(source=source, number=number, cue=lines[pending_index - 1].strip())
            )
        elif _INDEX.match(line):
            pending_index = number
        else:
            raise SubtitleError(
                _(
                    "{source}, line {number}: text outside any cue ({line!r}); a blank line inside a cue or a missing timing line: join it to the cue above or add its timing"
                ).format(source=source, number=number, line=line[:20])
            )
    if pending_index:
        raise SubtitleError(
            _(
                "{source}, line {pending_index}: cue number with no timing line after it; add the timing or delete the number"
            ).format(source=source, pending_index=pending_index)
        )
    close()
    return blocks


# ---- writing ----------------------------------------------------------------------------------


def srt_text(cues: Iterable[Cue], where: str = "subtitles") -> str:
    """SRT file content for `cues`, numbered from 1 in the given order."""
    cues = _writable(cues, where)
    if not cues:
        return "\n"  # a deliberate "no cues", unlike a 0-byte file, which the reader refuses
    subs = [
        srt.Subtitle(
            index=i,
            start=timedelta(milliseconds=c.start_ms),
            end=timedelta(milliseconds=c.end_ms),
            content="\n".join(_clean_lines(c)),
        )
        for i, c in enumerate(cues, 1)
    ]
    return str(srt.compose(subs, reindex=False))


def vtt_text(cues: Iterable[Cue], where: str = "subtitles") -> str:
    """WebVTT file content: header, `.` before milliseconds, text escaped (so no `-->` in it)."""
    parts = ["WEBVTT", ""]
    for cue in _writable(cues, where):
        parts.append(f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}")
        parts.extend(_vtt_escape(line) for line in _clean_lines(cue))
        parts.append("")
    return "\n".join(parts) + "\n"


def write_srt(path: Path | str, cues: Iterable[Cue]) -> Path:
    """Write an SRT file (UTF-8, no BOM) atomically; refuses empty or inverted cues."""
    path = Path(path)
    atomic_write_text(path, srt_text(cues, str(path)))
    return path


def write_vtt(path: Path | str, cues: Iterable[Cue]) -> Path:
    """Write a WebVTT file atomically; refuses empty or inverted cues."""
    path = Path(path)
    atomic_write_text(path, vtt_text(cues, str(path)))
    return path


def _clean_lines(cue: Cue) -> list[str]:
    return [line.strip() for line in cue.lines if line.strip()]


def _writable(cues: Iterable[Cue], where: str) -> tuple[Cue, ...]:
    cues = tuple(cues)
    for number, cue in enumerate(cues, 1):
        at = srt.timedelta_to_srt_timestamp(timedelta(milliseconds=max(cue.start_ms, 0)))
        if not _clean_lines(cue):
            raise SubtitleError(
                _(
                    "{where}: cannot write cue {number} at {at}: it has no text; remove the cue or give it text"
                ).format(where=where, number=number, at=at)
            )
        if cue.start_ms < 0:
            raise SubtitleError(
                _("{where}: cannot write cue {number}: it starts before 0; fix its timing").format(
                    where=where, number=number
                )
            )
        if cue.end_ms <= cue.start_ms:
            raise SubtitleError(
                _(
                    "{where}: cannot write cue {number} at {at}: it ends before it starts; fix its timing"
                ).format(where=where, number=number, at=at)
            )
    return cues


def _vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _vtt_escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def srt_timestamp(ms: int) -> str:
    """00:01:02,345, for messages and tables."""
    return str(srt.timedelta_to_srt_timestamp(timedelta(milliseconds=ms)))
