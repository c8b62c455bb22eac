"""Chunked rendering end to end, measured on the written files: a one-sentence change re-encodes
only the chunks it touches; the joined file is frame-exact with continuous timestamps; it matches
a whole-programme render of the same Timeline at every frame (PSNR) including across the joins,
where a burned subtitle and a lower third cross."""

from __future__ import annotations

import dataclasses
import re
import threading
from fractions import Fraction
from pathlib import Path

import av
import media
import numpy as np
import pytest

from pipeline.edit.timeline import AudioPiece, Overlay, Shot, SourceSpan, Timeline
from pipeline.media.runner import run_ffmpeg
from pipeline.project.create import create_project
from pipeline.render import chunked, engine
from pipeline.render.chunks import ChunkRule, plan_chunks
from pipeline.subtitles.cue import Cue

pytestmark = pytest.mark.slow
FPS = 25
SENTENCE_MS = 1_000
RULE = ChunkRule(target_ms=2_000, min_ms=2_000, max_ms=3_000)  # 2-3 s chunks on a 10 s programme
WHOLE = ChunkRule(min_ms=10**9)  # one chunk: today's whole-programme graph
MIN_PSNR_DB = 32.0  # an encode of the same frames; a frame shifted by one reads ~20 dB on testsrc2


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("chunk-clips")
    # moving test picture over a dark lower band, where subtitles and the lower third are measured
    return media.make_clip(
        folder / "int-001.mp4",
        size="640x360",
        duration=11.0,
        vfilters=("drawbox=y=ih*0.62:h=ih*0.38:color=0x101010:t=fill",),
    )


def sentences(clip: Path, skip: tuple[int, ...] = ()) -> Timeline:
    """Ten one-second sentences of one interview; `skip`: sentences unticked in cut.md."""
    kept = [i for i in range(10) if i not in skip]
    shots, audio = [], []
    for n, i in enumerate(kept):
        span = SourceSpan("int-001", clip, i * SENTENCE_MS, (i + 1) * SENTENCE_MS)
        shots.append(Shot(n * SENTENCE_MS, SENTENCE_MS, source=span))
        audio.append(AudioPiece(n * SENTENCE_MS, span))
    duration = len(kept) * SENTENCE_MS
    return Timeline(
        duration_ms=duration,
        fps=Fraction(FPS),
        shots=tuple(shots),
        audio=tuple(audio),
        overlays=(Overlay("lower_third", 300, 3_900, ("王建华", "驻村工作队队员")),),
        # one cue per sentence, read over the cut into the next: every join has a cue across it
        cues=tuple(
            Cue(
                n * SENTENCE_MS + 200,
                n * SENTENCE_MS + 1_600 if n + 1 < len(kept) else duration - 100,
                (f"第{i + 1}句话",),
            )
            for n, i in enumerate(kept)
        ),
        title="接缝",
    )


def project_at(root: Path):
    small = {
        "web": {
            "picture": {"width": 640, "height": 360},
            "video": {"preset": "superfast"},
            "subtitles": {"burn_in": True},  # as WeChat does: measured in the picture
        }
    }
    return create_project(
        root,
        title="接缝",
        subject_name="王建华",
        subject_role="驻村工作队队员",
        extra={"people": [{"name": "王建华", "consent": True}], "overrides": {"platforms": small}},
    )


def render(
    project, timeline: Timeline, rule: ChunkRule, monkeypatch, *, force: bool = False
) -> tuple[Path, list[list[str]]]:
    calls: list[list[str]] = []
    real = run_ffmpeg

    def counting(args, **kwargs):
        calls.append(list(args))
        return real(args, **kwargs)

    monkeypatch.setattr(chunked, "run_ffmpeg", counting)
    monkeypatch.setattr(engine, "CHUNK_RULE", rule)
    report = engine.render_project(project.root, ("web",), timeline=timeline, force=force)
    assert not report.failed, report.failure_message()
    return report.outputs[0].path, calls


def chunk_runs(calls: list[list[str]]) -> int:
    return sum(1 for c in calls if "-an" in c)


