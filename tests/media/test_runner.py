"""The one ffmpeg runner: progress, typed errors with the stderr tail, cleanup of partial outputs."""

from __future__ import annotations

import pytest

from pipeline.errors import FfmpegError, Interrupted
from pipeline.media import runner
from pipeline.media.ffmpeg_bin import ffmpeg_exe
from pipeline.media.runner import parse_progress_line, run_ffmpeg


def test_progress_lines():
    assert parse_progress_line("out_time_us=1500000") == 1500
    assert parse_progress_line("out_time_ms=2000000\n") == 2000  # microseconds despite the name
    assert parse_progress_line("out_time_us=N/A") is None
    assert parse_progress_line("frame=12") is None


def test_progress_reaches_the_end(tmp_path):
    seen: list[int] = []
    out = tmp_path / "x.wav"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "sine=d=2", str(out)], progress=seen.append)
    assert out.exists()
    assert seen and max(seen) >= 1900
    assert seen == sorted(seen)


def test_failure_raises_with_command_and_tail_and_removes_output(tmp_path):
    out = tmp_path / "bad.mp4"
    out.write_bytes(b"partial")
    args = ["-y", "-i", str(tmp_path / "missing.mov"), str(out)]
    with pytest.raises(FfmpegError) as err:
        run_ffmpeg(args, outputs=[out], what="testing")
    assert err.value.message.startswith("testing failed: ")
    assert "missing.mov" in err.value.stderr_tail
    assert list(err.value.command) == runner.build_command(args)  # the very command that ran
    assert err.value.command[0] == ffmpeg_exe()
    assert not out.exists()


def test_ctrl_c_terminates_ffmpeg_and_removes_output(tmp_path, monkeypatch):
    out = tmp_path / "long.wav"

    def interrupt(ms: int) -> None:
        if ms > 0:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="partial outputs were removed"):
        run_ffmpeg(
            ["-y", "-f", "lavfi", "-i", "sine=d=600", "-ar", "8000", str(out)],
            outputs=[out],
            progress=interrupt,
        )
    assert not out.exists()


def test_command_is_built_with_progress_on_stdout():
    cmd = runner.build_command(["-i", "a", "b"])
    assert cmd[1:6] == ["-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1"]
    assert cmd[-3:] == ["-i", "a", "b"]


def test_ffmpeg_never_inherits_the_wechat_secret(tmp_path, monkeypatch):
    """A stand-in ffmpeg (PIPELINE_FFMPEG) writes the environment it was given."""
    seen = tmp_path / "environment"
    fake = tmp_path / "ffmpeg"
    fake.write_text(f'#!/bin/sh\nenv > "{seen}"\n', "utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PIPELINE_FFMPEG", str(fake))
    monkeypatch.setenv("WECHAT_APPSECRET", "s3cr3t-never-shown")
    monkeypatch.setenv("WECHAT_APPID", "wx0123456789abcdef")
    ffmpeg_exe.cache_clear()
    try:
        run_ffmpeg(["-version"])
    finally:
        ffmpeg_exe.cache_clear()
    given = seen.read_text("utf-8")
    assert "WECHAT_APPID=wx0123456789abcdef" in given  # the rest of the environment is passed on
    assert "s3cr3t-never-shown" not in given and "WECHAT_APPSECRET" not in given
