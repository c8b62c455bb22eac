"""The edit stage's common failures read in Chinese under a Chinese locale: the length rule and
subtitles that are not approved (or changed since), through `pipeline render` as an editor meets them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from edit_project import fake_clip, write_index

from pipeline.cli import cli
from pipeline.edit.cut_list import read_cut_list
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.srt_io import write_srt
from pipeline.subtitles.store import approve, producer_path

# the locale decides (the test environment's PIPELINE_LANG=en removed), or the pipeline's own choice
CHINESE = [
    pytest.param(
        {"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None, "PIPELINE_LANG": None}, id="LANG"
    ),
    pytest.param({"LANG": "C.UTF-8", "PIPELINE_LANG": "zh"}, id="PIPELINE_LANG"),
]


def render(project, env):
    return CliRunner().invoke(cli, ["render", str(project.root)], env=env)


def error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("env", CHINESE)
def test_too_short_for_the_length_rule(project, env):
    write_index(project, [fake_clip("int-001", "interview", 20_000)])
    project.cut_list.write_text("- [x] int-001 00:00.00-00:08.00 一句\n", "utf-8")
    assert error_line(render(project, env)) == (
        f"错误：{project.cut_list}：加上片头片尾字卡，成片时长 0:17，比最短 3:00 的规定还差 163 秒；"
        "请多勾选一些句子"
    )


@pytest.mark.parametrize("env", CHINESE)
def test_too_long_for_the_length_rule(short_project, env):
    with short_project.file.open("a", encoding="utf-8") as f:
        f.write("\n[overrides.template.length]\nmin_s = 1\nmax_s = 5\ntarget_s = 5\n")
    short_project.cut_list.write_text("- [x] int-001 00:00.00-00:08.00 一句\n", "utf-8")
    assert error_line(render(short_project, env)) == (
        f"错误：{short_project.cut_list}：加上片头片尾字卡，成片时长 0:10，超过最长 0:05 的规定 5 秒；"
        "请取消勾选一些句子"
    )


@pytest.mark.parametrize("env", CHINESE)
def test_subtitles_not_approved(short_project, env):
    short_project.cut_list.write_text("- [x] int-001 00:01.00-00:05.00 一句\n", "utf-8")
    assert error_line(render(short_project, env)) == (
        f"错误：{producer_path(short_project, 'int-001')}：字幕尚未审核通过；"
        f"请审核后运行 `pipeline subs approve {short_project.root} --by NAME`"
    )


@pytest.mark.parametrize("env", CHINESE)
def test_subtitles_changed_since_approval(short_project, env):
    short_project.cut_list.write_text("- [x] int-001 00:01.00-00:05.00 一句\n", "utf-8")
    producers = producer_path(short_project, "int-001")
    write_srt(producers, [Cue(1000, 3000, ("一句",))])
    approve(short_project, "李明", ["int-001"])
    write_srt(producers, [Cue(1000, 3000, ("改过的一句",))])
    assert error_line(render(short_project, env)) == (
        f"错误：{producers}：审核通过后又被改动过；请用 `pipeline subs approve` 重新审核"
    )


def test_the_same_failure_stays_english_without_a_chinese_locale(short_project):
    short_project.cut_list.write_text("- [x] int-001 00:01.00-00:05.00 一句\n", "utf-8")
    result = render(short_project, {"LANG": "C.UTF-8", "PIPELINE_LANG": None})
    assert error_line(result) == (
        f"Error: {producer_path(short_project, 'int-001')}: not approved; "
        f"review it and run `pipeline subs approve {short_project.root} --by NAME`"
    )


def test_cut_writes_a_chinese_cut_list_that_reads_back(short_project):
    chinese = CliRunner().invoke(cli, ["cut", str(short_project.root)], env={"PIPELINE_LANG": "zh"})
    assert chinese.exit_code == 0, chinese.output
    assert chinese.output.splitlines()[1].startswith("  4 句中勾选了 ")
    text = short_project.cut_list.read_text("utf-8")
    assert text.startswith("<!--\ncut.md：本期节目的剪辑单。") and "# 驻村路上 · 剪辑单" in text
    before = read_cut_list(short_project)
    # the list written in Chinese is read by a run in English: the same choices, kept
    english = CliRunner().invoke(cli, ["cut", str(short_project.root)], env={"PIPELINE_LANG": "en"})
    assert english.exit_code == 0, english.output
    assert "kept your choices in cut.md" in english.output
    after = read_cut_list(short_project)
    assert [(e.clip_id, e.in_ms, e.out_ms, e.keep) for e in after.entries] == [
        (e.clip_id, e.in_ms, e.out_ms, e.keep) for e in before.entries
    ]
