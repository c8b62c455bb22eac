"""Render-stage test scenes: a small Timeline over fake sources, with fake facts, artwork and
loudness, for the pure tests (no file is read, nothing is run)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pipeline.edit.timeline import AudioPiece, Card, MusicBed, Overlay, Shot, SourceSpan, Style, Timeline
from pipeline.media.probe import AudioFacts, MediaFacts, VideoFacts
from pipeline.render.graph import Artwork
from pipeline.render.loudness import Measurement, Normalisation
from pipeline.render.platforms import load_platform
from pipeline.render.video import PlacedImage
from pipeline.subtitles.cue import Cue

NASTY = '"引号" 10%: [括号] \\ {}'
MEDIA = Path("/media")
FONTS = Path("/fonts")


def video_facts(width=1920, height=1080, rate="25", *, interlaced=False, vfr=False, rotation=0, codec="h264"):
    return VideoFacts(
        codec=codec,
        profile="High",
        width=width,
        height=height,
        frame_rate=rate,
        variable_frame_rate=vfr,
        field_order="tt" if interlaced else "progressive",
        interlaced=interlaced,
        rotation=rotation,
        pix_fmt="yuv420p",
    )


def media_facts(duration_ms=60_000, video=None, audio=True, container="mov,mp4,m4a,3gp,3g2,mj2"):
    return MediaFacts(
        container=container,
        duration_ms=duration_ms,
        size_bytes=1_000_000,
        video=video,
        audio=AudioFacts("aac", 48000, 2) if audio else None,
    )


# the fake sources of the golden Timeline: the camera shapes of docs/specs.md
INTERVIEW = MEDIA / "int-001.mp4"  # 1080p25 DSLR-like
AVCHD = MEDIA / "int-002.mts"  # 1080i50 MPEG-TS
PHONE = MEDIA / "int-003.mp4"  # HEVC, VFR 30 fps, rotated (portrait)
BROLL_4K = MEDIA / "broll-001.mp4"  # 4K HEVC, no audio
MUSIC = MEDIA / "music-001.m4a"

FAKE_FACTS = {
    INTERVIEW: media_facts(60_000, video_facts()),
    AVCHD: media_facts(60_000, video_facts(interlaced=True), container="mpegts"),
    PHONE: media_facts(20_000, video_facts(640, 360, "30", vfr=True, rotation=90, codec="hevc")),
    BROLL_4K: media_facts(3_000, video_facts(3840, 2160, codec="hevc"), audio=False),
    MUSIC: media_facts(30_000, None),
}

TITLE = Card("title", ("我是党员", "驻村路上"))
CREDITS = Card("credits", ("出品  县党员教育中心", "剪辑  李明"))
LOWER_THIRD = Overlay("lower_third", 2000, 5000, ("王建华", "驻村工作队队员"))


def small_timeline(
    sources=None, *, cues=(Cue(2100, 4000, ("第一句话",)), Cue(4200, 7800, (NASTY,)))
) -> Timeline:
    """12 s: title card, three narration shots (one with a 4K B-roll over it), credits card."""
    s = sources or {"int": INTERVIEW, "avchd": AVCHD, "phone": PHONE, "broll": BROLL_4K, "music": MUSIC}
    first = SourceSpan("int-001", s["int"], 5_000, 9_000)
    second = SourceSpan("int-002", s["avchd"], 12_000, 14_000)
    broll = SourceSpan("broll-001", s["broll"], 0, 1_500)
    return Timeline(
        duration_ms=12_000,
        fps=Fraction(25),
        shots=(
            Shot(0, 2_000, card=TITLE),
            Shot(2_000, 2_500, source=SourceSpan("int-001", s["int"], 5_000, 7_500), transition_ms=400),
            Shot(4_500, 1_500, source=broll),
            Shot(6_000, 2_000, source=second),
            Shot(8_000, 2_000, source=SourceSpan("int-003", s["phone"], 1_000, 3_000)),
            Shot(10_000, 2_000, card=CREDITS, transition_ms=400),
        ),
        audio=(
            AudioPiece(2_000, first),
            AudioPiece(6_000, second),
            AudioPiece(8_000, SourceSpan("int-003", s["phone"], 1_000, 3_000), gain_db=3.0),
        ),
        overlays=(LOWER_THIRD,),
        music=MusicBed(s["music"], 0, 12_000, gain_db=-18.0, fade_ms=1000),
        cues=cues,
        style=Style(),
        title="驻村路上",
    )


def fake_artwork(timeline: Timeline, sizes=((1920, 1080), (1080, 1920))) -> Artwork:
    cards = {shot.card: Path(f"/cache/{shot.card.kind}.png") for shot in timeline.shots if shot.card}
    thirds = {
        (o, w, h): PlacedImage(Path(f"/cache/lower-third-{w}x{h}.png"), 100, h - 300)
        for o in timeline.overlays
        for w, h in sizes
    }
    return Artwork(cards, thirds)


def fake_loudness(*names: str):
    measured = Measurement(-23.5, -6.2, 5.1, -34.0, 0.3)
    plans = {}
    for name in names:
        target = load_platform(name).loudness
        plans[(target.integrated_lufs, target.true_peak_dbtp)] = Normalisation(target, measured)
    return plans
