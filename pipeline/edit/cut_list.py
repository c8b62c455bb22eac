"""The cut list `cut.md`: which sentences, in which order, with which B-roll. Human-editable Markdown.

    - [x] int-001 00:01.20-00:04.80 我叫王建华，是邹城市一名驻村工作队的队员。
        broll broll-001 00:00.00-00:04.00
    - [ ] int-001 00:05.10-00:05.60 嗯。 <!-- filler -->

`parse_cut_list` and `format_cut_list` are pure and inverse to each other (`header()` documents the
format inside the file itself); `read_cut_list` and `write_cut_list` are the file edges.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.edit.clock import format_clock, parse_clock
from pipeline.errors import EditError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_text
from pipeline.project.model import Project


def header() -> str:
    """The guide at the top of cut.md, in the interface language of the run that writes the file."""
    guide = _(
        """\
cut.md: the cut list of this episode. `pipeline render` plays the ticked sentences from top to bottom.

  - [x] int-001 00:01.20-00:04.80 我叫王建华……
        ^tick  ^clip   ^in      ^out    ^what is said (from the transcript)

You may: untick [ ] a sentence to leave it out, tick [x] one to keep it; move lines to reorder;
change the in/out times (mm:ss.cc in the clip's own time) to trim; delete lines.
B-roll: an indented line under a sentence shows picture from a B-roll clip while its narration
continues:
      broll broll-001 00:03.00-00:07.00          (clip, in-out in the B-roll clip's own time)
      broll broll-002 00:00.00-00:02.50 @00:01.00   (@: start 1 s after the sentence starts)
A mark covers its sentence from the sentence's start (or from @), for the mark's own length; a mark
longer than its sentence is cut at the sentence's end, a shorter one hands back to the interview
picture. Several marks under one sentence follow each other. For B-roll over two sentences, mark both.
Rerunning `pipeline cut` keeps your ticks, order, times and B-roll marks; it refreshes the text from
the transcript and adds new sentences unticked. A note at the end of a line (an HTML comment) says
why the machine left it out. This header and the notes are rewritten; other comments are not kept."""
    )
    return f"<!--\n{guide}\n-->"


BULLET_RE = re.compile(r"^[-*+]\s*\[(?P<tick>[^\]]?)\]\s*(?P<rest>.*)$")
NOTE_RE = re.compile(r"\s*<!--(?P<note>.*?)-->\s*$")
BROLL_RE = re.compile(r"^broll\s+(?P<clip>\S+)\s+(?P<span>\S+)(?:\s+@(?P<at>\S+))?$")
SPAN_SEPARATORS = ("-", "–", "~")
Fail = Callable[[int, str], EditError]  # (line number, problem) -> the error naming cut.md and the line


@dataclass(frozen=True, slots=True)
class BrollMark:
    """Picture from a B-roll clip over a sentence, whose narration audio continues."""

    clip_id: str
    in_ms: int  # in the B-roll clip's own time
    out_ms: int
    at_ms: int | None = None  # offset from the sentence's start; None: after the previous mark
    line: int = field(default=0, compare=False)  # where it stood in cut.md, for messages

    @property
    def duration_ms(self) -> int:
        return self.out_ms - self.in_ms


@dataclass(frozen=True, slots=True)
class CutEntry:
    """One sentence line of the cut list."""

    clip_id: str
    in_ms: int  # source time of the interview clip
    out_ms: int
    text: str
    keep: bool = True
    broll: tuple[BrollMark, ...] = ()
    note: str = ""  # the machine's reason for leaving a sentence out (filler, false start, ...)
    line: int = field(default=0, compare=False)

    @property
    def duration_ms(self) -> int:
        return self.out_ms - self.in_ms


@dataclass(frozen=True, slots=True)
class CutList:
    entries: tuple[CutEntry, ...] = ()

    @property
    def kept(self) -> tuple[CutEntry, ...]:
        return tuple(e for e in self.entries if e.keep)

    @property
    def kept_ms(self) -> int:
        return sum(e.duration_ms for e in self.kept)


def format_cut_list(cut: CutList, *, title: str = "", summary: tuple[str, ...] = ()) -> str:
    lines = [header()]
    if title:
        lines += ["", f"# {_one_line(title)}"]
    if summary:
        lines += ["", "<!--", *(f"{_one_line(s)}" for s in summary), "-->"]
    lines.append("")
    for entry in cut.entries:
        tick = "x" if entry.keep else " "
        text = f" {_one_line(entry.text)}" if entry.text.strip() else ""
        note = f" <!-- {_one_line(entry.note)} -->" if entry.note else ""
        lines.append(f"- [{tick}] {entry.clip_id} {_span(entry.in_ms, entry.out_ms)}{text}{note}")
        for mark in entry.broll:
            at = f" @{format_clock(mark.at_ms)}" if mark.at_ms is not None else ""
            lines.append(f"    broll {mark.clip_id} {_span(mark.in_ms, mark.out_ms)}{at}")
    return "\n".join(lines) + "\n"


def _span(in_ms: int, out_ms: int) -> str:
    return f"{format_clock(in_ms)}-{format_clock(out_ms)}"


def _one_line(text: str) -> str:
    # a newline or a comment opener inside the text would change how the line reads back
    return " ".join(text.split()).replace("<!--", "<! --").replace("-->", "-- >")


def parse_cut_list(text: str, source: Path | str = "cut.md") -> CutList:
    """Read cut.md text; EditError names the file, the line and what is wrong."""
    entries: list[CutEntry] = []
    marks: list[BrollMark] = []
    comment_from = 0

    def fail(number: int, problem: str) -> EditError:
        return EditError(
            _("{source} line {number}: {problem}").format(source=source, number=number, problem=problem)
        )

    def close_entry() -> None:
        if entries and marks:
            last = entries[-1]
            entries[-1] = CutEntry(
                last.clip_id,
                last.in_ms,
                last.out_ms,
                last.text,
                last.keep,
                tuple(marks),
                last.note,
                last.line,
            )
        marks.clear()

    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = raw.rstrip()
        stripped = line.strip()
        if comment_from:
            if "-->" in line:
                comment_from = 0
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("<!--"):
            if "-->" not in stripped[4:]:
                comment_from = number
            continue
        if line[0].isspace():
            if not stripped.startswith("broll"):
                raise fail(
                    number,
                    _(
                        "cannot read {stripped!r}; an indented line must be a B-roll mark like `    broll broll-001 00:00.00-00:04.00`"
                    ).format(stripped=stripped),
                )
            if not entries:
                raise fail(number, _("a B-roll mark must sit under a sentence line; move it below one"))
            marks.append(_parse_broll(stripped, number, fail))
            continue
        if stripped.startswith("broll"):
            raise fail(number, _("indent the B-roll mark under its sentence: `    broll CLIP IN-OUT`"))
        bullet = BULLET_RE.match(stripped)
        if not bullet:
            raise fail(
                number,
                _(
                    "cannot read {stripped!r}; sentence lines look like `- [x] int-001 00:01.20-00:04.80 text`"
                ).format(stripped=_short(stripped)),
            )
        close_entry()
        entries.append(_parse_entry(bullet, number, fail))
    if comment_from:
        raise fail(comment_from, _("the comment opened here with <!-- is never closed; add -->"))
    close_entry()
    return CutList(tuple(entries))


def _parse_entry(bullet: re.Match[str], number: int, fail: Fail) -> CutEntry:
    tick = bullet["tick"]
    if tick not in (" ", "", "x", "X"):
        raise fail(number, _("the tick box [{tick}] must be [x] (keep) or [ ] (leave out)").format(tick=tick))
    rest = bullet["rest"]
    note = ""
    note_match = NOTE_RE.search(rest)
    if note_match:
        note = note_match["note"].strip()
        rest = rest[: note_match.start()]
    parts = rest.split(maxsplit=2)
    if len(parts) < 2:
        raise fail(
            number, _("expected a clip id and IN-OUT after the tick box, like `int-001 00:01.20-00:04.80`")
        )
    clip_id, span = parts[0], parts[1]
    in_ms, out_ms = _parse_span(span, number, fail)
    return CutEntry(
        clip_id=clip_id,
        in_ms=in_ms,
        out_ms=out_ms,
        text=parts[2].strip() if len(parts) > 2 else "",
        keep=tick in ("x", "X"),
        note=note,
        line=number,
    )


def _parse_broll(stripped: str, number: int, fail: Fail) -> BrollMark:
    match = BROLL_RE.match(stripped)
    if not match:
        raise fail(
            number,
            _(
                "cannot read the B-roll mark {stripped!r}; write it like `    broll broll-001 00:00.00-00:04.00` (optionally ` @00:01.00`)"
            ).format(stripped=stripped),
        )
    in_ms, out_ms = _parse_span(match["span"], number, fail)
    at_ms = None
    if match["at"] is not None:
        at_ms = parse_clock(match["at"])
        if at_ms is None:
            raise fail(
                number,
                _("cannot read the start offset @{at}; write it like @00:01.50").format(at=match["at"]),
            )
    return BrollMark(clip_id=match["clip"], in_ms=in_ms, out_ms=out_ms, at_ms=at_ms, line=number)


def _parse_span(span: str, number: int, fail: Fail) -> tuple[int, int]:
    for separator in SPAN_SEPARATORS:
        if span.count(separator) == 1:
            first, second = span.split(separator)
            break
    else:
        raise fail(
            number,
            _("cannot read the time span {span!r}; write it as IN-OUT like 00:01.20-00:04.80").format(
                span=span
            ),
        )
    in_ms, out_ms = parse_clock(first), parse_clock(second)
    for raw, value in ((first, in_ms), (second, out_ms)):
        if value is None:
            raise fail(
                number,
                _("cannot read the time {raw!r}; write minutes:seconds.hundredths like 00:04.80").format(
                    raw=raw
                ),
            )
    assert in_ms is not None and out_ms is not None  # the loop above raised otherwise
    if out_ms <= in_ms:
        raise fail(
            number,
            _("the span ends ({second}) before it starts ({first}); swap or fix the times").format(
                second=second, first=first
            ),
        )
    return in_ms, out_ms


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_cut_list(project: Project) -> CutList | None:
    """The project's cut list, or None when `pipeline cut` has not written one yet."""
    path = project.cut_list
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError(
            _("{path}: is not UTF-8 text; save it as UTF-8 (your editor's encoding menu)").format(path=path)
        ) from None
    return parse_cut_list(text, path)


def write_cut_list(project: Project, cut: CutList, *, title: str = "", summary: tuple[str, ...] = ()) -> Path:
    atomic_write_text(project.cut_list, format_cut_list(cut, title=title, summary=summary))
    return project.cut_list
