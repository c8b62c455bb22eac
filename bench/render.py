"""Render benchmark: `pipeline render` against the bare-encode floor and against moviepy compositing.

    .venv/bin/python bench/render.py [--minutes 4] [--work DIR] [--slice 45] [--skip-moviepy]

(c) needs moviepy, which only this benchmark uses: `.venv/bin/pip install -e '.[bench]'`.

Builds (once; reused from --work) a 4-minute 1080p25 episode from generated footage: two interview
clips (H.264, a voice-like modulated tone), three B-roll clips (one of them 4K HEVC), a music bed;
then a Timeline like the first-person template makes (title card, ~8 s sentences alternating between
the interviews, B-roll cutaways every ~30 s, lower third, ducked music, 2-line subtitles, credits).
It times, on that episode:

  (a)  `render --platform web --force`: the render engine (`render_project`, the code the CLI runs;
       the Timeline is passed in rather than compiled from a cut list), graphics and loudness pass 1
       already cached; the cold first run (drawing, pass 1) is shown too;
  (b)  the floor: one bare ffmpeg encode of the interview footage, the same length, with the web
       preset's encoder settings (no edit, no filters);
  (c)  moviepy 2 compositing the same edit (VideoFileClip pieces, ImageClip cards and lower third,
       TextClip subtitles, CompositeAudioClip with the music, `write_videofile` with the same codec
       settings) on the first --slice seconds, extrapolated linearly to the full length;
  (d)  web + wechat + channels in one run against the sum of the three single-platform runs;
  (e)  the editor's loop: one sentence in the middle unticked, then `render --platform web` (not
       forced: the chunks the change did not touch come from the cache), against (a) in the same run;
       --edits N: N sentences in turn (each ticked again after), the range shown;
  (f)  `render --draft` (web) decoded from the review proxies (made once beforehand, timed apart),
       against the programme's length;
  (g)  chunks encoded --jobs at once (`render --jobs N`, default 2) against one at a time with x264's
       own threads: (a) and (d)'s one run again with N jobs, timed alternately with them;
  (h)  with --whole: (d)'s one run again as a single chunk, the whole-programme graph the render
       used before chunking (issue 17), timed alternately with (d): what chunking costs or saves.

--quick leaves out the cold run, the floor and (d)'s single runs (a shared, slow machine).

Prints a Markdown table with the ratios and the targets (a/b <= 1.3, c/a >= 3, one run <= sum).
Wall times on a shared or virtual machine wander by 20 % and more from run to run: run it on an
idle machine with --repeat 2 or 3 ((a) and (b) are timed alternately, and so are (d)'s one run and
its three single runs; the fastest of each is kept), and read the CPU-time ratios beside the wall-time
ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import random
import resource
import shutil
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import media  # noqa: E402  (the test suite's lavfi clip factory)

from pipeline.edit.timeline import AudioPiece, Card, MusicBed, Overlay, Shot, SourceSpan, Style, Timeline  # noqa: E402
from pipeline.media.probe import probe  # noqa: E402
from pipeline.media.runner import run_ffmpeg  # noqa: E402
from pipeline.project.create import create_project  # noqa: E402
from pipeline.project.model import load_project  # noqa: E402
from pipeline.render import engine  # noqa: E402
from pipeline.render.chunks import ChunkRule  # noqa: E402
from pipeline.render.encode import audio_args, video_args  # noqa: E402
from pipeline.render.engine import render_project  # noqa: E402
from pipeline.render.platforms import load_platform  # noqa: E402
from pipeline.review.proxy import proxy_args  # noqa: E402
from pipeline.subtitles.cue import Cue  # noqa: E402

FPS = Fraction(25)
CARD_MS = 4_000
CROSSFADE_MS = 500
SENTENCES = (
    "我叫王建华，是驻村工作队队员",
    "刚来村里的时候，大家都不认识我",
    "我就挨家挨户地走，听他们说",
    "村里的年轻人大多出去打工了",
    "留下的都是老人和孩子",
    "我们先把路修好，再建合作社",
    "现在村里的特产卖到了城里",
    "乡亲们的日子一天比一天好了",
)
VOICE = (
    "aevalsrc=exprs='0.35*sin(2*PI*190*t)*(0.55+0.45*sin(2*PI*0.8*t))*gt(sin(2*PI*0.21*t)\\,-0.7)"
    "+0.01*(random(0)-0.5)':s=48000:c=stereo"
)


def footage(work: Path, minutes: float) -> dict[str, Path]:
    """Generated camera files (kept in `work` and reused)."""
    work.mkdir(parents=True, exist_ok=True)
    half = minutes * 60 / 2 + 60  # each interview gives half the narration, with gaps between sentences
    # plain test patterns (testsrc2): they encode faster than grainy camera footage, so the render's own
    # work (decoding spans, filters, sound) weighs more against the floor here than in the office
    wanted = {
        "int-001": lambda p: media.make_clip(
            p, size="1920x1080", duration=half, audio_source=voice(work, half)
        ),
        "int-002": lambda p: media.make_clip(
            p, size="1920x1080", duration=half, audio_source=voice(work, half)
        ),
        "broll-001": lambda p: media.make_clip(p, size="1920x1080", duration=20, audio=False),
        "broll-002": lambda p: media.make_clip(p, size="1280x720", rate="30", duration=20, audio=False),
        "broll-003": lambda p: media.broll_4k_hevc(p, duration=8),
        "music-001": lambda p: media.make_clip(p, video=False, duration=60, tone_hz=330, acodec="aac"),
    }
    paths = {}
    for clip_id, make in wanted.items():
        path = work / f"{clip_id}.{'m4a' if clip_id.startswith('music') else 'mp4'}"
        if not path.exists():
            print(f"  generating {path.name} ...", flush=True)
            make(path)
        paths[clip_id] = path
    return paths


def voice(work: Path, seconds: float) -> Path:
    path = work / f"voice-{int(seconds)}.wav"
    if not path.exists():
        run_ffmpeg(
            ["-y", "-f", "lavfi", "-i", VOICE, "-t", f"{seconds:.3f}", "-c:a", "pcm_s16le", str(path)],
            outputs=[path],
            what="generating the voice",
        )
    return path


def episode(paths: dict[str, Path], minutes: float, seed: int = 7) -> Timeline:
    """The edit the first-person template would make of this footage."""
    rng = random.Random(seed)
    total = int(minutes * 60_000)
    shots = [Shot(0, CARD_MS, card=Card("title", ("我是党员", "驻村路上")))]
    audio, cues = [], []
    cursor, source_at = CARD_MS, {"int-001": 2_000, "int-002": 2_000}
    broll_at = 30_000
    n = 0
    while cursor < total - CARD_MS:
        clip = "int-001" if n % 2 == 0 else "int-002"
        length = min(rng.randrange(6_000, 11_000, 40), total - CARD_MS - cursor)
        span = SourceSpan(clip, paths[clip], source_at[clip], source_at[clip] + length)
        source_at[clip] += length + rng.randrange(500, 3_000, 40)
        audio.append(AudioPiece(cursor, span))
        text = SENTENCES[n % len(SENTENCES)]
        lines = (text,) if len(text) <= 16 else (text[: len(text) // 2], text[len(text) // 2 :])
        cues.append(Cue(cursor + 200, cursor + length - 200, lines))
        if cursor >= broll_at and length > 6_000:  # a cutaway over the middle of the sentence
            b = rng.choice(["broll-001", "broll-002", "broll-003"])
            cut = 4_000
            first = (length - cut) // 2
            shots.append(
                Shot(
                    cursor,
                    first,
                    source=SourceSpan(clip, paths[clip], span.in_ms, span.in_ms + first),
                    transition_ms=CROSSFADE_MS if n == 0 else 0,
                )
            )
            b_in = rng.randrange(0, 3_000, 40)
            shots.append(Shot(cursor + first, cut, source=SourceSpan(b, paths[b], b_in, b_in + cut)))
            rest = length - first - cut
            shots.append(
                Shot(
                    cursor + first + cut,
                    rest,
                    source=SourceSpan(clip, paths[clip], span.in_ms + first + cut, span.out_ms),
                )
            )
            broll_at = cursor + 30_000
        else:
            shots.append(Shot(cursor, length, source=span, transition_ms=CROSSFADE_MS if n == 0 else 0))
        cursor += length
        n += 1
    shots.append(
        Shot(
            cursor,
            total - cursor,
            card=Card("credits", ("出品  县党员教育中心", "剪辑  李明")),
            transition_ms=CROSSFADE_MS,
        )
    )
    return Timeline(
        duration_ms=total,
        fps=FPS,
        shots=tuple(shots),
        audio=tuple(audio),
        overlays=(Overlay("lower_third", CARD_MS + 1_000, 5_000, ("王建华", "驻村工作队队员")),),
        music=MusicBed(paths["music-001"], 0, total, gain_db=-18.0),
        cues=tuple(cues),
        style=Style(),
        title="驻村路上",
    )


def without_sentence(timeline: Timeline, index: int) -> Timeline:
    """`timeline` with narration piece `index` unticked: its shots, sound and subtitle removed and
    everything after it moved up, as compiling the cut list would."""
    piece = timeline.audio[index]
    start, end = piece.start_ms, piece.end_ms
    length = end - start

    def moved(at: int) -> int:
        return at - length if at >= end else at

    shots = tuple(
        dataclasses.replace(s, start_ms=moved(s.start_ms))
        for s in timeline.shots
        if not start <= s.start_ms < end
    )
    audio = tuple(
        dataclasses.replace(a, start_ms=moved(a.start_ms)) for a in timeline.audio if a is not piece
    )
    cues = tuple(
        c.with_times(moved(c.start_ms), moved(c.end_ms))
        for c in timeline.cues
        if not start <= c.start_ms < end
    )
    music = timeline.music and dataclasses.replace(timeline.music, end_ms=timeline.music.end_ms - length)
    return dataclasses.replace(
        timeline, duration_ms=timeline.duration_ms - length, shots=shots, audio=audio, cues=cues, music=music
    )


def with_proxies(work: Path, timeline: Timeline) -> Timeline:
    """The timeline's picture read from review proxies of its footage (made here once, as the
    review page makes them: `pipeline.review.proxy.proxy_args`)."""
    swapped = {}
    for shot in timeline.shots:
        if shot.source is None or shot.source.path in swapped:
            continue
        source = shot.source.path
        target = work / "proxy" / f"{source.stem}.mp4"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            run_ffmpeg(
                proxy_args(source, target, probe(source)), outputs=[target], what=f"proxy of {source.name}"
            )
        swapped[source] = target
    shots = tuple(
        s
        if s.source is None
        else dataclasses.replace(s, source=dataclasses.replace(s.source, path=swapped[s.source.path]))
        for s in timeline.shots
    )
    return dataclasses.replace(timeline, shots=shots)


def project_in(work: Path):
    root = work / "episode"
    if not (root / "project.toml").exists():
        create_project(
            root,
            title="驻村路上",
            subject_name="王建华",
            subject_role="驻村工作队队员",
            extra={"people": [{"name": "王建华", "consent": True}]},
        )
    return load_project(root)


FLOOR = "(b) floor: bare ffmpeg encode, same length and settings"
RENDER = "(a) render --platform web --force"
ALL = "(d) web + wechat + channels, one run"
WHOLE = "(h) (d) as one whole-programme chunk"
EDIT = "(e) one sentence unticked, render --platform web"
DRAFT = "(f) render --draft (web), from proxies"
SINGLES = ("web", "wechat", "channels")


def alone(name: str) -> str:
    return f"    {name} alone"


CPU: dict[str, float] = {}  # CPU seconds (this process and its ffmpeg children) of each timed step


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(what: str, action) -> float:
    """Wall time of `action`; its CPU time goes to CPU[what] (other processes do not inflate it)."""
    print(f"  {what} ...", end="", flush=True)
    started, cpu = time.perf_counter(), cpu_seconds()
    action()
    took = time.perf_counter() - started
    CPU[what] = min(CPU.get(what, float("inf")), cpu_seconds() - cpu)
    print(f" {took:.1f} s (CPU {CPU[what]:.0f} s)", flush=True)
    return took


def keep_fastest(figures: dict[str, float], key: str, what: str, action) -> None:
    """Time `action` once more; figures[key] keeps the fastest wall time seen (CPU[what] the least CPU)."""
    figures[key] = min(figures.get(key, float("inf")), timed(what, action))


WHOLE_PROGRAMME = ChunkRule(min_ms=10**9)  # no boundary: one chunk, one ffmpeg run for the picture


def render(project, timeline, platforms, *, force=True, draft=False, jobs=1, whole=False) -> None:
    rule = engine.CHUNK_RULE
    engine.CHUNK_RULE = WHOLE_PROGRAMME if whole else rule
    try:
        report = render_project(project, platforms, force=force, timeline=timeline, draft=draft, jobs=jobs)
    finally:
        engine.CHUNK_RULE = rule
    if report.failed:
        print(f"\n  warning: {report.failure_message()}")


def floor(paths: dict[str, Path], seconds: float, out: Path) -> None:
    """One interview clip, looped to the episode's length (each clip is shorter than the episode)."""
    web = load_platform("web")
    run_ffmpeg(
        [
            "-y",
            "-stream_loop",
            "-1",
            "-i",
            str(paths["int-001"]),
            "-t",
            f"{seconds:.3f}",
            "-map",
            "0:v:0",
            "-map",
            "0:a:0",
            *video_args(web),
            *audio_args(web),
            "-movflags",
            "+faststart",
            str(out),
        ],
        outputs=[out],
        what="the floor encode",
    )
    with av.open(str(out)) as written:
        length = written.duration / av.time_base
    if abs(length - seconds) > 0.5:
        raise SystemExit(
            f"the floor encode lasts {length:.1f} s, not {seconds:.0f} s: the comparison would be unfair"
        )


