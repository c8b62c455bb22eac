"""Chunk planning and a chunk's pieces (pure): where the picture is cut, what a chunk shows, its
burn-in subtitles, the join list, and the golden arguments of one chunk's encode."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

from render_scenes import FAKE_FACTS, FONTS, LOWER_THIRD, fake_artwork, fake_loudness, small_timeline
from test_render_graph import check_golden, plans

from pipeline.edit.timeline import Shot, SourceSpan, Timeline
from pipeline.render.chunks import (
    Chunk,
    ChunkRule,
    chunk_ass,
    chunk_timeline,
    concat_list,
    moved_overlays,
    plan_chunks,
    seconds_text,
)
from pipeline.render.encode import join_args
from pipeline.render.graph import Artwork, chunk_args, sound_args
from pipeline.render.platforms import load_platform
from pipeline.render.sources import frame_at

INTERVIEW = Path("/footage/int-001.mp4")


def sentences(count: int, skip: tuple[int, ...] = (), length_ms: int = 3_000, fps=Fraction(25)) -> Timeline:
    """`count` sentences of one interview, `skip` unticked: each kept one a shot."""
    shots, at = [], 0
    for i in range(count):
        if i in skip:
            continue
        span = SourceSpan("int-001", INTERVIEW, i * length_ms, (i + 1) * length_ms)
        shots.append(Shot(at, length_ms, source=span))
        at += length_ms
    return Timeline(duration_ms=at, fps=fps, shots=tuple(shots), audio=())


def sources_of(timeline: Timeline, chunk: Chunk) -> tuple[int, ...]:
    return tuple(s.source.in_ms for s in timeline.shots[chunk.first_shot : chunk.end_shot] if s.source)


def test_chunks_cover_the_programme_exactly_at_cut_points_within_the_lengths():
    timeline = sentences(80)  # 4 minutes of 3 s sentences
    chunks = plan_chunks(timeline)
    assert chunks[0].start_frame == 0 and chunks[-1].end_frame == frame_at(timeline.duration_ms, timeline.fps)
    assert all(
        a.end_frame == b.start_frame and a.end_shot == b.first_shot for a, b in zip(chunks, chunks[1:])
    )
    lengths = [c.frames / 25 for c in chunks]
    assert all(4 <= s <= 23 for s in lengths), lengths
    assert 12 <= len(chunks) <= 40  # ~10 s on average


def test_no_chunk_boundary_falls_inside_a_crossfade():
    timeline = small_timeline()  # crossfades into the shots at 2.0 s and 10.0 s
    chunks = plan_chunks(timeline, ChunkRule(target_ms=1, min_ms=1, max_ms=1))
    starts = {timeline.shots[c.first_shot].start_ms for c in chunks}
    assert starts == {0, 4_500, 6_000, 8_000}


def test_unticking_one_sentence_changes_only_the_chunk_around_it():
    before, after = sentences(80), sentences(80, skip=(40,))
    old = {sources_of(before, c) for c in plan_chunks(before)}
    new = {sources_of(after, c) for c in plan_chunks(after)}
    assert len(new - old) <= 2, "the chunks after the change are the same shots as before"
    assert len(old - new) <= 2


def test_a_chunk_shows_its_shots_and_its_lower_thirds_in_chunk_time():
    timeline = small_timeline()
    chunk = Chunk(1, 150, 300, 3, 6)  # from the cut at 6 s to the end (with the crossfade to the credits)
    shown = chunk_timeline(timeline, chunk)
    assert shown.shots == timeline.shots[3:] and shown.audio == () and shown.cues == ()
    (overlay,) = shown.overlays  # the lower third (2-7 s) began 4 s before the chunk
    assert (overlay.start_ms, overlay.duration_ms) == (-4_000, 5_000)
    assert moved_overlays(timeline, chunk) == {overlay: LOWER_THIRD}
    assert chunk_timeline(timeline, Chunk(2, 200, 300, 4, 6)).overlays == ()  # over before 8 s


def test_a_chunk_burns_the_cues_it_shows_in_chunk_time_cut_at_its_edges():
    document = (
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,前面\n"
        "Dialogue: 0,0:00:05.50,0:00:06.40,Default,,0,0,0,,跨过接缝\\N两行\n"
        "Dialogue: 0,0:00:09.00,0:00:12.00,Default,,0,0,0,,后面\n"
    )
    chunk = Chunk(1, 150, 250, 0, 0)  # 6 s to 10 s at 25 fps
    assert chunk_ass(document, chunk, Fraction(25)).splitlines()[2:] == [
        "Dialogue: 0,0:00:00.00,0:00:00.40,Default,,0,0,0,,跨过接缝\\N两行",
        "Dialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,后面",
    ]


def test_the_join_list_gives_every_chunk_its_exact_length():
    listing = concat_list([("/c/a'b.mp4", 375), ("/c/b.mp4", 7)], Fraction(30000, 1001))
    assert listing.splitlines() == [
        "ffconcat version 1.0",
        "file '/c/a'\\''b.mp4'",
        "duration 12.5125",
        "file '/c/b.mp4'",
        "duration 0.233567",
    ]
    assert seconds_text(Fraction(6)) == "6"


def test_golden_chunk_sound_and_join_arguments():
    timeline = small_timeline()
    chunk = Chunk(1, 150, 300, 3, 6)
    shown = chunk_timeline(timeline, chunk)
    artwork = fake_artwork(timeline)
    moved = moved_overlays(timeline, chunk)
    thirds = {
        (local, w, h): artwork.lower_thirds[(moved[local], w, h)]
        for local in moved
        for w, h in ((1920, 1080), (1080, 1920))
    }
    outputs = plans("web", "wechat", "channels", capped=True)
    args = chunk_args(
        shown,
        outputs,
        facts=FAKE_FACTS,
        artwork=Artwork(artwork.cards, thirds),
        fonts_dir=FONTS,
        programme=(1920, 1080),
    )
    check_golden("chunk-all", args)
    sound = [dataclasses.replace(o, path=o.path.with_suffix(".m4a")) for o in outputs]
    names = ("web", "wechat", "channels")
    check_golden("sound-all", sound_args(timeline, sound, facts=FAKE_FACTS, loudness=fake_loudness(*names)))
    check_golden(
        "join-web",
        join_args(
            Path("/cache/join-web.ffconcat"),
            Path("/cache/sound.m4a"),
            load_platform("web"),
            Path("/out/web.mp4"),
            title="驻村路上",
        ),
    )


def test_drafts_are_cut_in_longer_chunks():
    from pipeline.render.engine import DRAFT_CHUNK_RULE

    timeline = sentences(80)
    drafts = plan_chunks(timeline, DRAFT_CHUNK_RULE)
    assert len(drafts) * 2 <= len(plan_chunks(timeline))
    assert all(10 <= c.frames / 25 <= 63 for c in drafts)
