"""Which ffmpeg binary to use: PIPELINE_FFMPEG if set, else the static build imageio-ffmpeg ships."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

from pipeline.errors import PipelineError
from pipeline.i18n import _

ENV_VAR = "PIPELINE_FFMPEG"
WITHHELD = frozenset({"WECHAT_APPSECRET"})  # read by `publish`; no child process needs it


def child_environment() -> dict[str, str]:
    """This process's environment without the secrets (`WITHHELD`): what every tool it starts gets
    (a `batch --publish` run holds the WeChat AppSecret while it renders)."""
    return {name: value for name, value in os.environ.items() if name not in WITHHELD}


@functools.cache
def ffmpeg_exe() -> str:
    configured = os.environ.get(ENV_VAR)
    if configured:
        found = shutil.which(configured)
        if not found:
            raise PipelineError(
                _("{ENV_VAR}={configured}: no such executable; unset it to use the bundled ffmpeg").format(
                    ENV_VAR=ENV_VAR, configured=configured
                )
            )
        return found
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - a broken install
        raise PipelineError(
            _("imageio-ffmpeg is not installed; run `bash setup.sh` (or pip install imageio-ffmpeg)")
        ) from None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # pragma: no cover
        raise PipelineError(
            _("no ffmpeg binary found ({exc}); reinstall imageio-ffmpeg or set {ENV_VAR}").format(
                exc=exc, ENV_VAR=ENV_VAR
            )
        ) from None


@functools.cache
def ffmpeg_version() -> str:
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-version"],
        capture_output=True,
        text=True,
        check=False,
        env=child_environment(),
    )
    first = out.stdout.splitlines()[0] if out.stdout else ""
    match = re.search(r"ffmpeg version (\S+)", first)
    return match.group(1) if match else "unknown"


@functools.cache
def ffmpeg_lists() -> tuple[str, str, str]:
    """(buildconf, encoders, filters) text of the configured ffmpeg, for `doctor`."""
    exe = ffmpeg_exe()

    def text(flag: str) -> str:
        return subprocess.run(
            [exe, "-hide_banner", flag], capture_output=True, text=True, check=False, env=child_environment()
        ).stdout

    return text("-buildconf"), text("-encoders"), text("-filters")
