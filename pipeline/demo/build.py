"""Build the sample project: five narration takes as camera clips, four B-roll clips, a music bed.

The narration is real Mandarin speech (assets/sample/narration, with the exact texts); the picture
is generated (Pillow stills animated by ffmpeg) in the shapes an office's cameras produce: AVCHD
.MTS 1080i50 with AC-3 (one take anamorphic, 1440x1080 at SAR 4:3 as HDV and AVCHD LP record),
DSLR .MOV with PCM, a phone's HEVC with variable frame rate and rotation, an iPhone-style HDR clip
(HEVC Main10, BT.2020, HLG), 4K HEVC B-roll without sound. The subject's signed consent form is a
drawn "scan" that `pipeline demo` records with `pipeline consent`. The generated "camera card" is
cached, so rebuilding is quick.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pipeline.demo import CARD_CACHE, CONSENT_FORM, art
from pipeline.errors import ProjectError
from pipeline.i18n import _
from pipeline.media.runner import run_ffmpeg
from pipeline.project.create import create_project
from pipeline.project.files import atomic_output
from pipeline.project.ingest import ingest
from pipeline.project.model import Project
from pipeline.resources import assets_dir

ANAMORPHIC_TAKE = 3  # from the camcorder in its LP mode: 1440x1080, shown 16:9
MARKER = ".sample-project"
TAKES = 5
X264_FAST = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
X265_FAST = [
    "-c:v",
    "libx265",
    "-preset",
    "ultrafast",
    "-x265-params",
    "log-level=error",
    "-pix_fmt",
    "yuv420p",
]

Step = Callable[[str], None]


# the sample episode's [glossary]: the names, places and terms its narration says
SAMPLE_GLOSSARY = {
    "terms": ["王建华", "邹城市", "石墙镇", "驻村工作队", "两委", "合作社", "民生代办", "乡村振兴"],
    "wrong_forms": {"驻村工作对": "驻村工作队", "两为": "两委"},
}


def build_sample(dest: Path, *, say: Step = lambda message: None) -> Project:
    """(Re)build the sample project at `dest`. Refuses to touch a folder that is not a sample project."""
    dest = Path(dest)
    if dest.exists():
        if not (dest / MARKER).exists() and any(dest.iterdir()):
            raise ProjectError(
                _("{dest}: exists and is not the sample project; choose an empty or new folder").format(
                    dest=dest
                )
            )
        shutil.rmtree(dest)
    card = camera_card(say)
    say(_("creating the project"))
    project = create_project(
        dest,
        title="驻村路上",
        subject_name="王建华",
        subject_role="驻村工作队队员",
        subject_unit="邹城市石墙镇",
        series="我是党员",
        episode=1,
        week="2026-W48",
        extra={  # [[people]] as `init` writes it: the subject, consent not yet recorded
            "glossary": SAMPLE_GLOSSARY,
            "credits": [
                {"role": "出品", "name": "中共示例县委组织部"},
                {"role": "监制", "name": "示例县党员教育中心"},
                {"role": "摄像", "name": "李明"},
                {"role": "剪辑", "name": "赵晓"},
            ],
        },
    )
    (dest / MARKER).write_text("built by `pipeline demo`; rebuilding deletes this folder\n", "utf-8")
    say(_("ingesting the interview takes"))
    ingest(project, sorted(card.glob("interview-*")), role="interview")
    say(_("ingesting B-roll and music"))
    ingest(project, sorted(card.glob("broll-*")), role="broll")
    ingest(project, [card / "music-bed.m4a"], role="music")
    return project


def camera_card(say: Step) -> Path:
    """Generate (once) the footage a camera operator would hand over."""
    card = CARD_CACHE.expanduser()
    narration = assets_dir() / "sample" / "narration"
    card.mkdir(parents=True, exist_ok=True)
    work = card / "stills"
    work.mkdir(exist_ok=True)
    for k in range(1, TAKES + 1):
        # takes 1-3 from the AVCHD camcorder, 4-5 from the DSLR
        suffix = ".MTS" if k <= 3 else ".MOV"
        out = card / f"interview-{k} 采访{k}{suffix}"
        if out.exists():
            continue
        say(_("generating interview take {k}").format(k=k))
        still = art.interview_frame(
            work / f"take{k}.png", size=(2016, 1136), shade=4 * k, label=f"采访 第{k}条"
        )
        _interview(
            still, narration / f"take{k}.opus", out, avchd=suffix == ".MTS", anamorphic=k == ANAMORPHIC_TAKE
        )
    scenes = (
        ("broll-1 村路.mp4", "road"),
        ("broll-2 大棚.mp4", "greenhouse"),
        ("broll-3 例会.MOV", "meeting"),
        ("broll-4 手机HDR.MOV", "hdr"),
    )
    for name, scene in scenes:
        out = card / name
        if out.exists():
            continue
        say(_("generating B-roll: {scene}").format(scene=scene))
        _broll(work, scene, out)
    music = card / "music-bed.m4a"
    if not music.exists():
        say(_("generating the music bed"))
        _music(music)
    form = card / CONSENT_FORM
    if not form.exists():
        say(_("drawing the signed consent form"))
        art.consent_form(form, name="王建华", date="2026年11月20日")
    return card


def _interview(still: Path, narration: Path, out: Path, *, avchd: bool, anamorphic: bool = False) -> None:
    # the still is decoded and converted once (loop filter), then drifts slowly like a handheld camera
    drift = (
        "format=yuv420p,loop=loop=-1:size=1:start=0,fps=25,setpts=N/25/TB,"
        "crop=1920:1080:'48+40*sin(t/7)':'28+20*sin(t/9)'"
    )
    if anamorphic:  # squeezed to 1440 wide, pixels 4:3 wide: displays as 16:9 again
        drift += ",scale=1440:1080,setsar=4/3"
    picture = ["-i", str(still)]
    if avchd:  # 1080i50, top field first, AC-3: what AVCHD camcorders write
        args = [
            *picture,
            "-i",
            str(narration),
            "-vf",
            f"{drift},setfield=tff",
            *X264_FAST,
            "-flags",
            "+ilme+ildct",
            "-x264-params",
            "tff=1",
            "-c:a",
            "ac3",
            "-ac",
            "2",
            "-ar",
            "48000",
            "-shortest",
            "-f",
            "mpegts",
        ]
    else:  # DSLR: progressive H.264 with PCM sound in QuickTime
        args = [
            *picture,
            "-i",
            str(narration),
            "-vf",
            drift,
            *X264_FAST,
            "-c:a",
            "pcm_s16le",
            "-ar",
            "48000",
            "-shortest",
        ]
    _write(out, ["-y", *args], f"generating {out.name}")


def _broll(work: Path, scene: str, out: Path) -> None:
    if scene == "road":  # 4K HEVC from a drone-style pan, no sound
        still = art.landscape_frame(work / "road.png", size=(4800, 2160), scene="road")
        args = [
            *_panned_still(still, fps=25, seconds=6),
            "-vf",
            "crop=3840:2160:'(iw-ow)*t/6':0,format=yuv420p",
            *X265_FAST,
            "-an",
        ]
    elif scene == "greenhouse":  # phone: HEVC, variable frame rate, held upside down: the sensor's picture
        # is stored rotated and the display matrix (180) turns it upright
        still = art.landscape_frame(work / "greenhouse.png", size=(2400, 1080), scene="greenhouse")
        args = [
            *_panned_still(still, fps=30, seconds=8),
            *_noise("pink", 0.02, rate=44100, seconds=8),
            "-vf",
            r"crop=1920:1080:'(iw-ow)*t/8':0,select='not(eq(mod(n\,4)\,1))',hflip,vflip,format=yuv420p",
            "-fps_mode",
            "vfr",
            *X265_FAST,
            "-c:a",
            "aac",
            "-ac",
            "1",
        ]
        tmp = out.with_name(out.stem + ".norot.mp4")
        _write(tmp, ["-y", *args], "generating greenhouse B-roll")
        _write(
            out,
            ["-y", "-display_rotation", "180", "-i", str(tmp), "-c", "copy"],
            "rotating greenhouse B-roll",
        )
        tmp.unlink()
        return
    elif scene == "hdr":  # iPhone: HEVC Main10, BT.2020 HLG (SDR white at 75%, BT.2408), 30 fps
        still = art.landscape_frame(work / "hdr.png", size=(2400, 1080), scene="road")
        args = [
            *_panned_still(still, fps=30, seconds=6),
            *_noise("pink", 0.02, rate=48000, seconds=6),
            "-vf",
            "crop=1920:1080:'(iw-ow)*(1-t/6)':0,format=gbrp,"
            "setparams=color_primaries=bt709:color_trc=bt709:colorspace=gbr:range=pc,"
            "zscale=t=linear:npl=203,format=gbrpf32le,zscale=p=2020:t=arib-std-b67:m=2020_ncl:r=tv:npl=203,"
            "format=yuv420p10le,"
            "setparams=color_primaries=bt2020:color_trc=arib-std-b67:colorspace=bt2020nc:range=tv",
            *X265_FAST[:-2],
            "-pix_fmt",
            "yuv420p10le",
            "-tag:v",
            "hvc1",
            "-c:a",
            "aac",
            "-ac",
            "2",
        ]
    else:  # DSLR meeting shot with room tone
        still = art.landscape_frame(work / "meeting.png", size=(2400, 1080), scene="meeting")
        args = [
            *_panned_still(still, fps=25, seconds=8),
            *_noise("brown", 0.03, rate=48000, seconds=8),
            "-vf",
            "crop=1920:1080:'(iw-ow)*t/8':0,format=yuv420p",
            *X264_FAST,
            "-c:a",
            "pcm_s16le",
        ]
    _write(out, ["-y", *args], f"generating {scene} B-roll")


def _panned_still(still: Path, *, fps: int, seconds: int) -> list[str]:
    """A still read as `seconds` of video at `fps` (the camera's pan is the scene's crop filter)."""
    return ["-loop", "1", "-framerate", str(fps), "-t", str(seconds), "-i", str(still)]


def _noise(colour: str, amplitude: float, *, rate: int, seconds: int) -> list[str]:
    """`seconds` of noise as the location sound (wind, a room's hum)."""
    return [
        *("-f", "lavfi", "-t", str(seconds)),
        *("-i", f"anoisesrc=color={colour}:amplitude={amplitude}:sample_rate={rate}"),
    ]


def _music(out: Path) -> None:
    # a slow major-chord pad with gentle movement: C-E-G, then F-A-C, every 8 s
    pad = (
        "aevalsrc='0.08*(sin(2*PI*t*(261.6+87.7*gte(mod(t,16),8)))"
        "+sin(2*PI*t*(329.6+110.4*gte(mod(t,16),8)))"
        "+sin(2*PI*t*(392+131*gte(mod(t,16),8))))*(0.7+0.3*sin(2*PI*t/4))':s=48000:d=240"
    )
    _write(
        out,
        [
            "-y",
            "-f",
            "lavfi",
            "-i",
            pad,
            "-af",
            "aformat=channel_layouts=stereo,lowpass=f=2500",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
        ],
        "generating the music bed",
    )


def _write(out: Path, args: list[str], what: str) -> None:
    with atomic_output(out) as tmp:
        run_ffmpeg([*args, str(tmp)], outputs=[tmp], what=what)
