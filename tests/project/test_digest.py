"""The hash cache: a stat when a file is unchanged, one re-hash when its stat changed in any way."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.project import digest
from pipeline.project.digest import HASH_CACHE, cached_sha256, sha256_file


@pytest.fixture
def hashed(monkeypatch) -> list[Path]:
    """Every file actually read by sha256_file."""
    calls: list[Path] = []
    real = digest.sha256_file

    def counting(path, progress=None):
        calls.append(Path(path))
        return real(path, progress)

    monkeypatch.setattr(digest, "sha256_file", counting)
    return calls


def test_unchanged_is_a_stat_touched_is_one_rehash(tmp_path: Path, hashed: list[Path]) -> None:
    f = tmp_path / "footage" / "a.wav"
    f.parent.mkdir()
    f.write_bytes(b"RIFF" + bytes(1000))
    first = cached_sha256(f, tmp_path)
    assert first == sha256_file(f) and hashed == [f]
    assert cached_sha256(f, tmp_path) == first and hashed == [f]
    entries = json.loads((tmp_path / HASH_CACHE).read_text("utf-8"))
    assert list(entries) == ["footage/a.wav"]  # named relative to the project
    stat = f.stat()
    os.utime(f, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert cached_sha256(f, tmp_path) == first and hashed == [f, f]
    assert cached_sha256(f, tmp_path) == first and len(hashed) == 2


def test_same_size_and_forced_mtime_is_still_rehashed(tmp_path: Path) -> None:
    f = tmp_path / "sub.srt"
    f.write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nA\n")
    before = cached_sha256(f, tmp_path)
    stat = f.stat()
    f.write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nB\n")
    os.utime(f, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (f.stat().st_size, f.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert cached_sha256(f, tmp_path) == sha256_file(f) != before


def test_a_moved_project_finds_its_entries_and_outside_files_by_absolute_path(tmp_path: Path) -> None:
    project, outside = tmp_path / "p", tmp_path / "font.ttc"
    (project / "footage").mkdir(parents=True)
    (project / "footage" / "a.mp4").write_bytes(b"x" * 10)
    outside.write_bytes(b"font")
    cached_sha256(project / "footage" / "a.mp4", project)
    cached_sha256(outside, project)
    assert set(json.loads((project / HASH_CACHE).read_text("utf-8"))) == {"footage/a.mp4", outside.as_posix()}
    moved = tmp_path / "share" / "p"
    shutil.copytree(project, moved)  # copy2: mtimes kept, inode and ctime new
    assert cached_sha256(moved / "footage" / "a.mp4", moved) == sha256_file(project / "footage" / "a.mp4")


def test_a_broken_or_unwritable_cache_costs_time_not_answers(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "a.bin"
    f.write_bytes(b"abc")
    (tmp_path / HASH_CACHE).parent.mkdir()
    (tmp_path / HASH_CACHE).write_text("{not json", "utf-8")
    assert cached_sha256(f, tmp_path) == sha256_file(f)
    (tmp_path / HASH_CACHE).write_text("[1, 2]", "utf-8")
    assert cached_sha256(f, tmp_path) == sha256_file(f)

    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(digest, "atomic_write_json", full_disk)
    f.write_bytes(b"abcd")
    assert cached_sha256(f, tmp_path) == sha256_file(f)  # a read-only project still gets answers


def test_ingest_leaves_its_checksum_so_the_first_render_only_stats(project, media_dir, hashed) -> None:
    from media import make_clip

    from pipeline.project.ingest import ingest

    clip = ingest(project, [make_clip(media_dir / "take.mp4", size="160x120", duration=1.0)], role="broll")
    first = clip.added[0]
    hashed.clear()
    assert cached_sha256(first.path(project), project.root) == first.sha256
    assert hashed == []


def test_entries_of_deleted_files_are_dropped_at_the_next_write(tmp_path: Path) -> None:
    root = tmp_path / "project"
    files = [root / "footage" / f"{name}.mp4" for name in ("a", "b", "c")]
    for number, path in enumerate(files):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes([number]) * 100)
    cached_sha256(files[0], root)
    cached_sha256(files[1], root)
    files[1].unlink()  # a clip removed from the project
    cached_sha256(files[2], root)
    remembered = json.loads((root / HASH_CACHE).read_text("utf-8"))
    assert sorted(remembered) == ["footage/a.mp4", "footage/c.mp4"]
