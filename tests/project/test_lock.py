"""One writer at a time: a second render of a project, or a second batch on a root, is refused at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import ProjectError
from pipeline.project.lock import exclusive

HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.project.lock import exclusive
    with exclusive(Path(sys.argv[1]), what="test", where=Path(sys.argv[1]).parent):
        print("held", flush=True)
        time.sleep(120)
""")


@pytest.fixture
def holder():
    """Start a process that holds a lock file; yield (path -> process); kill it afterwards."""
    started = []

    def hold(path: Path) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout.readline().strip() == "held"
        return process

    yield hold
    for process in started:
        process.kill()
        process.wait()


def test_a_held_lock_is_refused_with_the_holders_pid(tmp_path, holder):
    lock = tmp_path / "work" / "x.lock"
    process = holder(lock)
    with pytest.raises(ProjectError) as caught:
        with exclusive(lock, what="`pipeline render`", where=tmp_path / "work"):
            pytest.fail("entered a lock another process holds")
    assert str(caught.value) == (
        f"{tmp_path / 'work'}: another `pipeline render` is running on it (pid {process.pid}); "
        "wait for it to finish, or stop it, and run again"
    )


def test_a_killed_holder_leaves_no_stale_lock(tmp_path, holder):
    lock = tmp_path / "x.lock"
    process = holder(lock)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert lock.exists()
    with exclusive(lock, what="test", where=tmp_path):
        assert lock.read_text().strip() == str(os.getpid())


def test_the_lock_is_released_after_the_block_even_on_error(tmp_path):
    lock = tmp_path / "x.lock"
    with pytest.raises(RuntimeError):
        with exclusive(lock, what="test", where=tmp_path):
            raise RuntimeError("boom")
    with exclusive(lock, what="test", where=tmp_path):
        pass


def test_render_refuses_while_another_render_holds_the_project(project, holder):
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*") if ".cache" not in p.parts)
    holder(project.cache_dir / "render.lock")
    result = CliRunner().invoke(cli, ["render", str(project.root)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {project.root}: another `pipeline render` is running on it (pid "
    )
    assert (
        sorted(p.relative_to(project.root) for p in project.root.rglob("*") if ".cache" not in p.parts)
        == before
    )


def test_batch_refuses_while_another_batch_runs_on_the_root(project, holder):
    root = project.root.parent
    holder(root / "outbox" / ".batch.lock")
    result = CliRunner().invoke(cli, ["batch", str(root)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {root.resolve()}: another `pipeline batch` is running on it (pid "
    )
