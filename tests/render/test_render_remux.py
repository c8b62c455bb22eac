"""AVCHD .MTS spans are read through a seekable stream copy, so a span cut from the middle of a
clip has exactly its frames (plain `-ss` on MPEG-TS came out short and late)."""

from __future__ import annotations

import dataclasses

import av
import media

from pipeline.edit.timeline import AudioPiece, Shot, SourceSpan, Timeline
from pipeline.media.runner import run_ffmpeg
from pipeline.project.footage import load_footage
from pipeline.project.ingest import ingest
from pipeline.render.remux import remux_path, seekable_timeline
from pipeline.render.sources import span_input


def test_mts_spans_read_from_an_indexed_copy_with_exact_frames(project, tmp_path):
    mts = media.avchd_mts(tmp_path / "00001.MTS", duration=6.0, full_size=False)
    mov = media.dslr_mov(tmp_path / "DSC.MOV", duration=3.0)
    ingest(project, [mts, mov], role="interview")
    cam, dslr = load_footage(project)
    span = SourceSpan(cam.clip_id, cam.path(project), 3000, 5000)
    other = SourceSpan(dslr.clip_id, dslr.path(project), 500, 1500)
    timeline = Timeline(
        duration_ms=3000,
        fps=25,
        shots=(Shot(0, 2000, source=span), Shot(2000, 1000, source=other)),
        audio=(AudioPiece(0, span), AudioPiece(2000, other)),
    )
    seekable = seekable_timeline(project, timeline)
    assert seekable.shots[0].source.path == remux_path(project, cam)
    assert seekable.audio[0].source.path == remux_path(project, cam)
    assert seekable.shots[1].source == other  # an indexed container is read as it is
    assert cam.path(project).read_bytes() == mts.read_bytes()  # the footage is untouched

    facts = {remux_path(project, cam): dataclasses.replace(cam.facts, container="matroska,webm")}
    opened = span_input(seekable.shots[0].source, {}, facts)
    assert opened.skip_ms == 0
    out = tmp_path / "span.mkv"
    run_ffmpeg(
        [
            "-y",
            *opened.spec.options,
            "-i",
            str(opened.spec.path),
            "-vf",
            "fps=25,trim=end_frame=50",
            "-an",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(out),
        ]
    )
    with av.open(str(out)) as container:
        frames = [f.pts for f in container.decode(video=0)]
    assert len(frames) == 50