def moviepy_slice(project, timeline: Timeline, seconds: float, out: Path) -> None:
    """The same edit composited by moviepy 2, for the first `seconds`."""
    from moviepy import (
        AudioFileClip,
        CompositeAudioClip,
        CompositeVideoClip,
        ImageClip,
        TextClip,
        VideoFileClip,
        afx,
        vfx,
    )

    from pipeline.media.fonts import find_cjk_font
    from pipeline.render.graphics import Canvas, card_image, lower_third_image

    end_ms = int(seconds * 1000)
    cache = project.cache_dir / "graphics"
    layers, sounds, opened = [], [], []
    for shot in timeline.shots:
        if shot.start_ms >= end_ms:
            break
        duration = min(shot.duration_ms, end_ms - shot.start_ms) / 1000
        if shot.card is not None:
            clip = ImageClip(
                str(card_image(shot.card, timeline.style, Canvas(1920, 1080), cache))
            ).with_duration(duration)
        else:
            source = VideoFileClip(str(shot.source.path), audio=False)
            opened.append(source)
            start = shot.source.in_ms / 1000
            clip = source.subclipped(start, start + duration).resized((1920, 1080))
        if shot.transition_ms:
            clip = clip.with_effects([vfx.CrossFadeIn(shot.transition_ms / 1000)])
        layers.append(clip.with_start(shot.start_ms / 1000))
    for overlay in timeline.overlays:
        placed = lower_third_image(overlay, timeline.style, Canvas(1920, 1080), cache)
        layers.append(
            ImageClip(str(placed.path))
            .with_start(overlay.start_ms / 1000)
            .with_duration(overlay.duration_ms / 1000)
            .with_position((placed.x, placed.y))
            .with_effects([vfx.CrossFadeIn(0.3), vfx.CrossFadeOut(0.3)])
        )
    font = str(find_cjk_font().regular)
    for cue in timeline.cues:
        if cue.start_ms >= end_ms:
            break
        text = TextClip(
            font=font,
            text="\n".join(cue.lines),
            font_size=54,
            color="white",
            stroke_color="black",
            stroke_width=3,
            method="label",
        )
        layers.append(
            text.with_start(cue.start_ms / 1000)
            .with_duration(min(cue.end_ms, end_ms) / 1000 - cue.start_ms / 1000)
            .with_position(("center", 1080 - 65 - text.h))
        )
    for piece in timeline.audio:
        if piece.start_ms >= end_ms:
            break
        sound = AudioFileClip(str(piece.source.path))
        opened.append(sound)
        length = min(piece.source.duration_ms, end_ms - piece.start_ms) / 1000
        sounds.append(
            sound.subclipped(piece.source.in_ms / 1000, piece.source.in_ms / 1000 + length).with_start(
                piece.start_ms / 1000
            )
        )
    music = AudioFileClip(str(timeline.music.path))
    opened.append(music)
    sounds.append(music.with_effects([afx.AudioLoop(duration=seconds), afx.MultiplyVolume(0.125)]))
    video = CompositeVideoClip(layers, size=(1920, 1080)).with_duration(seconds)
    video = video.with_audio(CompositeAudioClip(sounds).with_duration(seconds))
    web = load_platform("web")
    v = web.video
    video.write_videofile(
        str(out),
        fps=25,
        codec="libx264",
        preset=v.preset,
        audio_codec="aac",
        audio_bitrate=web.audio.bitrate,
        audio_fps=48000,
        logger=None,
        ffmpeg_params=[
            "-crf",
            str(v.crf),
            "-maxrate",
            v.maxrate,
            "-bufsize",
            v.bufsize,
            "-g",
            "50",
            "-keyint_min",
            "50",
            "-sc_threshold",
            "0",
            "-bf",
            "2",
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
        ],
    )
    for clip in opened:
        clip.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=4.0, help="episode length (default 4)")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "pipeline-bench-render",
        help="where footage and the project are kept between runs",
    )
    parser.add_argument("--slice", type=float, default=45.0, help="seconds moviepy composites (default 45)")
    parser.add_argument("--skip-moviepy", action="store_true", help="leave out (c)")
    parser.add_argument("--skip-platforms", action="store_true", help="leave out (d)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time (a) and (b), and (d)'s runs, this many times, alternately; keep the fastest of each",
    )
    parser.add_argument(
        "--quick", action="store_true", help="leave out the cold run, the floor, (d)'s singles"
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="(g): chunks at once (default 2; 1 leaves (g) out)"
    )
    parser.add_argument(
        "--edits", type=int, default=1, help="(e): unticked sentences, each timed (default 1)"
    )
    parser.add_argument("--whole", action="store_true", help="add (h): (d) as one whole-programme chunk")
    args = parser.parse_args()
    if not args.skip_moviepy and importlib.util.find_spec("moviepy") is None:
        # moviepy is only the comparison, so it is not a dependency of the pipeline
        raise SystemExit("moviepy is not installed: pip install -e '.[bench]', or pass --skip-moviepy")

    seconds = args.minutes * 60
    print(f"Footage and project in {args.work}")
    paths = footage(args.work / "footage", args.minutes)
    project = project_in(args.work)
    timeline = episode(paths, args.minutes)
    print(
        f"  episode: {seconds:.0f} s, {len(timeline.shots)} shots, {len(timeline.audio)} narration pieces, "
        f"{len(timeline.cues)} subtitles"
    )
    shutil.rmtree(project.cache_dir, ignore_errors=True)
    figures = {}
    if not args.quick:
        figures["a_cold"] = timed(
            "(a) render --platform web --force, cold cache", lambda: render(project, timeline, ["web"])
        )
    for _ in range(max(1, args.repeat)):  # alternately, so a busy machine slows both alike
        if not args.quick:
            keep_fastest(figures, "b", FLOOR, lambda: floor(paths, seconds, args.work / "floor.mp4"))
        keep_fastest(figures, "a", RENDER, lambda: render(project, timeline, ["web"]))
        if args.jobs > 1:
            keep_fastest(
                figures,
                "g",
                jobs_label(RENDER, args.jobs),
                lambda: render(project, timeline, ["web"], jobs=args.jobs),
            )
    figures["noop"] = timed(
        "    rerun with nothing changed", lambda: render(project, timeline, ["web"], force=False)
    )
    edits = []
    for n in range(max(1, args.edits)):  # the middle sentence, then every third one after it
        index = (len(timeline.audio) // 2 + 3 * n) % len(timeline.audio)
        edited = without_sentence(timeline, index)
        edits.append(
            timed(f"{EDIT} (sentence {index + 1})", lambda e=edited: render(project, e, ["web"], force=False))
        )
        figures["e_back"] = timed(
            "    ...and ticked again", lambda: render(project, timeline, ["web"], force=False)
        )
    figures["e"], figures["e_min"] = max(edits), min(edits)
    made: dict[str, Timeline] = {}
    figures["f_proxies"] = timed(
        "    review proxies (once)", lambda: made.update(timeline=with_proxies(args.work, timeline))
    )
    proxied = made["timeline"]
    figures["f"] = timed(DRAFT, lambda: render(project, proxied, ["web"], draft=True))
    if not args.skip_moviepy:
        figures["c_slice"] = timed(
            f"(c) moviepy 2, first {args.slice:.0f} s",
            lambda: moviepy_slice(project, timeline, args.slice, args.work / "moviepy.mp4"),
        )
        figures["c"] = figures["c_slice"] * seconds / args.slice
    if not args.skip_platforms:
        for _ in range(max(1, args.repeat)):  # the one run and the single runs in turn, like (a) and (b)
            keep_fastest(figures, "d_all", ALL, lambda: render(project, timeline, list(SINGLES)))
            if args.whole:
                keep_fastest(
                    figures, "h", WHOLE, lambda: render(project, timeline, list(SINGLES), whole=True)
                )
            if args.jobs > 1:
                keep_fastest(
                    figures,
                    "g_all",
                    jobs_label(ALL, args.jobs),
                    lambda: render(project, timeline, list(SINGLES), jobs=args.jobs),
                )
            if not args.quick:
                for name in SINGLES:
                    keep_fastest(
                        figures, f"d_{name}", alone(name), lambda n=name: render(project, timeline, [n])
                    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print()
    print(table(figures, seconds, args.slice, peak_mb, args.jobs))
    return 0


def span(fig: dict[str, float], key: str, pattern: str) -> str:
    """ "6.0 s", or "6.0-7.5 s" when several runs were timed (key_min the least, key the most)."""
    low, high = fig.get(f"{key}_min", fig[key]), fig[key]
    shown = pattern.format(high)
    return shown if pattern.format(low) == shown else f"{pattern.format(low).split()[0]}-{shown}"


def jobs_label(what: str, jobs: int) -> str:
    return f"{what}, --jobs {jobs}"


def table(fig: dict[str, float], seconds: float, slice_s: float, peak_mb: float, jobs: int) -> str:
    cpu = {key: CPU.get(what) for key, what in (("a", RENDER), ("b", FLOOR))}
    cpu_ratio = f"{cpu['a'] / cpu['b']:.2f}x" if cpu["a"] and cpu["b"] else "n/a"
    rows = [
        f"| measure ({seconds / 60:g}-minute 1080p25 episode) | wall time | ratio | target |",
        "|---|---|---|---|",
    ]
    if "b" in fig:
        rows.append(
            f"| (a) `render --platform web --force` | {fig['a']:.0f} s | {fig['a'] / fig['b']:.2f}x the floor "
            f"(CPU time {cpu_ratio}) | <= 1.3x |"
        )
        rows.append(f"| (b) floor: bare ffmpeg encode, same settings | {fig['b']:.0f} s | 1.00x | |")
    else:
        rows.append(
            f"| (a) `render --platform web --force` | {fig['a']:.0f} s | {fig['a'] / seconds:.2f}x real time | |"
        )
    if "a_cold" in fig and "b" in fig:
        rows.append(
            f"| (a) the same, cold cache (graphics, loudness pass 1) | {fig['a_cold']:.0f} s | "
            f"{fig['a_cold'] / fig['b']:.2f}x the floor | |"
        )
    rows.append(
        f"| (e) one sentence unticked mid-episode, `render --platform web` | {span(fig, 'e', '{:.1f} s')} | "
        f"{span({k: v / fig['a'] for k, v in fig.items() if k in ('e', 'e_min')}, 'e', '{:.2f}x')} (a) | <= 0.15x |"
    )
    rows.append(
        f"| (e) the sentence ticked again (every chunk cached) | {fig['e_back']:.1f} s | {fig['e_back'] / fig['a']:.2f}x (a) | |"
    )
    rows.append(
        f"| (f) `render --draft` (web) from the review proxies | {fig['f']:.1f} s | {fig['f'] / seconds:.2f}x real time | "
        f"<= 0.15x |"
    )
    rows.append(f"| (f) making the review proxies (once per clip) | {fig['f_proxies']:.0f} s | | |")
    if "c" in fig:
        rows.append(
            f"| (c) moviepy 2 compositing ({slice_s:.0f} s timed, x{seconds / slice_s:.2f}) | {fig['c']:.0f} s | "
            f"{fig['c'] / fig['a']:.1f}x slower than (a) | >= 3x |"
        )
    if "d_web" in fig:
        wall_sum = sum(fig[f"d_{name}"] for name in SINGLES)
        cpu_all, cpu_sum = CPU.get(ALL), sum(CPU.get(alone(name), 0.0) for name in SINGLES)
        cpu_d = f"{cpu_all / cpu_sum:.2f}x" if cpu_all and cpu_sum else "n/a"
        singles = ", ".join(f"{name} {fig[f'd_{name}']:.0f} s" for name in SINGLES)
        rows.append(
            f"| (d) web + wechat + channels, one run | {fig['d_all']:.0f} s | "
            f"{fig['d_all'] / wall_sum:.2f}x the sum (CPU time {cpu_d}) | <= 1.0x |"
        )
        rows.append(f"| (d) sum of three single-platform runs ({singles}) | {wall_sum:.0f} s | | |")
    elif "d_all" in fig:
        rows.append(
            f"| (d) web + wechat + channels, one run, `--force` | {fig['d_all']:.0f} s | "
            f"{fig['d_all'] / seconds:.2f}x real time | |"
        )
    for key, base, what in (("g", "a", RENDER), ("g_all", "d_all", ALL)):
        if key in fig:
            cpu_g, cpu_base = CPU.get(jobs_label(what, jobs)), CPU.get(what)
            cpu_text = f" (CPU time {cpu_g / cpu_base:.2f}x)" if cpu_g and cpu_base else ""
            rows.append(
                f"| (g) {base} with `--jobs {jobs}` | {fig[key]:.0f} s | {fig[key] / fig[base]:.2f}x ({base}){cpu_text} | "
                "< 1.0x to be the default |"
            )
    if "h" in fig:
        cpu_h, cpu_d = CPU.get(WHOLE), CPU.get(ALL)
        cpu_text = f" (CPU time {cpu_d / cpu_h:.2f}x)" if cpu_h and cpu_d else ""
        rows.append(
            f"| (h) (d) as one whole-programme chunk, the render before chunking | {fig['h']:.0f} s | "
            f"(d) chunked is {fig['d_all'] / fig['h']:.2f}x this{cpu_text} | (d) <= 1.0x |"
        )
    rows.append(f"| rerun with nothing changed | {fig['noop']:.2f} s | | < 1 s |")
    rows.append(f"| peak memory of one ffmpeg child | {peak_mb:.0f} MB | | |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
