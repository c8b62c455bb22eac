"""A project copied to a shared drive (new path, every mtime reset) re-renders nothing, re-transcribes
nothing and keeps its review proxy; a real change of content is still found, whatever the mtime says.

Everything is asserted from what ran: ffmpeg is refused (or counted) at `runner.build_command`, the
transcriber counts its calls. Timing plays no part.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from batch_projects import SLUGS, SMALL_WEB, TEMPLATE, WEEK, project_folder
from click.testing import CliRunner
from media import make_clip

from pipeline.cli import cli
from pipeline.edit.cut import update_cut_list
from pipeline.media import runner
from pipeline.project import digest
from pipeline.project.create import create_project
from pipeline.project.digest import HASH_CACHE
from pipeline.project.footage import clips_by_role
from pipeline.project.ingest import ingest
from pipeline.project.model import load_project
from pipeline.render import engine
from pipeline.review.proxy import make_proxy, proxy_is_current, proxy_path
from pipeline.subtitles import store
from pipeline.transcribe.engine import TranscribeOptions, Transcription
from pipeline.transcribe.step import transcribe_project
from pipeline.transcribe.transcript import Segment, Word

PLATFORMS = ["web", "channels"]  # web shows the subtitles as a sidecar, Channels burns them in
SMALL = {
    "platforms": {
        **SMALL_WEB["platforms"],
        "channels": {"picture": {"width": 180, "height": 320}, "video": {"preset": "superfast"}},
    }
}
WORDS = (Word(200, 900, "我是", 0.9), Word(900, 1800, "驻村队员。", 0.9))


@dataclass
class CountingTranscriber:
    """The Transcriber protocol without a model: records every call."""

    identity: str = "fake@1"
    calls: list[Path] = field(default_factory=list)

    def transcribe(self, audio_path: Path, options: TranscribeOptions, progress=None) -> Transcription:
        self.calls.append(Path(audio_path))
        segment = Segment(WORDS[0].start_ms, WORDS[-1].end_ms, "我是驻村队员。", WORDS)
        return Transcription(language="zh", duration_ms=3000, segments=(segment,))


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished episode: ingested interview and music, transcribed, approved, proxied, rendered."""
    media = tmp_path_factory.mktemp("moved-media")
    # a name with characters a filtergraph escapes: the escaped form must not reach a fingerprint either
    root = tmp_path_factory.mktemp("office") / "县委组织部" / "E01 驻村路上 [终版], it's"
    project = create_project(
        root,
        title="驻村路上",
        subject_name="王建华",
        subject_role="驻村工作队队员",
        episode=1,
        week="2026-W48",
        template=TEMPLATE,
        extra={"people": [{"name": "王建华", "consent": True}], "platforms": PLATFORMS, "overrides": SMALL},
    )
    ingest(project, [make_clip(media / "take.mp4", size="320x180", duration=3.0)], role="interview")
    music = make_clip(media / "bed.wav", video=False, duration=3.0, tone_hz=220, acodec="pcm_s16le")
    ingest(project, [music], role="music")
    transcriber = CountingTranscriber()
    transcribe_project(project, transcriber=transcriber)
    assert len(transcriber.calls) == 1
    store.approve(project, "李编辑")
    update_cut_list(project)
    make_proxy(project, clips_by_role(project, "interview")[0])
    report = engine.render_project(project, PLATFORMS)
    assert len(report.rendered) == 2 and not report.failed, report.failure_message()
    return root


def copy_resetting_mtimes(source: Path, target: Path) -> Path:
    """What Explorer or `cp -r` (no -p) does: the bytes only; then every file touched once more."""
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    later = time.time_ns() + 3_600_000_000_000
    for path in target.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(later, later))
    return target


def refuse_ffmpeg(args):
    raise AssertionError(f"ffmpeg ran for a project that only moved: {args}")


