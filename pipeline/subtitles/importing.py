"""`pipeline subs import`: a subtitle file from another tool becomes a clip's producers' file.

Producers and outside captioners work in 剪映, Arctime, Aegisub, Premiere or SubtitleEdit and hand
over SRT, WebVTT or ASS/SSA in whatever encoding their machine used. The file is read once,
knowingly, and written as the project's own UTF-8 SRT (`subtitles/<clip>.srt`), which every
later step reads with the strict reader in `srt_io`.

1. Encoding: the user's `--encoding`, else a byte-order mark, else UTF-8, else the candidates of
   `charset.legacy_candidates` that read as plausible Chinese. None or several: refused, naming
   `--encoding`. With `--encoding` the Chinese characters must still be mostly common ones (a
   Big5 file forced through GB18030 is refused), but other scripts' letters are accepted.
2. Format: pysubs2 recognises SRT, WebVTT, ASS and SSA (anything else is refused) and reads
   the cues; formatting tags are dropped, ASS comment and drawing lines skipped (and counted).
   An SRT file's cues and times are those of `srt_io`'s strict reader (what lint, approve and
   render read later), refused with the line number; pysubs2 then only cleans their text.
3. Cues: each must have text, end after it starts and lie inside the clip (its probed duration);
   else refused with the cue number. Traditional characters become simplified (OpenCC t2s, the
   project's one converter) and the characters converted are reported.
4. Writing: the producers' file is created only when there is none. An existing one (maybe
   approved, maybe edited by hand) is replaced only with `force`: the old file is kept under
   `subtitles/.history/` and its approval record is withdrawn, so the clip must be approved
   again; the machine never changes what a producer approved without being told to.
"""

from __future__ import annotations

import codecs
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import SubtitleError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_bytes, atomic_write_text
from pipeline.project.footage import find_clip
from pipeline.project.model import Project
from pipeline.subtitles.charset import (
    ZERO_WIDTH,
    bom_encoding,
    encoding_label,
    legacy_candidates,
    looks_utf16_or_32,
    plausibility,
)
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import parse_srt_text, srt_text, srt_timestamp
from pipeline.subtitles.store import (
    Approval,
    create_producer_file,
    interview_clip_ids,
    load_approvals,
    producer_path,
    withdraw_approval,
)
from pipeline.subtitles.terms import to_simplified, traditional_chars

FORMATS = {"srt": "SRT", "vtt": "WebVTT", "ass": "ASS", "ssa": "SSA"}
HISTORY_DIR = ".history"  # the review page keeps previous versions there too


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # a label users know: Big5, GB18030/GBK, UTF-8, windows-1250
    detected: bool  # False when the user named it with --encoding


@dataclass(frozen=True, slots=True)
class ImportReport:
    clip_id: str
    source: Path
    target: Path
    format: str  # SRT, WebVTT, ASS, SSA
    encoding: Decoded
    cues: int
    simplified_cues: int  # cues that had traditional characters
    traditional: tuple[str, ...]  # the characters converted, each once
    skipped: int  # ASS comment and drawing lines
    replaced: Path | None = None  # where the previous producers' file was kept
    withdrawn: Approval | None = None  # the approval that covered the replaced file


def import_subtitles(
    project: Project, clip_id: str, source: Path | str, *, encoding: str | None = None, force: bool = False
) -> ImportReport:
    """Check `source` completely, then write it as the producers' file of `clip_id`."""
    source = Path(source)
    interview_clip_ids(project, [clip_id])
    duration_ms = find_clip(project, clip_id).facts.duration_ms
    target = producer_path(project, clip_id)
    approval = load_approvals(project).get(clip_id)
    if target.exists() and not force:
        raise SubtitleError(_exists_message(target, approval))
    data = _read(source)
    decoded = decode_outside(data, str(source), encoding)
    fmt, events, skipped = _parse(decoded.text, str(source))
    cues, traditional, simplified = _checked_cues(events, str(source), duration_ms, clip_id)
    content = srt_text(cues, str(target))
    if parse_srt_text(content, str(target)) != cues:  # what every later step will read
        raise SubtitleError(
            _("{source}: could not be converted to SRT without change; report this file").format(
                source=source
            )
        )

    replaced = withdrawn = None
    if target.exists():
        replaced = _keep_replaced(project, target)
        withdrawn = withdraw_approval(project, clip_id)
        atomic_write_text(target, content)
    else:
        create_producer_file(target, content.encode("utf-8"))
        if approval is not None:  # its file was deleted: the record cannot cover the new content
            withdrawn = withdraw_approval(project, clip_id)
    return ImportReport(
        clip_id,
        source,
        target,
        fmt,
        decoded,
        len(cues),
        simplified,
        traditional,
        skipped,
        replaced,
        withdrawn,
    )


