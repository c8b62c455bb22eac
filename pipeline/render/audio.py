"""The sound side of the render graph: narration, music bed, ducking, the programme mix.

Everything is 48 kHz stereo float inside, and lengths are counted in samples: one millisecond is
exactly 48 samples, so the narration lands where the Timeline says, to the sample, and the mix is
exactly as long as the programme.

Narration is dialogue: the chosen audio stream's chosen channel (project.toml `[audio.<clip id>]`),
or its channels mixed to mono (5.1 with the centre at full level, see `media.channels`), placed in
the centre of the stereo mix. A second microphone on the other channel never leaks in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pipeline.edit.timeline import AudioPiece, MusicBed, Timeline
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.media.channels import pan_filter
from pipeline.render.filters import FilterGraph, InputSpec, f, number, seconds, stream
from pipeline.render.sources import Facts, facts_for, needed_lengths, span_input

SAMPLE_RATE = 48000
SAMPLES_PER_MS = SAMPLE_RATE // 1000
CUT_FADE_MS = 15  # a click-free edge at every narration cut
# ducking: the music drops by up to ~18 dB while the voice is above about -34 dBFS
DUCK = dict(threshold=0.02, ratio=8, attack=20, release=400)
PCM = f("aformat", sample_fmts="fltp", sample_rates=SAMPLE_RATE, channel_layouts="stereo")


def samples(ms: int) -> int:
    return ms * SAMPLES_PER_MS


def programme_audio(graph: FilterGraph, timeline: Timeline, facts: Facts) -> str:
    """Build the programme mix (narration plus the ducked music bed); returns its pad name."""
    needed = needed_lengths(timeline)
    narration = _narration(graph, timeline.audio, timeline.duration_ms, needed, facts, timeline.routing_of)
    if timeline.music is None:
        return narration
    bed = _music_bed(graph, timeline.music, timeline.duration_ms)
    if timeline.music.duck and timeline.audio:
        voice, key = graph.fan_out(narration, 2, ("voice", "key"), audio=True)
        bed = graph.chain((bed, key), (f("sidechaincompress", **DUCK),), "ducked")
        narration = voice
    return graph.chain((narration, bed), (f("amix", inputs=2, duration="first", normalize=0),), "mix")


def _narration(
    graph: FilterGraph,
    pieces: Sequence[AudioPiece],
    total_ms: int,
    needed: Mapping[tuple[Path, int], int],
    facts: Facts,
    routing: Callable[[str], tuple[int, int]] = lambda clip_id: (1, 0),
) -> str:
    ordered = sorted(pieces, key=lambda p: p.start_ms)
    overlapping = any(b.start_ms < a.end_ms for a, b in zip(ordered, ordered[1:]))
    if overlapping:
        return _mixed_narration(graph, ordered, total_ms, needed, facts, routing)
    parts: list[str] = []
    cursor = 0
    for piece in ordered:
        if piece.start_ms > cursor:
            parts.append(silence(graph, piece.start_ms - cursor))
        parts.append(_piece(graph, piece, needed, facts, routing(piece.source.clip_id)))
        cursor = piece.end_ms
    if cursor < total_ms:
        parts.append(silence(graph, total_ms - cursor))
    if len(parts) == 1:
        joined = parts[0]
    else:
        joined = graph.chain(parts, (f("concat", n=len(parts), v=0, a=1),), "narr")
    if cursor > total_ms:  # narration running past the last picture is cut with the picture
        joined = graph.chain((joined,), (f("atrim", end_sample=samples(total_ms)),), "narr")
    return joined


def _mixed_narration(
    graph: FilterGraph,
    ordered: Sequence[AudioPiece],
    total_ms: int,
    needed: Mapping[tuple[Path, int], int],
    facts: Facts,
    routing: Callable[[str], tuple[int, int]],
) -> str:
    """Pieces that overlap (an edit that lets two sounds run together) are placed and summed."""
    placed = []
    for piece in ordered:
        label = _piece(graph, piece, needed, facts, routing(piece.source.clip_id))
        if piece.start_ms:
            label = graph.chain((label,), (f("adelay", delays=piece.start_ms, all=1),), "placed")
        placed.append(label)
    mixed = graph.chain(placed, (f("amix", inputs=len(placed), duration="longest", normalize=0),), "narr")
    return graph.chain((mixed,), _exact_length(total_ms), "narr")


def _piece(
    graph: FilterGraph,
    piece: AudioPiece,
    needed: Mapping[tuple[Path, int], int],
    facts: Facts,
    routing: tuple[int, int] = (1, 0),
) -> str:
    span = piece.source
    clip = facts_for(facts, span.path)
    if clip.audio is None:
        return silence(graph, span.duration_ms)
    number_, channel = routing
    streams = clip.audio_streams or (clip.audio,)
    if number_ > len(streams) or channel > streams[number_ - 1].channels:
        raise RenderError(
            _(
                "{path}: {clip} has no audio stream {stream} channel {channel}; fix [audio.{clip}] in "
                "project.toml (it has {count} audio stream(s))"
            ).format(path=span.path, clip=span.clip_id, stream=number_, channel=channel, count=len(streams))
        )
    opened = span_input(span, needed, facts)
    index = graph.input(opened.spec)
    steps = [pan_filter(streams[number_ - 1].channels, channel, layout="stereo"), PCM, "asetpts=N/SR/TB"]
    if opened.skip_ms:
        steps += [f("atrim", start_sample=samples(opened.skip_ms)), "asetpts=N/SR/TB"]
    steps += _exact_length(span.duration_ms)
    if piece.gain_db:
        steps.append(f("volume", f"{number(piece.gain_db)}dB"))
    steps += cut_fades(span.duration_ms)
    return graph.chain((f"{stream(index, 'a')}:{routing[0] - 1}",), steps, "piece")


def cut_fades(length_ms: int) -> tuple[str, ...]:
    """Short fades at both cut points, so a cut in the middle of a waveform does not click."""
    fade = min(CUT_FADE_MS, length_ms // 2)
    if fade <= 0:
        return ()
    return (
        f("afade", t="in", d=seconds(fade)),
        f("afade", t="out", st=seconds(length_ms - fade), d=seconds(fade)),
    )


def _exact_length(length_ms: int) -> tuple[str, ...]:
    """Exactly `length_ms` of sound: padded with silence if the file runs short, cut to the sample."""
    n = samples(length_ms)
    return (f("apad", whole_len=n), f("atrim", end_sample=n))


def silence(graph: FilterGraph, length_ms: int) -> str:
    return graph.chain(
        (),
        (
            f("anullsrc", r=SAMPLE_RATE, cl="stereo"),
            f("atrim", end_sample=samples(length_ms)),
            PCM,
        ),
        "gap",
    )


def music_input(bed: MusicBed) -> InputSpec:
    """The bed file, looped for as long as the graph reads from it."""
    return InputSpec(bed.path, ("-stream_loop", "-1"))


def _music_bed(graph: FilterGraph, bed: MusicBed, total_ms: int) -> str:
    index = graph.input(music_input(bed))
    start = max(0, bed.start_ms)
    end = min(bed.end_ms, total_ms)
    length = max(0, end - start)
    fade = min(bed.fade_ms, length // 2)
    steps = [PCM, f("atrim", end_sample=samples(length)), "asetpts=N/SR/TB"]
    if bed.gain_db:
        steps.append(f("volume", f"{number(bed.gain_db)}dB"))
    if fade > 0:
        steps += [
            f("afade", t="in", d=seconds(fade)),
            f("afade", t="out", st=seconds(length - fade), d=seconds(fade)),
        ]
    if start:
        steps.append(f("adelay", delays=start, all=1))
    steps += _exact_length(total_ms)
    return graph.chain((stream(index, "a"),), steps, "bed")
