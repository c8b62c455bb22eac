"""Tiny media generated with ffmpeg's lavfi sources, in the shapes cameras produce.

Used by fixtures across the test suite; every clip is seconds long and encodes in well under a second
(except the 4K one).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.media.runner import run_ffmpeg


def make_clip(
    path: Path,
    *,
    size: str = "320x240",
    rate: str = "25",
    duration: float = 2.0,
    audio: bool = True,
    video: bool = True,
    vcodec: str = "libx264",
    acodec: str = "aac",
    sample_rate: int = 48000,
    channels: int = 2,
    interlaced: bool = False,
    vfr: bool = False,
    rotation: int = 0,
    tone_hz: int = 440,
    audio_source: Path | None = None,
    extra: tuple[str, ...] = (),
    video_source: str | None = None,
    vfilters: tuple[str, ...] = (),
    pix_fmt: str = "yuv420p",
) -> Path:
    """Write a clip to `path`; the container comes from the suffix (.MTS is written as MPEG-TS)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    args: list[str] = ["-y"]
    if video:
        args += ["-f", "lavfi", "-i", video_source or f"testsrc2=size={size}:rate={rate}"]
    if audio:
        if audio_source is not None:
            args += ["-i", str(audio_source)]
        else:
            args += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate={sample_rate}"]
    args += ["-t", f"{duration:.3f}"]
    if video:
        filters = []
        if interlaced:
            filters.append("setfield=tff")
        if vfr:
            filters.append(r"select='not(eq(mod(n\,3)\,1))'")
        filters += vfilters
        if filters:
            args += ["-vf", ",".join(filters)]
        args += ["-c:v", vcodec, "-pix_fmt", pix_fmt]
        if vcodec == "libx264":
            args += ["-preset", "ultrafast"]
            if interlaced:
                args += ["-flags", "+ilme+ildct", "-x264-params", "tff=1"]
        elif vcodec == "libx265":
            args += ["-preset", "ultrafast", "-x265-params", "log-level=error"]
        if vfr:
            args += ["-fps_mode", "vfr"]
    else:
        args += ["-vn"]
    if audio:
        args += ["-c:a", acodec, "-ar", str(sample_rate), "-ac", str(channels)]
    else:
        args += ["-an"]
    if path.suffix.lower() == ".mts":
        args += ["-f", "mpegts"]
    args += list(extra)
    if rotation:
        tmp = path.with_name(path.stem + ".norot" + path.suffix)
        run_ffmpeg([*args, str(tmp)], outputs=[tmp], what=f"generating {path.name}")
        run_ffmpeg(
            ["-y", "-display_rotation", str(rotation), "-i", str(tmp), "-c", "copy", str(path)],
            outputs=[path],
            what=f"rotating {path.name}",
        )
        tmp.unlink()
    else:
        run_ffmpeg([*args, str(path)], outputs=[path], what=f"generating {path.name}")
    return path


# the camera shapes of docs/specs.md, small enough for tests unless `full_size`
def avchd_mts(path: Path, duration: float = 2.0, full_size: bool = True) -> Path:
    """AVCHD: MPEG-TS, H.264 1080i50 (25 fps, top field first), AC-3 stereo."""
    return make_clip(
        path,
        size="1920x1080" if full_size else "640x360",
        rate="25",
        duration=duration,
        interlaced=True,
        acodec="ac3",
    )


def dslr_mov(path: Path, duration: float = 2.0) -> Path:
    """DSLR: QuickTime, H.264 progressive, PCM audio."""
    return make_clip(path, size="1280x720", rate="25", duration=duration, acodec="pcm_s16le")


def phone_mp4(path: Path, duration: float = 2.0) -> Path:
    """Phone: MP4, HEVC, variable frame rate, rotation metadata (portrait held)."""
    return make_clip(
        path,
        size="640x360",
        rate="30",
        duration=duration,
        vcodec="libx265",
        vfr=True,
        rotation=90,
        sample_rate=44100,
        channels=1,
    )


def broll_4k_hevc(path: Path, duration: float = 0.5) -> Path:
    """4K HEVC B-roll without an audio track."""
    return make_clip(path, size="3840x2160", rate="25", duration=duration, vcodec="libx265", audio=False)


def audio_only(path: Path, duration: float = 2.0) -> Path:
    return make_clip(
        path, video=False, duration=duration, acodec="pcm_s16le" if path.suffix == ".wav" else "aac"
    )


# ---- footage that is not square-pixel 8-bit BT.709 SDR -----------------------------------------

CIRCLE_RADIUS = 0.3  # of the picture height


def circle_source(display: tuple[int, int], rate: str = "25", duration: float = 1.0) -> str:
    """A white circle (diameter 60% of the height) on black, drawn round at the *display* size; one
    frame is drawn and repeated (geq per pixel is slow)."""
    w, h = display
    frames = max(1, round(float(duration) * float(rate)))
    r = CIRCLE_RADIUS * h
    return (
        f"color=c=black:s={w}x{h}:r={rate}:d={1 / float(rate):.4f},format=yuv420p,"
        f"geq=lum='if(lt(hypot(X-{w / 2},Y-{h / 2}),{r}),235,16)':cb=128:cr=128,"
        f"loop=loop={frames - 1}:size=1,setpts=N/({rate})/TB"
    )


