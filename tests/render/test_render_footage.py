"""Camera and phone footage rendered true, measured on the rendered files: an anamorphic circle stays
round, HLG/PQ/BT.601 colour patches come back as their BT.709 colours, every output is tagged BT.709."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import media
import numpy as np
import pytest

from pipeline.edit.timeline import AudioPiece, Shot, SourceSpan, Timeline
from pipeline.media.probe import probe
from pipeline.project.create import create_project
from pipeline.render import engine

pytestmark = pytest.mark.slow
PLATFORMS = ("web", "channels")
SHOTS = ("circle", "hlg", "pq", "sd")  # one second each, in this order


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("footage")
    clips = {
        # HDV captured to QuickTime (an .MTS is read through its indexed copy once ingested)
        "circle": media.anamorphic_clip(folder / "hdv.mov", duration=1.5),
        "hlg": media.hdr_clip(folder / "IMG_0001.MOV", "hlg", duration=1.5),
        "pq": media.hdr_clip(folder / "VID_pq.mp4", "pq", duration=1.5),
        "sd": media.sd_601_clip(folder / "dv.mov", duration=1.5),
    }
    spans = [SourceSpan(name, clips[name], 200, 1_200) for name in SHOTS]
    timeline = Timeline(
        duration_ms=4_000,
        fps=Fraction(25),
        shots=tuple(Shot(i * 1_000, 1_000, source=span) for i, span in enumerate(spans)),
        audio=(AudioPiece(0, spans[0]),),
        title="footage",
    )
    root = tmp_path_factory.mktemp("footage-project") / "project"
    fast = {name: {"video": {"preset": "superfast"}} for name in PLATFORMS}
    create_project(
        root,
        title="footage",
        subject_name="王建华",
        subject_role="村支书",
        extra={"people": [{"name": "王建华", "consent": True}], "overrides": {"platforms": fast}},
    )
    report = engine.render_project(root, PLATFORMS, timeline=timeline)
    outputs = {out.platform: out.path for out in report.outputs if out.variant == "main"}
    return root, clips, outputs


def frame_yuv(path: Path, at_s: float) -> np.ndarray:
    """The frame at `at_s` as full-resolution Y, U, V planes (chroma repeated, no matrix applied)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time >= at_s - 0.02:
                return frame.to_ndarray(format="yuv444p").astype(float)
    raise AssertionError(f"no frame at {at_s} s in {path}")


def bt709_rgb(yuv: np.ndarray) -> np.ndarray:
    """Limited-range BT.709 Y'CbCr -> R'G'B' 0..255 (the decode every player does for these tags)."""
    y, u, v = (yuv[0] - 16) * 255 / 219, (yuv[1] - 128) * 255 / 224, (yuv[2] - 128) * 255 / 224
    kr, kb = 0.2126, 0.0722
    kg = 1 - kr - kb
    r = y + 2 * (1 - kr) * v
    b = y + 2 * (1 - kb) * u
    g = (y - kr * r - kb * b) / kg
    return np.stack([r, g, b])


def circle_box(luma: np.ndarray) -> tuple[int, int]:
    rows, cols = np.nonzero(luma > 180)
    return int(cols.max() - cols.min() + 1), int(rows.max() - rows.min() + 1)


