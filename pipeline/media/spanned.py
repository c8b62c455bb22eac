"""Spanned recordings: one camera take split by the camera into consecutive files, joined again.

AVCHD and XAVC cameras cut a long take at the card's file-size limit into 00001.MTS, 00002.MTS...
(or C0001.MP4, C0002.MP4). Ingested as separate clips, the join shows as a glitch or a gap. Files
are taken to continue one recording only when all three hold:

- *naming*: the same name with a number one higher, in the same folder, same extension;
- *identical stream parameters*: codec, size, pixel aspect, frame rate, pixel format, scan, audio
  codec, rate and channels;
- *continuous timestamps*: MPEG-TS timestamps run on across the files, so the next file starts
  where the previous one ends (within two frames); files whose timestamps restart (MP4) must carry
  start timecodes that continue instead.

The parts are joined without re-encoding (ffmpeg's concat demuxer, stream copy), so the joined clip
lasts exactly the sum of its parts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from pipeline.media.probe import MediaFacts

NUMBERED = re.compile(r"^(?P<prefix>.*?)(?P<number>\d{4,5})$")
SPANNING_SUFFIXES = frozenset({".mts", ".m2ts", ".mp4", ".mxf"})
TS_CONTAINERS = frozenset({"mpegts"})
CONTINUITY_FRAMES = 2


def _numbered(path: Path) -> tuple[str, int] | None:
    match = NUMBERED.match(path.stem)
    if match is None or path.suffix.lower() not in SPANNING_SUFFIXES:
        return None
    return match.group("prefix"), int(match.group("number"))


def stream_signature(facts: MediaFacts) -> tuple:
    v, a = facts.video, facts.audio
    picture = (
        None if v is None else (v.codec, v.width, v.height, v.sar, v.frame_rate, v.pix_fmt, v.interlaced)
    )
    sound = None if a is None else (a.codec, a.sample_rate, a.channels)
    return (facts.container, picture, sound, len(facts.audio_streams))


def _timecode_ms(facts: MediaFacts) -> int | None:
    if not facts.timecode or facts.video is None:
        return None
    parts = facts.timecode.replace(";", ":").split(":")
    try:
        h, m, s, frames = (int(p) for p in parts)
    except ValueError:
        return None
    nominal = round(float(facts.video.fps))
    return round(((h * 60 + m) * 60 + s) * 1000 + Fraction(frames * 1000, max(nominal, 1)))


def continues(first: tuple[Path, MediaFacts], second: tuple[Path, MediaFacts]) -> bool:
    """True when `second` is the next file of the same recording as `first`."""
    (path_a, a), (path_b, b) = first, second
    name_a, name_b = _numbered(path_a), _numbered(path_b)
    if name_a is None or name_b is None or path_a.parent != path_b.parent:
        return False
    if path_a.suffix.lower() != path_b.suffix.lower() or name_a[0] != name_b[0] or name_b[1] != name_a[1] + 1:
        return False
    if stream_signature(a) != stream_signature(b) or a.video is None:
        return False
    slack = CONTINUITY_FRAMES * 1000 / float(a.video.fps)
    if a.container in TS_CONTAINERS:
        return abs(b.start_ms - (a.start_ms + a.duration_ms)) <= slack
    tc_a, tc_b = _timecode_ms(a), _timecode_ms(b)
    return tc_a is not None and tc_b is not None and abs(tc_b - (tc_a + a.duration_ms)) <= slack


def group_spanned(files: Sequence[tuple[Path, MediaFacts]]) -> list[list[int]]:
    """Indexes of `files` grouped into recordings (in file-number order); unrelated files alone."""
    order = sorted(range(len(files)), key=lambda i: (str(files[i][0].parent), files[i][0].name))
    groups: list[list[int]] = []
    for i in order:
        if groups and continues(files[groups[-1][-1]], files[i]):
            groups[-1].append(i)
        else:
            groups.append([i])
    return sorted(groups, key=lambda g: g[0])


def concat_list(paths: Sequence[Path]) -> str:
    """The concat demuxer's list: one `file '...'` line a part, quotes escaped as it documents."""
    lines = []
    for path in paths:
        escaped = str(Path(path).resolve()).replace("'", "'\\''")
        lines.append(f"file '{escaped}'")
    return "\n".join(lines) + "\n"


def join_args(list_file: Path, target: Path, facts: MediaFacts) -> list[str]:
    """ffmpeg arguments that join the listed parts into `target` by stream copy (pure)."""
    args = [
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(list_file),
        "-map",
        "0:v?",
        "-map",
        "0:a?",
        "-c",
        "copy",
    ]
    if facts.container in TS_CONTAINERS:
        args += ["-f", "mpegts"]
    else:
        args += ["-f", "mov" if target.suffix.lower() == ".mov" else "mp4"]
        if facts.timecode:
            args += ["-timecode", facts.timecode]  # the first part's: where the recording starts
    return [*args, str(target)]