def anamorphic_clip(path: Path, *, stored=(1440, 1080), display=(1920, 1080), duration: float = 1.0) -> Path:
    """HDV/AVCHD LP: a round circle filmed at 16:9, stored squeezed to 1440x1080 with SAR 4:3."""
    sar = f"{display[0] * stored[1]}/{display[1] * stored[0]}"
    return make_clip(
        path,
        duration=duration,
        video_source=circle_source(display, duration=duration),
        vfilters=(f"scale={stored[0]}:{stored[1]}", f"setsar={sar}"),
        acodec="ac3" if path.suffix.lower() == ".mts" else "aac",
    )


# BT.709 colours a test can look for after a round trip: (R, G, B) 8-bit, full scale
PATCHES = ((192, 128, 64), (64, 128, 192), (200, 60, 60), (128, 128, 128))
PATCH_SIZE = (80, 180)


def patch_source(rate: str = "25", duration: float = 1.0) -> str:
    """Four vertical colour bars of PATCHES (320x180 in all), as RGB."""
    w, h = PATCH_SIZE
    bars = ";".join(
        f"color=c=0x{r:02x}{g:02x}{b:02x}:s={w}x{h}:r={rate}:d={duration},format=gbrp[p{i}]"
        for i, (r, g, b) in enumerate(PATCHES)
    )
    return f"{bars};{''.join(f'[p{i}]' for i in range(len(PATCHES)))}hstack=inputs={len(PATCHES)}"


HDR_TRANSFERS = {"hlg": "arib-std-b67", "pq": "smpte2084"}


def hdr_clip(path: Path, kind: str = "hlg", *, duration: float = 1.0, channels: int = 2) -> Path:
    """A phone's HDR recording of the BT.709 PATCHES: HEVC Main10, BT.2020, HLG or PQ.

    Graded as BT.2408 says: SDR reference white (100%) lands at 203 cd/m2, which is 75% of the HLG
    signal and 58% of PQ's."""
    transfer = HDR_TRANSFERS[kind]
    return make_clip(
        path,
        duration=duration,
        video_source=patch_source(duration=duration),
        vcodec="libx265",
        pix_fmt="yuv420p10le",
        channels=channels,
        vfilters=(
            "setparams=color_primaries=bt709:color_trc=bt709:colorspace=gbr:range=pc",
            "zscale=t=linear:npl=203",
            "format=gbrpf32le",
            f"zscale=p=2020:t={transfer}:m=2020_ncl:r=tv:npl=203",
            "format=yuv420p10le",
            f"setparams=color_primaries=bt2020:color_trc={transfer}:colorspace=bt2020nc:range=tv",
        ),
        extra=("-crf", "8", "-tag:v", "hvc1"),
    )


def sd_601_clip(path: Path, *, duration: float = 1.0) -> Path:
    """SD PAL 720x576 (SAR 16:15 = 4:3 display) of the PATCHES, BT.601 matrix, tagged so."""
    return make_clip(
        path,
        duration=duration,
        video_source=patch_source(duration=duration),
        vfilters=(
            "scale=720:576:out_color_matrix=bt601:out_range=tv",
            "format=yuv420p",
            "setsar=16/15",
            "setparams=color_primaries=bt470bg:color_trc=smpte170m:colorspace=bt470bg:range=tv",
        ),
        extra=("-crf", "10"),
    )


LAYOUT_CHANNELS = {"stereo": ("FL", "FR"), "5.1(side)": ("FL", "FR", "FC", "LFE", "SL", "SR")}


def channels_clip(
    path: Path,
    tones: tuple[float | None, ...],
    *,
    layout: str = "stereo",
    duration: float = 2.0,
    levels_db: tuple[float, ...] | None = None,
    acodec: str = "aac",
) -> Path:
    """A clip whose audio channels each carry their own sine tone (None: silence), e.g. (440, 1000):
    a lavalier on channel 1 and a second microphone on channel 2."""
    levels = levels_db or (-12.0,) * len(tones)
    parts = []
    for i, (tone, level) in enumerate(zip(tones, levels)):
        if tone is None:
            parts.append(f"anullsrc=r=48000:cl=mono[c{i}]")
        else:
            parts.append(f"sine=frequency={tone}:sample_rate=48000,volume={level}dB[c{i}]")
    pads = "".join(f"[c{i}]" for i in range(len(tones)))
    names = LAYOUT_CHANNELS[layout]
    mapping = "|".join(f"{i}.0-{name}" for i, name in enumerate(names))
    audio = ";".join(parts) + f";{pads}join=inputs={len(tones)}:channel_layout={layout}:map={mapping}"
    args = [
        "-y",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25",
        "-f",
        "lavfi",
        "-i",
        audio,
        "-t",
        f"{duration:.3f}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        acodec,
        "-b:a",
        "384k",
        str(path),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    run_ffmpeg(args, outputs=[path], what=f"generating {path.name}")
    return path


def spanned_recording(folder: Path, parts: int = 3, part_s: float = 1.0) -> list[Path]:
    """One AVCHD-like take split the way cameras span it: 00001.MTS, 00002.MTS... with timestamps
    running on across the files (the segment muxer without resetting timestamps)."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / ".take.ts"
    make_clip(whole, duration=parts * part_s, acodec="ac3", extra=("-g", "25", "-f", "mpegts"))
    run_ffmpeg(
        [
            "-y",
            "-i",
            str(whole),
            "-map",
            "0",
            "-c",
            "copy",
            "-f",
            "segment",
            "-segment_time",
            str(part_s),
            "-segment_format",
            "mpegts",
            "-reset_timestamps",
            "0",
            "-segment_start_number",
            "1",
            str(folder / "%05d.MTS"),
        ],
        what="spanning a take",
    )
    whole.unlink()
    return sorted(folder.glob("*.MTS"))
