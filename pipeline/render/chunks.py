"""Chunks: the programme picture cut into pieces that are encoded, cached and joined on their own.

An editor changes one sentence and renders again; only the picture around that sentence changed.
The render therefore splits the programme picture at cut points into chunks of ~10 s, encodes each
chunk (for every output, in one ffmpeg run, with the same graph as a whole-programme render) into
`.cache/chunks/`, named by a fingerprint of exactly what the chunk shows, and joins the chunks of
an output without re-encoding (the concat demuxer). The sound is one whole-programme pass (the mix,
the ducking and the two-pass loudness are properties of the whole) muxed with the joined picture.

Where the chunks are cut (pure, `plan_chunks`):

- only at hard cuts: a boundary inside a crossfade would split the blend between two encodes;
- *content-defined*: a cut point is a boundary when a hash of the shot that starts there falls
  under `shot length / target`. Whether a cut is a boundary depends on the shots beside it, not on
  where it sits in the programme, so unticking a sentence moves every later shot in time but leaves
  every later boundary where it was (relative to its shots): the chunks after the change are the
  same pictures, found in the cache. A rule counting seconds from the start ("every 15 s") would
  shift every later boundary and re-encode the rest of the programme.
- at least `min_ms` apart (each chunk costs an ffmpeg start, input seeks and a keyframe: very short
  chunks waste time) and at most about `max_ms` (a changed sentence re-encodes its whole chunk).

~10 s: a 4-minute episode makes ~20 chunks, a one-sentence change re-encodes one or two of them
(4-10 % of the programme: the editor's loop target is 15 % of a full render, and the sound pass,
the loudness measurement and the checks of the whole file come on top), and a full render pays
~20 process starts, input seeks and encoder warm-ups: a few per cent (measured in bench/render.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from fractions import Fraction

from pipeline.edit.timeline import Overlay, Shot, Timeline
from pipeline.render.ass import ass_time
from pipeline.render.sources import frame_at


@dataclass(frozen=True, slots=True)
class ChunkRule:
    target_ms: int = 10_000  # the average chunk length aimed at
    min_ms: int = 4_000  # no boundary closer than this to the previous one
    max_ms: int = 20_000  # a boundary is forced at the first cut point after this


DEFAULT_RULE = ChunkRule()
# chunks encoded at once on one machine (`render --jobs`): measured by bench/render.py's (g), see README
DEFAULT_JOBS = 1


@dataclass(frozen=True, slots=True)
class Chunk:
    """Frames [start_frame, end_frame) of the programme; shots [first_shot, end_shot) of the timeline."""

    index: int
    start_frame: int
    end_frame: int
    first_shot: int
    end_shot: int

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame


def _shot_identity(shot: Shot) -> str:
    if shot.source is not None:
        return f"{shot.source.clip_id}:{shot.source.in_ms}"
    assert shot.card is not None
    return f"card:{shot.card.kind}:{'|'.join(shot.card.lines)}"


def _hash_fraction(text: str) -> Fraction:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 1 << 64)


def plan_chunks(
    timeline: Timeline, rule: ChunkRule = DEFAULT_RULE, *, whole: bool = False
) -> tuple[Chunk, ...]:
    """The chunks of `timeline`'s picture (see the module docstring). `whole`: one chunk (outputs
    that change the frame rate cannot be cut on the programme's frames)."""
    fps = timeline.fps
    shots = timeline.shots
    end = frame_at(timeline.duration_ms, fps)
    cuts: list[int] = []  # indices of shots that start a chunk, after the first
    if not whole:
        previous = 0
        for i in range(1, len(shots)):
            shot = shots[i]
            if shot.transition_ms > 0:
                continue  # never inside a crossfade
            since = shot.start_ms - shots[previous].start_ms
            if since < rule.min_ms or timeline.duration_ms - shot.start_ms < rule.min_ms:
                continue
            length = shots[i - 1].duration_ms
            chance = Fraction(min(length, rule.target_ms), rule.target_ms)
            natural = _hash_fraction(_shot_identity(shot)) < chance
            if natural or since >= rule.max_ms:
                cuts.append(i)
                previous = i
    starts = [0, *cuts]
    ends = [*cuts, len(shots)]
    chunks = []
    for index, (first, stop) in enumerate(zip(starts, ends)):
        start_frame = frame_at(shots[first].start_ms, fps) if first else 0
        end_frame = frame_at(shots[stop].start_ms, fps) if stop < len(shots) else end
        chunks.append(Chunk(index, start_frame, end_frame, first, stop))
    return tuple(chunks)


