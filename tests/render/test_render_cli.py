"""`pipeline render`: a thin command over `render_project`; one `Error:` line when something misses."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.render import engine
from pipeline.render.checks import Problem
from pipeline.render.manifest import ManifestEntry


def entry(path: str, problems=()) -> ManifestEntry:
    return ManifestEntry(
        "web",
        path,
        "ab" * 32,
        240.0,
        1920,
        1080,
        "h264",
        "aac",
        52_000_000,
        -15.1,
        -1.6,
        None,
        problems=tuple(problems),
    )


def fake_report(root: Path, problems=()) -> engine.RenderReport:
    out = engine.OutputReport(
        "web", "main", root / "exports/web/x.mp4", True, entry("exports/web/x.mp4", problems)
    )
    return engine.RenderReport(root, 240_000, (out,), notes=("wechat: no sensible bitrate fits 10 MB",))


def test_render_prints_a_table_of_outputs(project, monkeypatch):
    seen = {}

    def render(path, platforms, **kwargs):
        seen.update(path=path, platforms=platforms, **kwargs)
        return fake_report(project.root)

    monkeypatch.setattr(engine, "render_project", render)
    result = CliRunner().invoke(cli, ["render", str(project.root), "--platform", "web", "--force"])
    assert result.exit_code == 0, result.output
    assert seen["platforms"] == ("web",) and seen["force"] is True and seen["draft"] is False
    assert (
        "exports/web/x.mp4" in result.stdout
        and "-15.1 LUFS" in result.stdout
        and "1920x1080" in result.stdout
    )
    assert "Note: wechat: no sensible bitrate fits 10 MB" in result.stderr


def test_an_output_missing_its_preset_is_one_error_line(project, monkeypatch):
    problem = Problem(
        "loudness", "-15 ±1 LUFS", "-17.3 LUFS", "exports/web/x.mp4: loudness -17.3 LUFS, target -15 ±1 LU"
    )
    monkeypatch.setattr(engine, "render_project", lambda *a, **k: fake_report(project.root, [problem]))
    result = CliRunner().invoke(cli, ["render", str(project.root)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: exports/web/x.mp4: loudness -17.3 LUFS, target -15 ±1 LU"


def test_a_project_without_a_cut_list(project):
    result = CliRunner().invoke(cli, ["render", str(project.root)])
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"Error: {project.cut_list}: no cut list yet; run `pipeline cut {project.root}` first"
    )


def test_unknown_platform_is_a_usage_error(project):
    result = CliRunner().invoke(cli, ["render", str(project.root), "--platform", "tiktok"])
    assert result.exit_code == 2 and "tiktok" in result.stderr


def test_a_draft_decodes_the_review_proxies(project, monkeypatch):
    from pipeline.review.proxy import make_proxy

    seen = {}

    def render(path, platforms, **kwargs):
        seen.update(kwargs)
        return fake_report(project.root)

    monkeypatch.setattr(engine, "render_project", render)
    result = CliRunner().invoke(cli, ["render", str(project.root), "--draft"])
    assert result.exit_code == 0, result.output
    assert seen["draft"] is True and seen["proxies"] is make_proxy


def test_watch_needs_draft(project):
    result = CliRunner().invoke(cli, ["render", str(project.root), "--watch"])
    assert result.exit_code == 2
    assert "--watch re-renders drafts only; add --draft." in result.output


def test_watch_renders_again_after_each_change_until_ctrl_c(project, monkeypatch):
    from pipeline.render import watch

    passes = []

    def render(path, platforms, **kwargs):
        passes.append(kwargs["draft"])
        if len(passes) == 3:
            raise KeyboardInterrupt
        return fake_report(project.root)

    def changed(self):
        project.cut_list.write_text(f"# 第{len(passes)}版\n", "utf-8")

    monkeypatch.setattr(engine, "render_project", render)
    monkeypatch.setattr(watch.Watcher, "wait_for_change", changed)
    result = CliRunner().invoke(cli, ["render", str(project.root), "--draft", "--watch"])
    assert result.exit_code == 0, result.output
    assert passes == [True, True, True]
    assert result.stdout.count("Draft rendered in ") == 2
    assert "exports/web/x.mp4" in result.stdout and result.stdout.rstrip().endswith("Stopped watching.")


def test_the_demo_shows_a_re_render_after_unticking_one_sentence(tmp_path):
    import click

    from pipeline.cli.demo_cmds import _rerender_after_change

    cut = tmp_path / "cut.md"
    text = "# cut\n" + "".join(f"- [x] int-001 00:0{i}.00-00:0{i}.90 第{i}句\n" for i in range(5))
    cut.write_text(text, "utf-8")
    seen = []

    @click.command()
    @click.option("--platform", "platforms", multiple=True)
    @click.argument("project_dir")
    def render(project_dir, platforms):
        seen.append((platforms, cut.read_text("utf-8").count("- [ ] ")))

    @click.command()
    @click.pass_context
    def demo(ctx):
        _rerender_after_change(ctx, render, tmp_path)

    result = CliRunner().invoke(demo, [])
    assert result.exit_code == 0, result.output
    assert seen == [(("web",), 1), (("web",), 0)]  # one sentence left out, then ticked again
    assert cut.read_text("utf-8") == text
    assert "unticks one sentence: int-001 00:02.00-00:02.90 第2句" in result.output
    assert result.output.count("Web rendered again in ") == 2