def test_anamorphic_circle_is_round_in_every_output(rendered):
    _, _, outputs = rendered
    for platform, path in outputs.items():
        luma = frame_yuv(path, 0.5)[0]
        if platform == "channels":  # the framed 16:9 picture only, not the blurred fill around it
            h = luma.shape[0]
            luma = luma[h // 2 - 304 : h // 2 + 304]
        width, height = circle_box(luma)
        assert abs(width / height - 1) < 0.02, (platform, width, height)
    web_w, web_h = circle_box(frame_yuv(outputs["web"], 0.5)[0])
    assert abs(web_h - 0.6 * 1080) <= 6  # the circle fills 60% of the height, as filmed


@pytest.mark.parametrize("shot", ["hlg", "pq", "sd"])
def test_known_patch_colours_come_back(rendered, shot):
    _, _, outputs = rendered
    rgb = bt709_rgb(frame_yuv(outputs["web"], SHOTS.index(shot) + 0.5))
    width = 1440 if shot == "sd" else 1920  # SD PAL is 4:3: pillarboxed in the 16:9 frame
    bar = width // len(media.PATCHES)
    for i, expected in enumerate(media.PATCHES):
        x = (1920 - width) // 2 + bar * i + bar // 2
        measured = rgb[:, 500:580, x - 40 : x + 40].mean(axis=(1, 2))
        assert np.abs(measured - np.array(expected)).max() <= 8, (shot, expected, measured.round(1))


def test_every_output_and_container_is_tagged_bt709(rendered):
    _, _, outputs = rendered
    for path in outputs.values():
        video = probe(path).video
        assert (video.color_primaries, video.color_transfer, video.color_matrix, video.color_range) == (
            "bt709",
            "bt709",
            "bt709",
            "tv",
        )
        data = path.read_bytes()
        colr = data.index(b"colrnclx")
        # primaries 1, transfer 1, matrix 1 (BT.709), full-range flag clear
        assert data[colr + 8 : colr + 15] == b"\x00\x01\x00\x01\x00\x01\x00"


def test_cover_still_is_at_display_aspect(rendered):
    root, _, _ = rendered
    stills = sorted((root / ".cache" / "graphics").glob("frame-*.png"))
    assert stills
    with av.open(str(stills[0])) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (1920, 1080)


def audio_of(path: Path) -> tuple[np.ndarray, int]:
    """The rendered sound as float samples (channels x n) and its rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks = [frame.to_ndarray() for frame in container.decode(stream)]
        return np.concatenate(chunks, axis=1), stream.codec_context.sample_rate


def tone_db(samples: np.ndarray, rate: int, hz: float) -> float:
    window = np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(samples * window)) / (window.sum() / 2)
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(20 * np.log10(max(spectrum[(freqs > hz - 15) & (freqs < hz + 15)].max(), 1e-12)))


@pytest.fixture(scope="module")
def sound(tmp_path_factory):
    """Two seconds from a two-microphone camera (lavalier 440 Hz on channel 1, a 1 kHz tone on the
    second microphone) with channel 1 chosen, then two seconds of 5.1 AC-3 (440 Hz front left,
    1 kHz centre, both -12 dBFS)."""
    folder = tmp_path_factory.mktemp("sound")
    mics = media.channels_clip(folder / "mics.mov", (440, 1000), duration=2.5)
    surround = media.channels_clip(
        folder / "ac3.mov",
        (440, None, 1000, None, None, None),
        layout="5.1(side)",
        acodec="ac3",
        duration=2.5,
    )
    spans = (SourceSpan("int-001", mics, 200, 2_200), SourceSpan("int-002", surround, 200, 2_200))
    timeline = Timeline(
        duration_ms=4_000,
        fps=Fraction(25),
        shots=tuple(Shot(i * 2_000, 2_000, source=span) for i, span in enumerate(spans)),
        audio=tuple(AudioPiece(i * 2_000, span) for i, span in enumerate(spans)),
        audio_routing=(("int-001", 1, 1),),
    )
    root = tmp_path_factory.mktemp("sound-project") / "project"
    create_project(root, title="sound", subject_name="王建华", subject_role="村支书")
    report = engine.render_project(root, ("web",), draft=True, timeline=timeline)
    return audio_of(report.outputs[0].path)


def test_the_unused_microphone_is_at_least_40_db_down(sound):
    samples, rate = sound
    for side in samples:  # dialogue sits in the centre: both sides alike
        part = side[int(0.2 * rate) : int(1.8 * rate)]
        assert tone_db(part, rate, 440) - tone_db(part, rate, 1000) >= 40


def test_5_1_is_downmixed_with_the_centre_at_full_level(sound):
    samples, rate = sound
    part = samples[0, int(2.2 * rate) : int(3.8 * rate)]
    # centre at 1.0 in the mix, front left at 0.5: the centre tone 6 dB above the front's
    assert tone_db(part, rate, 1000) - tone_db(part, rate, 440) == pytest.approx(6.02, abs=0.7)


def test_a_draft_renders_without_consent_and_shows_the_sample_mark(tmp_path):
    clip = media.make_clip(
        tmp_path / "flat.mp4", video_source="color=c=0x203040:s=320x240:r=25", duration=1.2
    )
    root = tmp_path / "project"
    create_project(root, title="draft", subject_name="王建华", subject_role="村支书")  # no consent yet
    span = SourceSpan("int-001", clip, 0, 1_000)
    timeline = Timeline(1_000, Fraction(25), (Shot(0, 1_000, source=span),), (AudioPiece(0, span),))
    report = engine.render_project(root, ("web",), draft=True, timeline=timeline)
    luma = frame_yuv(report.outputs[0].path, 0.5)[0]
    height, width = luma.shape
    bright = luma > 140  # the white 样片 (70% opaque) on the dark flat picture (Y about 45)
    corner = bright[: height // 3, width // 2 :].sum()
    assert corner > 0.01 * (height // 3) * (width // 2), corner
    assert bright.sum() == corner  # nothing bright anywhere else
