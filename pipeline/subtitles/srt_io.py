"""SRT and WebVTT in and out, for the files producers hand back from Windows tools.

Reading: UTF-8 (BOM tolerated), UTF-16 with BOM, or GBK/GB18030; CRLF or CR line ends; every
U+FEFF removed (a BOM in the middle of a file makes the `srt` library swallow the next cue). The
file's structure is checked line by line before `srt` parses it, so a file is either read
completely or refused with its path and the line number: nothing is silently merged or dropped.
Empty, inverted and overlapping cues are read as they are, for `subtitles.qc.lint` to report.

Writing: `srt.compose` drops empty or inverted cues without a word, so cues are validated first
and such cues are refused.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

from pipeline.errors import SubtitleError
from pipeline.project.files import atomic_write_text
from pipeline.subtitles.cue import Cue

_TIMING = re.compile(rf"^({srt.RGX_TIMESTAMP}) *-[ -] *> *({srt.RGX_TIMESTAMP})(?:\s.*)?$")
_INDEX = re.compile(rf"^{srt.RGX_INDEX}$")
# The last field of a timestamp is a fraction of a second: srt reads ",5" as 5 ms and ",0009" as
# 9 ms; we read them as 500 ms and 0 ms (truncated to whole milliseconds).
_FRACTION = re.compile(r"(\d+[,.:，．。：]\d+[,.:，．。：]\d+[,.:，．。：])(\d+)")
_ONE_MS = timedelta(milliseconds=1)


# ---- reading ----------------------------------------------------------------------------------


def read_srt(path: Path | str) -> tuple[Cue, ...]:
    """Read an SRT file into cues (file order kept); SubtitleError names the file and line when refused."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SubtitleError(
            f"{path}: not found; check the clip id or run `pipeline transcribe` first"
        ) from None
    except OSError as exc:
        raise SubtitleError(
            f"{path}: cannot be read ({exc.strerror}); check the file's permissions"
        ) from None
    return parse_srt_bytes(data, str(path))


def parse_srt_bytes(data: bytes, source: str = "<srt>") -> tuple[Cue, ...]:
    """Decode and parse SRT file content; `source` names it in error messages."""
    return parse_srt_text(decode_subtitle_bytes(data, source), source)


def decode_subtitle_bytes(data: bytes, source: str) -> str:
    """The text of a subtitle file: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SubtitleError(f"{source}: broken UTF-16 text; save the file as UTF-8") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = _decode_gb18030(data, exc, source)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SubtitleError(
            f"{source}, line {line}: binary data, not subtitle text; is this really an SRT file?"
        )
    return text


def _decode_gb18030(data: bytes, utf8_error: UnicodeDecodeError, source: str) -> str:
    line = data[: utf8_error.start].count(b"\n") + 1
    if any(b >= 0x80 for b in data[: utf8_error.start]):
        # Valid UTF-8 Chinese before the bad byte: a damaged UTF-8 file, not a GBK one. Decoding it
        # as GB18030 would turn every character into nonsense without an error.
        raise SubtitleError(
            f"{source}, line {line}: invalid UTF-8 byte in a UTF-8 file; fix or re-save that line"
        )
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SubtitleError(
            f"{source}, line {line}: neither UTF-8 nor GBK/GB18030 text; save the file as UTF-8"
        ) from None


@dataclass(frozen=True, slots=True)
class _Block:
    """One cue as found by the structural check: where it is and its lines."""

    timing_line: int
    timing: str
    text_lines: tuple[str, ...]


def parse_srt_text(text: str, source: str = "<srt>") -> tuple[Cue, ...]:
    """Parse decoded SRT text into cues; refuses garbage with the line number.

    The file's shape is checked line by line first (that gives line numbers and catches text
    that `srt` would silently glue onto the previous cue); then `srt` parses each cue.
    """
    text = text.replace("\ufeff", "")
    text = re.sub(r"\r+\n", "\n", text).replace("\r", "\n")
    blocks = _structure(text.split("\n"), source)
    return tuple(_parse_block(block, number, source) for number, block in enumerate(blocks, 1))


def _parse_block(block: _Block, number: int, source: str) -> Cue:
    where = f"{source}, line {block.timing_line}"
    try:
        timing = _FRACTION.sub(lambda m: m.group(1) + (m.group(2) + "00")[:3], block.timing)
        parsed = list(srt.parse("\n".join((timing, *block.text_lines)) + "\n"))
    except (srt.SRTParseError, srt.TimestampParseError, ValueError) as exc:
        raise SubtitleError(f"{where}: cue {number} is not valid SRT ({exc}); fix its timing line") from None
    lines = tuple(line.strip() for line in block.text_lines if line.strip())
    if len(parsed) != 1 or tuple(s.strip() for s in parsed[0].content.split("\n") if s.strip()) != lines:
        raise SubtitleError(f"{where}: cue {number} could not be read reliably; check its timing and text")
    return Cue(_ms(parsed[0].start), _ms(parsed[0].end), lines)


def _structure(lines: list[str], source: str) -> list[_Block]:
    """Check the SRT shape line by line: [number] / timing / text lines / blank line."""
    blocks: list[_Block] = []
    pending_index = 0  # line number of a cue number waiting for its timing line
    current: list[str] | None = None  # text lines of the cue being read, None between cues
    timing = None

    def close() -> None:
        if timing is not None and current is not None:
            blocks.append(_Block(timing[0], timing[1], tuple(current)))

    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        match = _TIMING.match(line)
        if match:
            if current is not None and current and _INDEX.match(current[-1]):
                current.pop()  # a cue number right after text, with no blank line: srt reads it as one too
            close()
            timing, current, pending_index = (number, line), [], 0
        elif not line:
            if pending_index:
                raise SubtitleError(
                    f"{source}, line {pending_index}: cue number with no timing line after it; "
                    "add the timing (00:00:01,000 --> 00:00:02,500) or delete the number"
                )
            if current is not None:
                close()
                current, timing = None, None
        elif current is not None:
            current.append(raw.rstrip())
        elif pending_index:
            raise SubtitleError(
                f"{source}, line {number}: expected a timing line like 00:00:01,000 --> 00:00:02,500 "
                f"after cue number {lines[pending_index - 1].strip()}; fix the timing"
            )
        elif _INDEX.match(line):
            pending_index = number
        else:
            raise SubtitleError(
                f"{source}, line {number}: text outside any cue ({line[:20]!r}); a blank line inside "
                "a cue or a missing timing line: join it to the cue above or add its timing"
            )
    if pending_index:
        raise SubtitleError(
            f"{source}, line {pending_index}: cue number with no timing line after it; "
            "add the timing or delete the number"
        )
    close()
    return blocks


def _ms(value: timedelta) -> int:
    return value // _ONE_MS  # truncated to whole milliseconds


# ---- writing ----------------------------------------------------------------------------------


def srt_text(cues: Iterable[Cue], where: str = "subtitles") -> str:
    """SRT file content for `cues`, numbered from 1 in the given order."""
    cues = _writable(cues, where)
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
                f"{where}: cannot write cue {number} at {at}: it has no text; remove the cue or give it text"
            )
        if cue.start_ms < 0:
            raise SubtitleError(f"{where}: cannot write cue {number}: it starts before 0; fix its timing")
        if cue.end_ms <= cue.start_ms:
            raise SubtitleError(
                f"{where}: cannot write cue {number} at {at}: it ends before it starts; fix its timing"
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