def frame_ms(frame: int, fps: Fraction) -> int:
    """The millisecond `frame_at` maps back to `frame` (exact for any frame rate: the rounding error
    is under half a millisecond, far less than half a frame)."""
    exact = Fraction(frame * 1000) / fps
    return int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))


def chunk_timeline(timeline: Timeline, chunk: Chunk) -> Timeline:
    """What the chunk's picture graph renders: its shots (at their programme times: the graph counts
    frames from their differences only), its lower thirds moved to chunk time (one that began
    before the chunk starts before 0, so its fade is where it was), no sound, no cues (the burned
    subtitles come from `chunk_ass`)."""
    fps = timeline.fps
    shots = timeline.shots[chunk.first_shot : chunk.end_shot]
    overlays = tuple(_moved(o, chunk, fps) for o in timeline.overlays if _shows(o, chunk, fps))
    end_ms = shots[-1].end_ms if chunk.end_shot < len(timeline.shots) else timeline.duration_ms
    return dataclasses.replace(
        timeline, duration_ms=end_ms, shots=shots, audio=(), overlays=overlays, music=None, cues=()
    )


def _shows(overlay: Overlay, chunk: Chunk, fps: Fraction) -> bool:
    start = frame_at(overlay.start_ms, fps)
    end = frame_at(overlay.start_ms + overlay.duration_ms, fps)
    return start < chunk.end_frame and end > chunk.start_frame and end > start


def _moved(overlay: Overlay, chunk: Chunk, fps: Fraction) -> Overlay:
    start = frame_at(overlay.start_ms, fps) - chunk.start_frame
    end = frame_at(overlay.start_ms + overlay.duration_ms, fps) - chunk.start_frame
    start_ms = frame_ms(start, fps)
    return dataclasses.replace(overlay, start_ms=start_ms, duration_ms=frame_ms(end, fps) - start_ms)


def moved_overlays(timeline: Timeline, chunk: Chunk) -> dict[Overlay, Overlay]:
    """chunk-time overlay -> the programme's overlay it shows (to find its drawn image)."""
    fps = timeline.fps
    return {_moved(o, chunk, fps): o for o in timeline.overlays if _shows(o, chunk, fps)}


_DIALOGUE = re.compile(r"^Dialogue: (\d+),(\d+):(\d\d):(\d\d)\.(\d\d),(\d+):(\d\d):(\d\d)\.(\d\d),(.*)$")


def _ass_ms(hours: str, minutes: str, secs: str, cents: str) -> int:
    return ((int(hours) * 60 + int(minutes)) * 60 + int(secs)) * 1000 + int(cents) * 10


def chunk_ass(document: str, chunk: Chunk, fps: Fraction) -> str:
    """The programme's burn-in ASS document cut to the chunk: the events it shows, in chunk time.
    A cue crossing a boundary is in both chunks (cut at the boundary), so it shows on every frame
    it showed on in one piece; the layout and styles are the programme's, unchanged."""
    offset = Fraction(chunk.start_frame * 1000) / fps
    length = Fraction(chunk.frames * 1000) / fps
    out = []
    for line in document.splitlines():
        match = _DIALOGUE.match(line)
        if match is None:
            out.append(line)
            continue
        g = match.groups()
        start = max(Fraction(_ass_ms(*g[1:5])) - offset, Fraction(0))
        end = min(Fraction(_ass_ms(*g[5:9])) - offset, length)
        if end <= start:
            continue
        out.append(f"Dialogue: {g[0]},{ass_time(round(start))},{ass_time(round(end))},{g[9]}")
    return "\n".join(out) + "\n"


def seconds_text(value: Fraction) -> str:
    """Seconds to the microsecond the concat demuxer counts in: 6 -> "6", 1001/30000*7 -> "0.233567"."""
    micro = round(value * 1_000_000)
    whole, part = divmod(micro, 1_000_000)
    return f"{whole}.{part:06d}".rstrip("0").rstrip(".")


def concat_list(files: list[tuple[str, int]], fps: Fraction) -> str:
    """The concat demuxer's list: each chunk file with its exact length (so the timestamps of the
    next one continue frame-exactly, whatever the file's own edit list says)."""
    lines = ["ffconcat version 1.0"]
    for path, frames in files:
        quoted = path.replace("'", "'\\''")
        lines += [f"file '{quoted}'", f"duration {seconds_text(Fraction(frames) / fps)}"]
    return "\n".join(lines) + "\n"