def test_a_copied_project_with_new_mtimes_runs_nothing_again(finished, tmp_path, monkeypatch):
    copied = load_project(copy_resetting_mtimes(finished, tmp_path / "共享盘 share" / "E01; 驻村路上"))
    clip = clips_by_role(copied, "interview")[0]
    proxy_before = proxy_path(copied, clip.clip_id).read_bytes()
    monkeypatch.setattr(runner, "build_command", refuse_ffmpeg)  # every ffmpeg run, whichever module

    transcriber = CountingTranscriber()
    transcribed = transcribe_project(copied, transcriber=transcriber)
    assert transcriber.calls == [], transcribed
    print(transcribed)
    assert proxy_is_current(copied, clip)
    assert make_proxy(copied, clip) == proxy_path(copied, clip.clip_id)
    assert proxy_path(copied, clip.clip_id).read_bytes() == proxy_before
    report = engine.render_project(copied.root, PLATFORMS)
    assert report.rendered == () and not report.failed and len(report.outputs) == 2
    # the copy remembers the new stats: the next run hashes nothing
    cached = (copied.root / HASH_CACHE).read_text("utf-8")
    assert str(finished) not in cached and "footage/int-001.mp4" in cached
    hashed: list[Path] = []
    monkeypatch.setattr(digest, "sha256_file", lambda path, progress=None: hashed.append(path) or "")
    assert engine.render_project(copied.root, PLATFORMS).rendered == ()
    assert hashed == [], "an unchanged file costs a stat, not a hash"


def counted_ffmpeg(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = runner.build_command

    def counting(args):
        calls.append(list(args))
        return real(args)

    monkeypatch.setattr(runner, "build_command", counting)
    return calls


def test_one_byte_of_an_approved_subtitle_re_renders(finished, tmp_path, monkeypatch):
    copied = load_project(copy_resetting_mtimes(finished, tmp_path / "moved"))
    clip = clips_by_role(copied, "interview")[0]
    srt = store.working_path(copied, clip.clip_id)
    assert srt is not None
    stat = srt.stat()
    data = srt.read_bytes()
    srt.write_bytes(data.replace("驻".encode(), "住".encode(), 1))  # same size: one character, 3 bytes
    os.utime(srt, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the old mtime forced back
    assert srt.stat().st_size == stat.st_size
    store.approve(copied, "李编辑")
    calls = counted_ffmpeg(monkeypatch)
    report = engine.render_project(copied.root, PLATFORMS)
    assert [o.platform for o in report.rendered] == ["channels"], report.failure_message()
    assert not report.failed and any("libx264" in args for args in calls)
    web = next(o.path for o in report.outputs if o.platform == "web")
    assert "我是住村队员" in web.with_suffix(".srt").read_text("utf-8")  # the sidecar follows


def test_other_footage_of_the_same_size_and_mtime_re_renders(finished, tmp_path, monkeypatch):
    copied = load_project(copy_resetting_mtimes(finished, tmp_path / "moved"))
    engine.render_project(copied.root, PLATFORMS)  # the copy's stats are in its hash cache now
    music = copied.root / clips_by_role(copied, "music")[0].file
    stat = music.stat()
    data = bytearray(music.read_bytes())
    data[-1000] ^= 0x01  # one sample of the bed, a little different
    os.chmod(music, 0o644)
    music.write_bytes(bytes(data))
    os.utime(music, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (music.stat().st_size, music.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    calls = counted_ffmpeg(monkeypatch)
    report = engine.render_project(copied.root, PLATFORMS)
    assert len(report.rendered) == 2, report.failure_message()
    # the music is in the sound only: the sound pass runs again, the picture chunks come from the cache
    assert any(any("loudnorm" in arg for arg in args) for args in calls)
    assert not any("libx264" in args for args in calls)


def test_a_week_copied_to_the_shared_drive_is_up_to_date_in_batch(week_root, tmp_path):
    """The batch machine's view: the episodes and their outbox copied over, every mtime new."""
    bed = make_clip(tmp_path / "bed.wav", video=False, duration=3.0, tone_hz=220, acodec="pcm_s16le")
    ingest(load_project(project_folder(week_root, 1)), [bed], role="music")  # a bed read by path
    first = CliRunner().invoke(cli, ["batch", str(week_root), "--week", WEEK])
    assert first.exit_code == 0, first.output
    shared = copy_resetting_mtimes(week_root, tmp_path / "共享盘 share" / "周播")
    second = CliRunner().invoke(cli, ["batch", str(shared), "--week", WEEK])
    assert second.exit_code == 0, second.output
    summary = json.loads((shared / "outbox" / WEEK / "summary.json").read_text("utf-8"))
    assert {e["episode"]: e["status"] for e in summary["episodes"]} == dict.fromkeys(SLUGS, "up to date")
    for slug in SLUGS:
        assert f"up to date {slug}: outputs and package up to date" in second.stdout
