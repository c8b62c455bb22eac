"""Spanned camera recordings: consecutive AVCHD files of one take ingested as one clip, joined by
stream copy, as long as the sum of its parts; `--no-join` keeps them apart."""

from __future__ import annotations

import av
import media
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.media.probe import probe
from pipeline.media.spanned import concat_list, group_spanned, join_args
from pipeline.project.footage import load_footage


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    root = tmp_path_factory.mktemp("AVCHD")
    take = media.spanned_recording(root / "STREAM", parts=3)
    other = root / "OTHER"
    # two unrelated takes that happen to have consecutive names: timestamps do not run on
    loose = [
        media.make_clip(other / f"{n:05d}.MTS", duration=1.0, acodec="ac3", tone_hz=hz)
        for n, hz in ((7, 440), (8, 660))
    ]
    return take, loose


def video_frames(path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for packet in container.demux(video=0) if packet.size)


def test_consecutive_parts_become_one_clip_as_long_as_its_parts(project, card):
    take, _ = card
    result = run("ingest", project.root, *take)
    assert result.exit_code == 0, result.output
    assert "one recording joined from 3 files without re-encoding" in result.output
    (clip,) = load_footage(project)
    assert clip.original_name == "00001.MTS + 00002.MTS + 00003.MTS"
    assert [name for name, _ in clip.parts] == ["00001.MTS", "00002.MTS", "00003.MTS"]
    parts = [probe(p) for p in take]
    frame_ms = 40  # 25 fps: the sum of the parts to the frame (each duration is rounded to the ms)
    assert abs(clip.facts.duration_ms - sum(p.duration_ms for p in parts)) < frame_ms
    assert video_frames(clip.path(project)) == sum(video_frames(p) for p in take) == 75
    again = run("ingest", project.root, *take)
    assert "0 added, 3 already there" in again.output


def test_no_join_keeps_the_parts_apart(project, card):
    take, _ = card
    result = run("ingest", project.root, *take, "--no-join")
    assert result.exit_code == 0, result.output
    assert [c.original_name for c in load_footage(project)] == ["00001.MTS", "00002.MTS", "00003.MTS"]


def test_consecutive_names_alone_do_not_join(project, card):
    _, loose = card
    assert group_spanned([(p, probe(p)) for p in loose]) == [[0], [1]]
    result = run("ingest", project.root, *loose)
    assert "2 added" in result.output


def test_join_arguments_and_the_list_file(tmp_path):
    assert concat_list([tmp_path / "it's.MTS"]) == f"file '{tmp_path}/it'\\''s.MTS'\n"
    facts = probe(media.avchd_mts(tmp_path / "00001.MTS", 0.3, False))
    assert join_args(tmp_path / "parts.txt", tmp_path / "out.mts", facts) == [
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(tmp_path / "parts.txt"),
        "-map",
        "0:v?",
        "-map",
        "0:a?",
        "-c",
        "copy",
        "-f",
        "mpegts",
        str(tmp_path / "out.mts"),
    ]