def _exists_message(target: Path, approval: Approval | None) -> str:
    if approval is not None:
        return _(
            "{path}: approved by {by} at {at}; the machine never replaces approved "
            "subtitles: add --force to replace them (the old file is kept under subtitles/.history/ and "
            "the approval withdrawn)"
        ).format(path=target, by=approval.by, at=approval.at)
    return _(
        "{path}: the producers' file already exists (it may hold hand edits); add --force to replace "
        "it (the old file is kept under subtitles/.history/)"
    ).format(path=target)


def _read(source: Path) -> bytes:
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise SubtitleError(
            _("{source}: not found; check the path of the subtitle file").format(source=source)
        ) from None
    except IsADirectoryError:
        raise SubtitleError(
            _("{source}: is a folder; give the subtitle file itself").format(source=source)
        ) from None
    except OSError as exc:
        raise SubtitleError(
            _("{source}: cannot be read ({strerror}); check its permissions").format(
                source=source, strerror=exc.strerror
            )
        ) from None
    if not data:
        raise SubtitleError(
            _(
                "{source}: the file is empty (0 bytes), probably a failed copy or export; export it again"
            ).format(source=source)
        )
    return data


def decode_outside(data: bytes, source: str, encoding: str | None = None) -> Decoded:
    """The text of a file from another tool; refuses rather than guess (see the module docstring)."""
    if encoding is not None:
        return _decode_as(data, source, encoding)
    named = bom_encoding(data) or looks_utf16_or_32(data)
    if named is not None:
        return _decode_as(data, source, named, detected=True)
    try:
        return Decoded(data.decode("utf-8"), "UTF-8", True)
    except UnicodeDecodeError:
        pass
    candidates = legacy_candidates(data)
    plausible = [c for c in candidates if plausibility(c.text).plausible]
    if len(plausible) == 1:
        return Decoded(plausible[0].text, encoding_label(plausible[0].encoding), True)
    if plausible:
        names = " or ".join(f"--encoding {codecs.lookup(c.encoding).name}" for c in plausible[:3])
        raise SubtitleError(
            _(
                "{source}: the encoding is ambiguous: it reads as Chinese in {encodings}; say which with {names}"
            ).format(
                source=source,
                encodings=", ".join(encoding_label(c.encoding) for c in plausible[:3]),
                names=names,
            )
        )
    guesses = ", ".join(f"{encoding_label(c.encoding)} {_sample(c.text)!r}" for c in candidates[:3])
    if guesses:
        raise SubtitleError(
            _(
                "{source}: not UTF-8, and no encoding tried gives plausible Chinese (read as {guesses}); "
                "if you know its encoding, give it with --encoding (for example --encoding big5 or --encoding cp1252)"
            ).format(source=source, guesses=guesses)
        )
    raise SubtitleError(
        _(
            "{source}: not UTF-8, and no encoding tried gives plausible Chinese; if you know its encoding, "
            "give it with --encoding (for example --encoding big5 or --encoding cp1252)"
        ).format(source=source)
    )


def _decode_as(data: bytes, source: str, encoding: str, *, detected: bool = False) -> Decoded:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise SubtitleError(
            _(
                "--encoding {encoding}: unknown encoding; use a name such as utf-8, gb18030, big5, cp1252 or utf-16"
            ).format(encoding=encoding)
        ) from None
    if codec == "utf-8":
        codec = "utf-8-sig"
    label = encoding_label(codec)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        how = "its byte-order mark says" if detected else "--encoding"
        raise SubtitleError(
            _(
                "{source}, line {line}: not valid {label} text (as {how}); check the file or give another --encoding"
            ).format(source=source, line=line, label=label, how=how)
        ) from None
    check = plausibility(text)
    if not check.chinese:
        line = next((n for n, s in enumerate(text.splitlines(), 1) if check.first_odd in s), 1)
        raise SubtitleError(
            _(
                "{source}, line {line}: read as {label}, its Chinese characters are mostly rare ones ({first_odd!r}...), so {label} is probably the wrong encoding; try another --encoding"
            ).format(source=source, line=line, label=label, first_odd=check.first_odd)
        )
    return Decoded(text.lstrip("\ufeff"), label, detected)


def _sample(text: str) -> str:
    odd = [line.strip() for line in text.splitlines() if any(c >= "\x80" for c in line)]
    return (odd[0] if odd else text.strip())[:12]


