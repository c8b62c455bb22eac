"""`pipeline render --scheduler`: one episode's chunks encoded on the workers of a Dask cluster
(worker processes, as an office runs them), the sound and the joins on this machine; the file is
the one a local render makes. A worker with other tool versions, or without the project's files,
refuses with a clear message."""

from __future__ import annotations

import concurrent.futures
import logging
import re
import shutil
from pathlib import Path

import av
import pytest
from batch_projects import EPISODES, build_episode
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import cli
from pipeline.errors import RenderError
from pipeline.media.ffmpeg_bin import ffmpeg_version
from pipeline.media.runner import run_ffmpeg
from pipeline.render import chunked, engine
from pipeline.render.chunks import ChunkRule

EVERY_CUT = ChunkRule(target_ms=500, min_ms=500, max_ms=1_000)  # a chunk at (nearly) every hard cut
MIN_PSNR_DB = 40.0  # the same arguments, encoded by the same ffmpeg: identical or nearly


def frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def psnr(a: Path, b: Path) -> float:
    result = run_ffmpeg(["-i", str(a), "-i", str(b), "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"])
    found = re.search(r"average:(\S+)", result.stderr)
    assert found, result.stderr
    return float("inf") if found.group(1) == "inf" else float(found.group(1))


@pytest.mark.slow
def test_render_spreads_one_episodes_chunks_over_the_workers(tmp_path, footage, monkeypatch):
    from distributed import Client, LocalCluster, get_task_stream

    monkeypatch.setattr(engine, "CHUNK_RULE", EVERY_CUT)
    here = build_episode(tmp_path / "本机", EPISODES[0], footage)
    there = tmp_path / "集群" / "E01"
    shutil.copytree(here.root, there)
    local = CliRunner().invoke(cli, ["render", str(here.root)])
    assert local.exit_code == 0, local.output
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as observer,
    ):
        with get_task_stream(observer) as stream:
            result = CliRunner().invoke(
                cli,
                ["render", str(there), "--scheduler", cluster.scheduler_address, "--connect-timeout", "30"],
            )
        assert result.exit_code == 0, result.output
        tasks = [t for t in stream.data if t["key"].startswith("encode_piece")]
    pieces = list((there / ".cache" / "chunks").glob("*.mp4"))
    assert len(pieces) >= 2
    assert len(tasks) == len(pieces), "every chunk was encoded by a worker"
    assert len({t["worker"] for t in tasks}) == 2, "both workers took chunks"
    (made,) = (there / "exports" / "web").glob("*.mp4")
    (reference,) = (here.root / "exports" / "web").glob("*.mp4")
    assert frames(made) == frames(reference) > 0
    assert psnr(made, reference) >= MIN_PSNR_DB


def test_a_worker_with_another_ffmpeg_refuses_the_chunk(tmp_path):
    target = tmp_path / "piece.mp4"
    with pytest.raises(RenderError) as refused:
        chunked.encode_piece(
            ["-f", "lavfi", "-i", "testsrc2", "-frames:v", "1", str(target)],
            [str(target)],
            "encoding chunk 1 of 3",
            tools=chunked.Tools("0.0-other", __version__, ()),
        )
    message = str(refused.value)
    assert message.startswith("encoding chunk 1 of 3: the Dask worker ")
    assert (
        f"has ffmpeg {ffmpeg_version()} and pipeline {__version__}, this machine ffmpeg 0.0-other" in message
    )
    assert message.endswith(
        "install the same versions on every render machine (an episode's chunks must be encoded alike)"
    )
    assert not target.exists()


def test_a_worker_that_does_not_see_the_project_says_so(tmp_path):
    target = tmp_path / "piece.mp4"
    missing = tmp_path / "elsewhere" / "int-001.mp4"
    with pytest.raises(
        RenderError, match=re.escape(f"does not see {missing}; the project must be on storage")
    ):
        chunked.encode_piece(
            ["-i", str(missing), str(target)],
            [str(target)],
            "encoding chunk 2 of 3",
            tools=chunked.Tools(ffmpeg_version(), __version__, ()),
        )


def test_jobs_and_scheduler_do_not_go_together(tmp_path):
    result = CliRunner().invoke(
        cli, ["render", str(tmp_path), "--jobs", "2", "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert (
        "--jobs is for this machine; with --scheduler the cluster's workers encode the chunks"
        in result.output
    )


def test_an_unreachable_scheduler_is_one_error_line(tmp_path):
    result = CliRunner().invoke(
        cli, ["render", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "0.5"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")


def test_a_worker_without_the_subtitle_font_refuses_in_the_editors_language(tmp_path):
    """The chunk's cache name says which font drew its subtitles: a worker whose fonts folder link
    points nowhere (the font installed elsewhere, or not at all) must not draw them in another."""
    fonts = tmp_path / ".cache" / "fonts"
    fonts.mkdir(parents=True)
    link = fonts / "NotoSansCJK-Regular.ttc"
    link.symlink_to(tmp_path / "not-installed" / "NotoSansCJK-Regular.ttc")
    footage = tmp_path / "footage" / "int-001.mp4"  # seen: the font is what is missing
    footage.parent.mkdir()
    footage.write_bytes(b"footage")
    target = tmp_path / "piece.mp4"
    with pytest.raises(RenderError) as refused:
        chunked.encode_piece(
            ["-i", str(footage), "-vf", f"ass=filename=x.ass:fontsdir={fonts}", str(target)],
            [str(target)],
            "正在编码第 1 段（共 3 段）",
            tools=chunked.Tools(ffmpeg_version(), __version__, ((str(link), "0" * 64),)),
            language="zh",  # the editor's; this test process reads English (PIPELINE_LANG=en)
        )
    assert str(refused.value).startswith("正在编码第 1 段（共 3 段）：Dask 工作机 ")
    assert "没有本机使用的字幕字体" in str(refused.value)
    assert not target.exists()


class Dropped(concurrent.futures.Executor):
    """A cluster that loses every task (its scheduler went away): the futures come back cancelled."""

    def submit(self, fn, /, *args, **kwargs):
        future: concurrent.futures.Future = concurrent.futures.Future()
        future.cancel()
        future.set_running_or_notify_cancel()  # as distributed's ClientExecutor does
        return future


def test_a_task_the_cluster_dropped_fails_the_render_with_its_reason():
    pieces = [chunked.Piece(("-i", "x", "out.mp4"), ("out.mp4",), 10.0, "encoding chunk 1 of 1")]
    sounds = {"web": Path("sound.m4a")}
    with pytest.raises(RenderError, match=r"^encoding chunk 1 of 1: the Dask cluster dropped the task"):
        chunked._encode_on(
            chunked.Workers(Dropped(), remote=True),
            pieces,
            None,
            lambda: sounds,
            chunked.Tools("", "", ()),
        )
