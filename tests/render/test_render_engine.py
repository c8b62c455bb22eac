"""End to end: a 6 s timeline over tiny generated clips rendered for web, WeChat and Channels in one
ffmpeg run, checked with PyAV; reruns, subtitle edits, failures and drafts."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import av
import media
import numpy as np
import pytest
from render_scenes import NASTY

from pipeline.edit.timeline import AudioPiece, Card, MusicBed, Overlay, Shot, SourceSpan, Timeline
from pipeline.errors import FfmpegError
from pipeline.media import runner
from pipeline.project.create import create_project
from pipeline.project.digest import sha256_file
from pipeline.render import chunked, engine, graphics
from pipeline.render.manifest import load_manifest
from pipeline.subtitles.cue import Cue

pytestmark = pytest.mark.slow
PLATFORMS = ("web", "wechat", "channels")
LONG_LINE = "我们村里的年轻人都出去打工了留下的都是老人"  # 21 characters: 2 lines landscape, 2 cues vertical


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("render-clips")
    return {
        "int": media.make_clip(folder / "int-001.mp4", size="640x360", duration=4.0, tone_hz=440),
        "cam": media.avchd_mts(folder / "int-002.mts", duration=2.0, full_size=False),
        "phone": media.phone_mp4(folder / "int-003.mp4", duration=1.5),
        "broll": media.broll_4k_hevc(folder / "broll-001.mp4", duration=0.6),
        "music": media.make_clip(
            folder / "music.wav", video=False, duration=2.5, tone_hz=220, acodec="pcm_s16le"
        ),
    }


def episode(clips: dict[str, Path], cues: tuple[Cue, ...]) -> Timeline:
    """6 s: title card, narration (crossfaded in), 4K B-roll over narration, AVCHD, phone, credits."""
    interview = SourceSpan("int-001", clips["int"], 500, 2500)
    return Timeline(
        duration_ms=6_000,
        fps=Fraction(25),
        shots=(
            Shot(0, 1_000, card=Card("title", ("我是党员", "驻村路上"))),
            Shot(1_000, 1_500, source=SourceSpan("int-001", clips["int"], 500, 2000), transition_ms=400),
            Shot(2_500, 500, source=SourceSpan("broll-001", clips["broll"], 0, 500)),
            Shot(3_000, 1_000, source=SourceSpan("int-002", clips["cam"], 500, 1500)),
            Shot(4_000, 1_000, source=SourceSpan("int-003", clips["phone"], 200, 1200)),
            Shot(5_000, 1_000, card=Card("credits", ("出品  县党员教育中心",)), transition_ms=400),
        ),
        audio=(
            AudioPiece(1_000, interview),
            AudioPiece(3_000, SourceSpan("int-002", clips["cam"], 500, 1500)),
            AudioPiece(4_000, SourceSpan("int-003", clips["phone"], 200, 1200), gain_db=2.0),
        ),
        overlays=(Overlay("lower_third", 1_200, 2_000, ("王建华", "驻村工作队队员")),),
        music=MusicBed(clips["music"], 0, 6_000, gain_db=-14.0, fade_ms=500),
        cues=cues,
        title="驻村路上",
    )


CUES = (Cue(1_100, 2_900, (LONG_LINE,)), Cue(3_000, 4_900, (NASTY,)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, clips):
    """The project after one render of every platform (x264 'superfast' to keep the test quick)."""
    root = tmp_path_factory.mktemp("render-e2e") / "项目 one"
    fast = {name: {"video": {"preset": "superfast"}} for name in PLATFORMS}
    project = create_project(
        root,
        title="驻村路上",
        subject_name="王建华",
        subject_role="驻村工作队队员",
        extra={"people": [{"name": "王建华", "consent": True}], "overrides": {"platforms": fast}},
    )
    calls: list[list[str]] = []
    real = chunked.run_ffmpeg

    def counting(args, **kwargs):
        calls.append(list(args))
        return real(args, **kwargs)

    chunked.run_ffmpeg = counting
    try:
        report = engine.render_project(project.root, PLATFORMS, timeline=episode(clips, CUES))
    finally:
        chunked.run_ffmpeg = real
    return project, report, calls


def _frame(path: Path, at_s: float) -> np.ndarray:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        container.seek(int(at_s / stream.time_base), stream=stream)
        for frame in container.decode(stream):
            if frame.time >= at_s - 0.02:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {at_s} s in {path}")


def test_one_run_renders_every_platform_to_its_preset(rendered):
    project, report, calls = rendered
    pictures = [c for c in calls if "-an" in c]
    sounds = [c for c in calls if "-vn" in c]
    joins = [c for c in calls if "concat" in c]
    assert len(calls) == len(pictures) + len(sounds) + len(joins)
    assert all(c.count("-an") == 4 for c in pictures), "each chunk encoded for every output in one run"
    assert len(sounds) == 1 and sounds[0].count("-vn") == 4, "the sound of every output from one run"
    assert len(joins) == 4
    assert not report.failed, report.failure_message()
    shapes = {
        ("web", "main"): (1920, 1080),
        ("wechat", "main"): (1920, 1080),
        ("wechat", "api"): (1280, 720),
        ("channels", "main"): (1080, 1920),
    }
    assert {(o.platform, o.variant) for o in report.outputs} == set(shapes)
    for out in report.outputs:
        assert out.rendered and out.path.exists()
        with av.open(str(out.path)) as container:
            video, audio = container.streams.video[0], container.streams.audio[0]
            assert (video.codec_context.width, video.codec_context.height) == shapes[
                (out.platform, out.variant)
            ]
            assert (video.codec_context.name, video.codec_context.pix_fmt, video.profile) == (
                "h264",
                "yuv420p",
                "High",
            )
            assert (
                audio.codec_context.name,
                audio.codec_context.sample_rate,
                audio.codec_context.channels,
            ) == ("aac", 48000, 2)
            for stream in (video, audio):
                assert abs(float(stream.duration * stream.time_base) - 6.0) <= 2 / 25
        assert abs(out.entry.loudness_lufs - -15.0) <= 1.0  # ebur128 on the written file
        assert out.entry.true_peak_dbtp <= -1.0 + 0.1
    assert report.outputs[2].path.stat().st_size <= 10_000_000


def test_manifest_sidecars_and_covers(rendered):
    project, report, _ = rendered
    entries = {(e.platform, e.variant): e for e in load_manifest(project)}
    assert set(entries) == {("web", "main"), ("wechat", "main"), ("wechat", "api"), ("channels", "main")}
    assert all(e.passed and e.fingerprint for e in entries.values())
    web = entries[("web", "main")]
    assert web.subtitles.burned_in is False and [Path(s).suffix for s in web.subtitles.sidecars] == [
        ".srt",
        ".vtt",
    ]
    srt = (project.root / web.subtitles.sidecars[0]).read_text("utf-8")
    assert NASTY in srt and LONG_LINE in srt
    assert entries[("wechat", "main")].subtitles.burned_in is True
    covers = {c.name: (c.width, c.height) for e in entries.values() for c in e.covers}
    assert covers == {
        "poster": (1920, 1080),
        "cover-2.35x1": (900, 383),
        "cover-1x1": (900, 900),
        "api-thumb": (900, 383),
        "cover-6x7": (1080, 1260),
    }
    thumb = next(c for c in entries[("wechat", "main")].covers if c.name == "api-thumb")
    assert thumb.size_bytes <= 64_000


def test_pictures_phone_pillarbox_and_vertical_fill(rendered):
    _, report, _ = rendered
    web = next(o.path for o in report.outputs if o.platform == "web")
    channels = next(o.path for o in report.outputs if o.platform == "channels")
    phone = _frame(web, 4.5)  # the rotated phone shot: upright, centred on black
    assert phone[:, :200].mean() < 20 and phone[:, 860:1060].mean() > 40
    vertical = _frame(channels, 2.0)
    assert vertical[100:400].mean() > 20  # the blurred fill above the framed picture, not black bars
    assert vertical[100:400].std() < vertical[700:1200].std()  # and softer than the picture itself


def test_rerun_with_nothing_changed_runs_no_ffmpeg_and_draws_nothing(rendered, clips, monkeypatch):
    project, _, _ = rendered

    def no_ffmpeg(args):
        raise AssertionError(f"ffmpeg ran on an up-to-date project: {args}")

    def no_drawing(*args, **kwargs):
        raise AssertionError("artwork was drawn again for an up-to-date project")

    monkeypatch.setattr(runner, "build_command", no_ffmpeg)  # every run_ffmpeg, whichever module calls it
    for painter in ("draw_title_card", "draw_credits_card", "draw_lower_third"):
        monkeypatch.setattr(graphics, painter, no_drawing)
    report = engine.render_project(project.root, PLATFORMS, timeline=episode(clips, CUES))
    assert not report.rendered and not report.failed


@pytest.mark.parametrize("failure", [FfmpegError("rendering failed: boom"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_render_leaves_no_half_file(rendered, clips, monkeypatch, failure):
    project, report, _ = rendered
    before = {o.path: sha256_file(o.path) for o in report.outputs}

    def half_written(args, *, outputs=(), **kwargs):
        for path in outputs:
            Path(path).write_bytes(b"half a file")
        raise failure

    monkeypatch.setattr(chunked, "run_ffmpeg", half_written)
    with pytest.raises(type(failure)):
        engine.render_project(project.root, PLATFORMS, timeline=episode(clips, CUES), force=True)
    assert {path: sha256_file(path) for path in before} == before
    assert not [p for p in (project.root / "exports").rglob("*") if ".part" in p.name]


def test_changing_one_subtitle_rerenders_only_the_outputs_that_burn_it(rendered, clips):
    project, report, _ = rendered
    web = next(o.path for o in report.outputs if o.platform == "web")
    web_sha = sha256_file(web)
    changed = (CUES[0], dataclasses.replace(CUES[1], lines=("改过的字幕",)))
    wechat = next(o.path for o in report.outputs if (o.platform, o.variant) == ("wechat", "main"))
    left_over = wechat.with_name(f".{wechat.stem}.k1ll3d.part.mp4")  # from a run killed with SIGKILL
    left_over.write_bytes(b"half")
    again = engine.render_project(project.root, PLATFORMS, timeline=episode(clips, changed))
    assert not left_over.exists()
    assert {(o.platform, o.variant) for o in again.rendered} == {
        ("wechat", "main"),
        ("wechat", "api"),
        ("channels", "main"),
    }
    assert sha256_file(web) == web_sha
    assert "改过的字幕" in web.with_suffix(".srt").read_text("utf-8")  # the sidecar follows the subtitles
    assert not again.failed, again.failure_message()


def test_draft_renders_small_previews_apart(rendered, clips):
    project, _, _ = rendered
    report = engine.render_project(
        project.root, ("web", "channels"), draft=True, timeline=episode(clips, CUES)
    )
    assert [(o.variant, o.path.parent.relative_to(project.root).as_posix()) for o in report.outputs] == [
        ("draft", "exports/draft/web"),
        ("draft", "exports/draft/channels"),
    ]
    sizes = [(o.entry.width, o.entry.height) for o in report.outputs]
    assert sizes == [(640, 360), (360, 640)]
    assert not report.failed, report.failure_message()
