"""After the render: a size-capped file (WeChat's API upload) that came out over its cap.

One-pass ABR drifts, so a capped encode can overshoot. It is then re-encoded once from its
platform's finished file at a bitrate scaled down to fit. This step needs only the two files, the
preset and the size the plan chose; nothing of the render job.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.i18n import _
from pipeline.media.runner import run_ffmpeg
from pipeline.project.files import atomic_output
from pipeline.render.checks import BYTES_PER_MB
from pipeline.render.encode import CappedSize, audio_args, video_args
from pipeline.render.outputs import kbps
from pipeline.render.platforms import PlatformPreset

REFIT_MARGIN = 0.95  # a size-capped file that came out too big is re-encoded aiming this far below the cap


def refit_capped(
    capped_file: Path, source: Path, preset: PlatformPreset, capped: CappedSize, label: str
) -> str:
    """Re-encode `capped_file` from `source` (its platform's main file) when it is over
    `preset`'s size cap; returns a note saying so, or "" when it fits."""
    if preset.size_cap is None:
        return ""
    limit = preset.size_cap.max_mb * BYTES_PER_MB
    size = capped_file.stat().st_size
    if size <= limit:
        return ""
    audio = kbps(capped.audio_bitrate)
    video = int((capped.video_kbps + audio) * limit * REFIT_MARGIN / size - audio)
    smaller = CappedSize(capped.width, capped.height, max(video, 1), capped.audio_bitrate)
    with atomic_output(capped_file) as temp:
        run_ffmpeg(
            refit_args(source, temp, preset, smaller),
            outputs=[temp],
            what=_("re-encoding {output} under {cap} MB").format(
                output=label, cap=f"{preset.size_cap.max_mb:g}"
            ),
        )
    return _("{output}: first encode was {size} MB, over the cap; re-encoded at {kbps} kbit/s").format(
        output=label, size=f"{size / BYTES_PER_MB:.2f}", kbps=smaller.video_kbps
    )


def refit_args(source: Path, target: Path, preset: PlatformPreset, size: CappedSize) -> list[str]:
    """ffmpeg arguments re-encoding `source`'s picture and sound at `size` (frame and bitrates)."""
    return [
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0",
        "-vf",
        f"scale={size.width}:{size.height}",
        *video_args(preset, size),
        *audio_args(preset, size),
        "-movflags",
        "+faststart",
        str(target),
    ]
