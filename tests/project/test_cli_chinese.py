"""The project commands and click's own words under a Chinese locale (issue 16).

The exact Chinese lines an editor sees for the common failures (a missing file, a broken
project.toml, a usage mistake), help in Chinese, the doctor table in Chinese, and PIPELINE_LANG=en
winning over a Chinese desktop.
"""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline.transcribe.models as models
from pipeline import doctor
from pipeline.cli import cli
from pipeline.media.fonts import CjkFont

CHINESE_DESKTOP = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "PIPELINE_LANG": ""}
CHOSEN = {"LANG": "C.UTF-8", "PIPELINE_LANG": "zh"}


def run(args: list[str], env: dict[str, str]):
    return CliRunner().invoke(cli, args, env=env, prog_name="pipeline")


@pytest.mark.parametrize("env", [CHINESE_DESKTOP, CHOSEN], ids=["LANG", "PIPELINE_LANG"])
def test_pipeline_help_in_chinese(env):
    result = run(["--help"], env)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "用法：pipeline [OPTIONS] COMMAND [ARGS]..."
    assert "  微视频制作流水线：放进素材，产出网站、公众号和视频号用的成片。" in lines
    assert "选项：" in lines and "命令：" in lines
    assert "  -h, --help  显示此帮助并退出。" in lines
    assert "  --version   显示版本号并退出。" in lines
    assert "  init        新建一个带 project.toml 的项目文件夹。" in lines
    assert not any(word in result.output for word in ("Usage:", "Options:", "Show this message"))


@pytest.mark.parametrize("env", [CHINESE_DESKTOP, CHOSEN], ids=["LANG", "PIPELINE_LANG"])
def test_ingest_help_in_chinese(env):
    result = run(["ingest", "--help"], env)
    assert result.exit_code == 0
    assert result.output.startswith("用法：pipeline ingest [OPTIONS] DIR FILE...\n")
    assert "把素材复制进项目，检测其参数并记录校验和" in result.output
    assert "用符号链接代替复制。" in result.output
    assert "[默认：interview]" in result.output  # click's "[default: ...]" too


def test_a_usage_mistake_reads_in_chinese_with_exit_2():
    result = run(["ingest"], CHINESE_DESKTOP)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "用法：pipeline ingest [OPTIONS] DIR FILE...",
        "运行“pipeline ingest --help”查看帮助。",
        "",
        "错误：缺少参数 'DIR'。",
    ]


def test_a_wrong_choice_reads_in_chinese():
    result = run(["ingest", "p", "f.mp4", "--role", "talk"], CHINESE_DESKTOP)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "错误：'--role' 的值无效：'talk' 不是可选值之一：'interview', 'broll', 'music'。"
    )


def test_ingest_of_a_missing_file(project, tmp_path: Path):
    missing = tmp_path / "DSC_0001.MOV"
    result = run(["ingest", str(project.root), str(missing)], CHINESE_DESKTOP)
    assert result.exit_code == 1
    assert result.stderr == f"错误：{missing}：找不到文件；请检查路径\n"
    assert result.stdout == ""


def test_a_broken_project_toml(project, tmp_path: Path):
    project.file.write_text('[episode]\ntitle = "驻村路上\n', "utf-8")  # the quote is never closed
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    result = run(["ingest", str(project.root), str(clip)], CHINESE_DESKTOP)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"错误：{project.file}：TOML 格式错误（")
    assert line.endswith("）；请修正语法")


def test_pipeline_lang_en_wins_over_a_chinese_locale(project, tmp_path: Path):
    missing = tmp_path / "DSC_0001.MOV"
    result = run(["ingest", str(project.root), str(missing)], {**CHINESE_DESKTOP, "PIPELINE_LANG": "en"})
    assert result.stderr == f"Error: {missing}: file not found; check the path\n"
    help_text = run(["--help"], {**CHINESE_DESKTOP, "PIPELINE_LANG": "en"}).output
    assert help_text.startswith("Usage: pipeline [OPTIONS] COMMAND [ARGS]...")
    assert "Show this message and exit." in help_text


DiskUsage = namedtuple("DiskUsage", "total used free")


def test_doctor_table_in_chinese(monkeypatch, tmp_path: Path):
    # a machine without libass and with little disk space: the checks, their state and what to do
    monkeypatch.setattr(doctor, "ffmpeg_exe", lambda: "/opt/ffmpeg/bin/ffmpeg")
    monkeypatch.setattr(
        doctor, "ffmpeg_lists", lambda: ("--enable-libx264\n", " libx264 \n", " loudnorm \n ebur128 \n")
    )
    monkeypatch.setattr(doctor, "ffmpeg_version", lambda: "ffmpeg 7.0.2")
    font = CjkFont("Noto Sans CJK SC", Path("/fonts/a.ttc"), Path("/fonts/b.ttc"))
    monkeypatch.setattr(doctor, "find_cjk_font", lambda: font)
    monkeypatch.setattr(models, "model_status", lambda spec="base": f"{spec}: /models/base (75 MB)")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: DiskUsage(10**12, 10**11, 2 * 10**9))
    monkeypatch.setenv("COLUMNS", "200")
    result = run(["doctor", str(tmp_path)], CHINESE_DESKTOP)
    assert result.exit_code == 1
    out = result.output
    for text in ("检查项", "状态", "详情", "中文字体", "语音识别模型", "磁盘空间", "通过", "缺失", "已找到"):
        assert text in out, text
    assert "缺失（字幕压制）；请使用自带的 ffmpeg（取消 PIPELINE_FFMPEG 设置）或包含 libass 的版本" in out
    assert "当前使用（默认）：base: /models/base (75 MB)" in out
    assert f"{tmp_path} 剩余 2.0 GB；请至少腾出 5 GB（渲染和缓存需要空间）" in out
    assert result.stderr == ("错误：尚未就绪：ffmpeg libass, 磁盘空间；怎么处理请看上面的表格\n")
