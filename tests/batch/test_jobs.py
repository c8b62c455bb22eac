"""`run_episode` in this process: failures come back as results, the log is the episode's own."""

import logging
import pickle

import pytest
from batch_projects import WEEK, project_folder

from pipeline.batch.jobs import FAILED, EpisodeResult, episode_log, run_episode
from pipeline.errors import EditError


def test_an_unexpected_exception_is_a_failed_result_with_its_type_and_traceback_in_the_log(
    week_root, monkeypatch
):
    def broken_render(*args, **kwargs):
        raise ZeroDivisionError("division by zero in a codec table")

    monkeypatch.setattr("pipeline.batch.jobs.render_project", broken_render)
    folder = project_folder(week_root, 1)

    result = run_episode(str(folder), (), False, WEEK, str(week_root / "outbox" / WEEK / "E01"), "E01")

    assert (result.status, result.error_type, result.unexpected) == (FAILED, "ZeroDivisionError", True)
    assert result.reason == "ZeroDivisionError: division by zero in a codec table"
    assert result.log == str(folder / ".cache" / "batch" / f"{WEEK}.log")
    logged = (folder / ".cache" / "batch" / f"{WEEK}.log").read_text("utf-8")
    assert "Traceback (most recent call last)" in logged and "ZeroDivisionError" in logged
    assert pickle.loads(pickle.dumps(result)) == result
    assert not (week_root / "outbox").exists()


def test_a_data_problem_is_a_failed_result_not_worth_a_retry(week_root):
    folder = project_folder(week_root, 2)
    (folder / "cut.md").unlink()
    result = run_episode(str(folder), ("web",), False, WEEK, str(week_root / "outbox" / WEEK / "E02"), "E02")
    assert (result.status, result.error_type, result.unexpected) == (FAILED, EditError.__name__, False)
    root = folder.resolve()
    assert result.reason == f"{root / 'cut.md'}: no cut list yet; run `pipeline cut {root}` first"


def test_a_folder_this_worker_cannot_see(tmp_path):
    missing = tmp_path / "on another machine"
    result = run_episode(str(missing), (), False, WEEK, str(tmp_path / "outbox" / "x"), "x")
    assert result.status == FAILED
    assert result.reason.startswith(f"{missing / 'project.toml'}: not found on worker ")
    assert result.reason.endswith("project folders must be on storage every worker sees at the same path")
    assert not missing.exists()  # the job did not create the folder to write its log


def test_the_log_holds_this_threads_pipeline_records_and_is_detached_afterwards(tmp_path):
    package_logger = logging.getLogger("pipeline")
    level = package_logger.level
    handlers = list(package_logger.handlers)
    path = tmp_path / "job.log"
    with episode_log(path):
        logging.getLogger("pipeline.ffmpeg").debug("ffmpeg -i in.mp4 out.mp4")
        logging.getLogger("somebody.else").warning("not ours")
    logging.getLogger("pipeline.ffmpeg").debug("after the job")
    text = path.read_text("utf-8")
    assert "DEBUG pipeline.ffmpeg: ffmpeg -i in.mp4 out.mp4" in text
    assert "not ours" not in text and "after the job" not in text
    assert package_logger.level == level and package_logger.handlers == handlers


@pytest.mark.parametrize("status", ["rendered", "failed"])
def test_results_pickle(status):
    result = EpisodeResult("/p", "E01-驻村路上", WEEK, status, "why", 1.5, notes=("a note",))
    assert pickle.loads(pickle.dumps(result)) == result
