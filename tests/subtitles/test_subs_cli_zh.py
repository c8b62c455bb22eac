"""A subtitle file that cannot be read is named, with its line, in Chinese under a Chinese locale."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from subs_samples import GOOD_CUES

from pipeline.cli import cli
from pipeline.subtitles.store import producer_path, write_draft

CHINESE = [
    pytest.param(
        {"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None, "PIPELINE_LANG": None}, id="LANG"
    ),
    pytest.param({"LANG": "C.UTF-8", "PIPELINE_LANG": "zh"}, id="PIPELINE_LANG"),
]


def lint(project, env):
    return CliRunner().invoke(cli, ["subs", "lint", str(project.root)], env=env)


def error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def broken(subs_project):
    """The producers' file of int-001 with a timing line that misses its `>` (line 2)."""
    write_draft(subs_project, "int-001", GOOD_CUES)
    write_draft(subs_project, "int-002", GOOD_CUES)
    path = producer_path(subs_project, "int-001")
    path.write_text("1\n00:00:01,000 -> 00:00:02,000\n我们村\n", "utf-8")
    return path


@pytest.mark.parametrize("env", CHINESE)
def test_a_bad_timing_line_names_the_file_and_line(subs_project, broken, env):
    assert error_line(lint(subs_project, env)) == (
        f"错误：{broken} 第 2 行：字幕序号 1 后面应是时间行，例如 00:00:01,000 --> 00:00:02,500；请改正时间"
    )


@pytest.mark.parametrize("env", CHINESE)
def test_a_bad_time_names_the_file_line_and_cue(subs_project, env):
    write_draft(subs_project, "int-002", GOOD_CUES)
    path = producer_path(subs_project, "int-001")
    path.write_text("1\n00:00:01,000 --> 00:00:02,000,500\n我们村\n", "utf-8")
    assert error_line(lint(subs_project, env)) == (
        f"错误：{path} 第 2 行：第 1 条字幕：'00:00:02,000,500' 不是 00:01:02,345 这样的时间；请改正时间行"
    )


def test_the_same_file_in_english(subs_project, broken):
    assert error_line(lint(subs_project, {"LANG": "C.UTF-8", "PIPELINE_LANG": None})) == (
        f"Error: {broken}, line 2: expected a timing line like 00:00:01,000 --> 00:00:02,500 after cue number 1; "
        "fix the timing"
    )
