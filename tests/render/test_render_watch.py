"""The draft loop's watcher: a change (content, not just a touch) renders once, after it settles;
a failed pass is reported and the loop goes on."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.errors import EditError
from pipeline.render.watch import Watcher, watch, watched_files


class FakeTime:
    """A clock that moves only when the code sleeps; `script` runs at given times (edits)."""

    def __init__(self, script: dict[float, callable]):
        self.now = 0.0
        self.script = dict(script)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now = round(self.now + seconds, 3)
        for at in sorted(t for t in self.script if t <= self.now):
            self.script.pop(at)()
        if self.now > 100:
            raise AssertionError("waited for a change that never came")


def write(path: Path, text: str, mtime_s: float) -> None:
    path.write_text(text, "utf-8")
    os.utime(path, ns=(int(mtime_s * 1e9), int(mtime_s * 1e9)))


def test_the_watched_files_are_the_cut_list_the_project_file_and_the_subtitles(project):
    sub = project.subtitles_dir / "int-001.approved.srt"
    sub.parent.mkdir(parents=True, exist_ok=True)
    sub.write_text("1\n", "utf-8")
    assert watched_files(project)[:2] == [project.cut_list, project.file]
    assert sub in watched_files(project)


def test_a_change_renders_once_after_it_settles_and_a_touch_renders_nothing(tmp_path):
    cut = tmp_path / "cut.md"
    write(cut, "v1", 1000)
    times = FakeTime(
        {
            2.0: lambda: write(cut, "v1", 2000),  # touched, same content: no render
            5.0: lambda: write(cut, "v2 half", 3000),  # an editor saving in steps
            5.2: lambda: write(cut, "v2", 3001),
        }
    )
    watcher = Watcher(lambda: [cut], sleep=times.sleep, clock=times.clock, poll_s=0.1, settle_s=0.5)
    watcher.wait_for_change()
    assert 5.7 <= times.now <= 6.0  # 0.5 s after the last write, not at the touch


def test_a_failed_pass_is_reported_and_the_loop_goes_on(tmp_path):
    runs, timings, errors = [], [], []

    class Changes:
        def wait_for_change(self):
            pass

    def render():
        runs.append(len(runs))
        if len(runs) == 2:
            raise EditError("cut.md: line 3 is half written")

    watch(render, Changes(), on_pass=timings.append, on_error=errors.append, passes=3, clock=lambda: 1.0)
    assert (
        runs == [0, 1, 2]
        and len(timings) == 2
        and [str(e) for e in errors] == ["cut.md: line 3 is half written"]
    )