def _parse(text: str, source: str) -> tuple[str, list[Any], int]:
    """(format label, events, lines skipped) read by pysubs2; SubtitleError for anything else."""
    import pysubs2

    clean = text.translate({ord(c): None for c in ZERO_WIDTH})
    clean = re.sub(r"\r+\n", "\n", clean).replace("\r", "\n")  # pysubs2 does not split on a bare CR
    try:
        fmt = pysubs2.formats.autodetect_format(clean)
    except pysubs2.exceptions.Pysubs2Error:
        fmt = None
    if fmt is None and "-->" in clean:
        # SRT that pysubs2 does not recognise (times without milliseconds, say): the strict
        # reader either reads it, as lint and render will, or says which line is wrong
        parse_srt_text(text, source)
        fmt = "srt"
    if fmt not in FORMATS:
        if fmt:
            raise SubtitleError(
                _(
                    "{source}: not an SRT, WebVTT, ASS or SSA subtitle file (it looks like {format}); "
                    "export SRT from your subtitle tool"
                ).format(source=source, format=fmt)
            )
        raise SubtitleError(
            _(
                "{source}: not an SRT, WebVTT, ASS or SSA subtitle file; export SRT from your subtitle tool"
            ).format(source=source)
        )
    strict = None
    if fmt == "srt":
        # the project's reader decides cues and times (with line numbers when it refuses); pysubs2
        # then reads those cues in canonical form only to turn their formatting tags into plain text
        strict = parse_srt_text(text, source)
        clean = _canonical_srt(strict)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pysubs2 warns about style fields it replaces by defaults
            subs = pysubs2.SSAFile.from_string(clean, format_=fmt)
    except Exception as exc:  # noqa: BLE001 - pysubs2 raises plain ValueError, KeyError... on bad files
        raise SubtitleError(
            _(
                "{source}: cannot be read as {format} ({kind}: {exc}); check it in your subtitle tool and export it again"
            ).format(source=source, format=FORMATS[fmt], kind=type(exc).__name__, exc=exc)
        ) from None
    events = [e for e in subs if not e.is_comment and not e.is_drawing]
    if strict is not None and [(e.start, e.end) for e in events] != [(c.start_ms, c.end_ms) for c in strict]:
        raise SubtitleError(
            _("{source}: its cues could not be read reliably; export it again as SRT").format(source=source)
        )
    return FORMATS[fmt], events, len(subs) - len(events)


def _canonical_srt(cues: tuple[Cue, ...]) -> str:
    """The cues as plain SRT with 00:00:00,000 times, text lines as they were (tags included)."""
    blocks = (
        f"{n}\n{srt_timestamp(c.start_ms)} --> {srt_timestamp(c.end_ms)}\n"
        + "".join(f"{line}\n" for line in c.lines)
        for n, c in enumerate(cues, 1)
    )
    return "\n".join(blocks)


def _checked_cues(
    events: list[Any], source: str, duration_ms: int, clip_id: str
) -> tuple[tuple[Cue, ...], tuple[str, ...], int]:
    """Cues in simplified script, each checked; (cues, traditional characters, cues converted)."""
    cues = []
    traditional: dict[str, None] = {}
    simplified = 0
    for number, event in enumerate(events, 1):
        lines = tuple(line.strip() for line in event.plaintext.split("\n") if line.strip())
        at = srt_timestamp(max(event.start, 0))
        if not lines:
            raise SubtitleError(
                _("{source}: cue {number} at {at} has no text; delete it in your subtitle tool").format(
                    source=source, number=number, at=at
                )
            )
        if event.start < 0:
            raise SubtitleError(
                _("{source}: cue {number} starts before 0; fix its timing").format(
                    source=source, number=number
                )
            )
        if event.end <= event.start:
            raise SubtitleError(
                _("{source}: cue {number} at {at} ends before it starts ({end}); fix its timing").format(
                    source=source, number=number, at=at, end=srt_timestamp(max(event.end, 0))
                )
            )
        if event.end > duration_ms:
            raise SubtitleError(
                _(
                    "{source}: cue {number} ends at {end}, after the end of clip {clip_id} ({length}); is this the right clip? Fix its timing or choose --clip"
                ).format(
                    source=source,
                    number=number,
                    end=srt_timestamp(event.end),
                    clip_id=clip_id,
                    length=srt_timestamp(duration_ms),
                )
            )
        converted = tuple(to_simplified(line) for line in lines)
        if converted != lines:
            simplified += 1
            for line in lines:
                traditional.update(dict.fromkeys(traditional_chars(line)))
        cues.append(Cue(event.start, event.end, converted))
    if not cues:
        raise SubtitleError(_("{source}: has no cues; export the subtitles again").format(source=source))
    return tuple(cues), tuple(traditional), simplified


def _keep_replaced(project: Project, target: Path) -> Path:
    """A copy of the producers' file about to be replaced, where the review page keeps old versions."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    kept = target.parent / HISTORY_DIR / f"{target.stem}.{stamp}{target.suffix}"
    atomic_write_bytes(kept, target.read_bytes())
    return kept