def frame_times(path: Path) -> tuple[list[Fraction], float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        times = sorted(Fraction(frame.pts) * stream.time_base for frame in container.decode(stream))
        audio = container.streams.audio[0]
        audio_s = float(audio.duration * audio.time_base)
    return times, audio_s


def frame_psnr(a: Path, b: Path) -> list[float]:
    """Per-frame PSNR (dB, luma+chroma average) of `a` against `b`, from ffmpeg's psnr filter."""
    stats = a.with_name("psnr.log")
    run_ffmpeg(
        ["-i", str(a), "-i", str(b), "-lavfi", f"[0:v][1:v]psnr=stats_file={stats}", "-f", "null", "-"],
        what="comparing pictures",
    )
    values = re.findall(r"psnr_avg:(\S+)", stats.read_text())
    return [float("inf") if v == "inf" else float(v) for v in values]


def band(path: Path, at_frame: int) -> np.ndarray:
    with av.open(str(path)) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if n == at_frame:
                return frame.to_ndarray(format="gray")[int(360 * 0.66) : 360 - 4, :]
    raise AssertionError(f"no frame {at_frame} in {path}")


def keep(path: Path, name: str) -> Path:
    """A copy of a render, before the next one replaces it."""
    copy = path.with_name(f"kept-{name}.mp4")
    copy.write_bytes(path.read_bytes())
    return copy


@pytest.fixture(scope="module")
def renders(tmp_path_factory, clip):
    monkeypatch = pytest.MonkeyPatch()
    try:
        base = tmp_path_factory.mktemp("chunk-e2e")
        chunked_project, whole_project = project_at(base / "分块"), project_at(base / "整体")
        first, first_calls = render(chunked_project, sentences(clip), RULE, monkeypatch)
        whole, _ = render(whole_project, sentences(clip), WHOLE, monkeypatch)
        first, whole = keep(first, "first"), keep(whole, "whole")
        changed, changed_calls = render(chunked_project, sentences(clip, skip=(5,)), RULE, monkeypatch)
        whole_changed, _ = render(whole_project, sentences(clip, skip=(5,)), WHOLE, monkeypatch)
        changed = keep(changed, "changed")
        _, forced_calls = render(chunked_project, sentences(clip, skip=(5,)), RULE, monkeypatch, force=True)
    finally:
        monkeypatch.undo()
    return {
        "first": (first, first_calls),
        "whole": whole,
        "changed": (changed, changed_calls),
        "whole_changed": whole_changed,
        "forced": forced_calls,
    }


def test_a_one_sentence_change_re_encodes_only_the_chunks_it_touches(renders, clip):
    _, first_calls = renders["first"]
    _, changed_calls = renders["changed"]
    before, after = plan_chunks(sentences(clip), RULE), plan_chunks(sentences(clip, skip=(5,)), RULE)
    assert len(before) >= 3 and chunk_runs(first_calls) == len(before)
    assert 1 <= chunk_runs(changed_calls) <= 2 < len(after)
    assert chunk_runs(renders["forced"]) == len(after), "--force encodes every chunk again"


@pytest.mark.parametrize("which", ["first", "changed"])
def test_the_joined_file_is_frame_exact_and_continuous(renders, which):
    path = renders[which][0]
    seconds = 10 if which == "first" else 9
    times, audio_s = frame_times(path)
    assert len(times) == seconds * FPS
    assert times[0] == 0 and all(b - a == Fraction(1, FPS) for a, b in zip(times, times[1:]))
    assert abs(audio_s - seconds) <= 1 / FPS


@pytest.mark.parametrize(("which", "whole"), [("first", "whole"), ("changed", "whole_changed")])
def test_the_joined_file_shows_the_whole_renders_pictures_at_every_frame(renders, clip, which, whole):
    path = renders[which][0]
    values = frame_psnr(path, renders[whole])
    skip = (5,) if which == "changed" else ()
    chunks = plan_chunks(sentences(clip, skip=skip), RULE)
    assert len(values) == chunks[-1].end_frame
    joins = [c.start_frame for c in chunks[1:]]
    at_joins = [values[j + d] for j in joins for d in (-1, 0)]
    assert min(values) >= MIN_PSNR_DB, (min(values), joins)
    assert min(at_joins) >= MIN_PSNR_DB
    # a subtitle crosses every join: drawn on both sides of it (white text on the dark band)
    for j in joins:
        for frame in (j - 1, j):
            drawn, expected = (band(path, frame) > 200).sum(), (band(renders[whole], frame) > 200).sum()
            assert drawn > 80, f"no subtitle at frame {frame}, next to the join at frame {j}"
            assert abs(drawn - expected) <= expected * 0.1, (frame, drawn, expected)
    assert (band(path, 2) > 200).sum() < 20, "nothing drawn before the first cue and the lower third"


def test_a_draft_decodes_the_proxies_not_the_camera_files(tmp_path, clip, monkeypatch):
    from pipeline.project.footage import load_footage
    from pipeline.project.ingest import ingest
    from pipeline.review.proxy import make_proxy, proxy_path

    project = project_at(tmp_path / "样片")
    ingest(project, [clip], role="interview")
    (footage,) = load_footage(project)
    timeline = dataclasses.replace(sentences(footage.path(project)), overlays=())
    calls: list[list[str]] = []

    def counting(args, **kwargs):
        calls.append(list(args))
        return run_ffmpeg(args, **kwargs)

    monkeypatch.setattr(chunked, "run_ffmpeg", counting)
    report = engine.render_project(project.root, draft=True, timeline=timeline, proxies=make_proxy)
    assert not report.failed, report.failure_message()
    (out,) = report.outputs  # web only, by default
    assert (out.platform, out.variant, out.entry.width, out.entry.height) == ("web", "draft", 640, 360)
    inputs = {c[i + 1] for c in calls if "-an" in c for i, a in enumerate(c) if a == "-i"}
    assert str(proxy_path(project, footage.clip_id)) in inputs
    assert str(footage.path(project)) not in inputs
    times, audio_s = frame_times(out.path)
    assert len(times) == 10 * FPS and abs(audio_s - 10) <= 1 / FPS


def test_chunks_encoded_two_at_a_time_make_the_same_file(tmp_path, renders, clip, monkeypatch):
    """`--jobs 2`: two chunk encodes run at once (each waits at a barrier for the other: run one
    after another, the first would wait in vain), and the joined file is the one-at-a-time file."""
    together = threading.Barrier(2, timeout=60)
    lock = threading.Lock()
    chunk_calls: list[list[str]] = []

    def concurrent(args, **kwargs):
        if "-an" in args:
            with lock:
                chunk_calls.append(list(args))
                first_two = len(chunk_calls) <= 2
            if first_two:
                together.wait()  # BrokenBarrierError: the chunks were not encoded at the same time
        return run_ffmpeg(args, **kwargs)

    monkeypatch.setattr(chunked, "run_ffmpeg", concurrent)
    monkeypatch.setattr(engine, "CHUNK_RULE", RULE)
    project = project_at(tmp_path / "并行")
    report = engine.render_project(project.root, ("web",), timeline=sentences(clip), jobs=2)
    assert not report.failed, report.failure_message()
    assert len(chunk_calls) == len(plan_chunks(sentences(clip), RULE))
    path = report.outputs[0].path
    times, audio_s = frame_times(path)
    assert len(times) == 10 * FPS and all(b - a == Fraction(1, FPS) for a, b in zip(times, times[1:]))
    assert abs(audio_s - 10) <= 1 / FPS
    assert min(frame_psnr(path, renders["first"][0])) >= MIN_PSNR_DB


def test_a_failed_chunk_among_parallel_ones_leaves_nothing_half_written(tmp_path, clip, monkeypatch):
    from pipeline.errors import FfmpegError

    project = project_at(tmp_path / "失败")
    seen: list[int] = []
    lock = threading.Lock()

    def failing_second(args, **kwargs):
        if "-an" in args:
            with lock:
                seen.append(len(seen))
                number = len(seen)
            if number == 2:
                raise FfmpegError("encoding chunk 2 of 4 failed: disk full", list(args))
        return run_ffmpeg(args, **kwargs)

    monkeypatch.setattr(chunked, "run_ffmpeg", failing_second)
    monkeypatch.setattr(engine, "CHUNK_RULE", RULE)
    with pytest.raises(FfmpegError, match="disk full"):
        engine.render_project(project.root, ("web",), timeline=sentences(clip), jobs=2)
    leftovers = [p.name for p in project.root.rglob("*") if ".part" in p.name]
    assert leftovers == []
    assert not list((project.root / "exports").rglob("*.mp4"))
    # the chunks that were encoded are whole and kept: the next render starts from them
    for piece in (project.cache_dir / "chunks").glob("*.mp4"):
        with av.open(str(piece)) as container:
            assert sum(1 for _ in container.decode(video=0)) >= 2 * FPS, piece
