"""Stand-ins for `run_episode` in executor tests: top-level functions, so worker processes can import
them (the pool pickles a function by its module and name). What each does is chosen by the project
folder's name, so one batch can mix successes, failures and crashes."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.batch.jobs import FAILED, RENDERED, EpisodeResult


def fake_episode(
    project_dir: str, platforms, draft: bool, week: str, package_dir: str, slug: str = ""
) -> EpisodeResult:
    """What happens is chosen by the folder name: `crash`: the worker process dies; `raise`: the job
    function itself raises; `flaky`: an unexpected failure the first time only (a marker file
    remembers); anything else: "renders" by writing a file into the package folder."""
    name = Path(project_dir).name
    if "crash" in name:
        os._exit(3)
    if "raise" in name:
        raise RuntimeError("the fake job broke")
    if "flaky" in name:
        marker = Path(project_dir) / "tried-once"
        if not marker.exists():
            marker.write_text("1")
            return EpisodeResult(
                project_dir,
                slug,
                week,
                FAILED,
                "OSError: stale file handle",
                error_type="OSError",
                unexpected=True,
            )
    Path(package_dir).mkdir(parents=True, exist_ok=True)
    (Path(package_dir) / "done.txt").write_text(f"pid {os.getpid()}\n")
    return EpisodeResult(
        project_dir, slug, week, RENDERED, f"fake render in pid {os.getpid()}", package=package_dir
    )
