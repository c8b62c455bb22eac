"""The one ffmpeg runner. Every ffmpeg call in the pipeline goes through `run_ffmpeg`.

It logs the command, captures stderr, parses `-progress pipe:1` into a progress callback, raises
`FfmpegError` with the command and the last lines of stderr, and removes partial outputs on failure
or Ctrl-C. ffmpeg never sees the pipeline's secrets (`ffmpeg_bin.child_environment`) (a `batch --publish` run holds the WeChat AppSecret while it renders).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import shlex
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import FfmpegError, Interrupted
from pipeline.i18n import _
from pipeline.media.ffmpeg_bin import child_environment, ffmpeg_exe

log = logging.getLogger("pipeline.ffmpeg")

ProgressCallback = Callable[[int], None]  # called with the output time reached, in milliseconds
STDERR_KEEP_LINES = 4000
TAIL_LINES = 12


@dataclass(frozen=True, slots=True)
class FfmpegResult:
    command: tuple[str, ...]
    stderr: str


def build_command(args: Sequence[str]) -> list[str]:
    """The full command line for `args` (everything after `ffmpeg`)."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", *args]


def parse_progress_line(line: str) -> int | None:
    """Output time in ms from one `-progress` line, or None when the line is not a time."""
    key, _sep, value = line.strip().partition("=")
    if key in ("out_time_us", "out_time_ms"):  # both are microseconds (a historical ffmpeg quirk)
        try:
            return max(0, int(value)) // 1000
        except ValueError:
            return None
    return None


def run_ffmpeg(
    args: Sequence[str],
    *,
    outputs: Sequence[Path] = (),
    progress: ProgressCallback | None = None,
    what: str = "ffmpeg",
) -> FfmpegResult:
    """Run ffmpeg with `args`. `outputs` are removed if the run fails or is interrupted.

    `what` names the job in error messages ("rendering web", "extracting audio of int-001").
    """
    command = build_command(args)
    log.debug("%s", shlex.join(command))
    stderr_lines: collections.deque[str] = collections.deque(maxlen=STDERR_KEEP_LINES)
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            env=child_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise FfmpegError(
            _("{what}: cannot start ffmpeg ({problem}); run `pipeline doctor`").format(
                what=what, problem=exc
            ),
            command,
        ) from None

    def drain_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            stderr_lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=drain_stderr, daemon=True)
    reader.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if progress is not None:
                reached = parse_progress_line(line)
                if reached is not None:
                    progress(reached)
        returncode = proc.wait()
        reader.join()
    except KeyboardInterrupt:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        if proc.poll() is None:
            proc.kill()
        _remove(outputs)
        raise Interrupted(
            _("{what}: interrupted; partial outputs were removed, nothing else changed").format(what=what)
        ) from None
    stderr = "\n".join(stderr_lines)
    if returncode != 0:
        _remove(outputs)
        tail = "\n".join(list(stderr_lines)[-TAIL_LINES:])
        last = next((line for line in reversed(stderr_lines) if line.strip()), "no message")
        raise FfmpegError(
            _("{what} failed: {reason} (run with --debug for the command)").format(
                what=what, reason=last.strip()
            ),
            command,
            tail,
        )
    return FfmpegResult(tuple(command), stderr)


def _remove(paths: Sequence[Path]) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            Path(p).unlink()
