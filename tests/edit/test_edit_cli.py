"""`pipeline cut` and `pipeline export` through click."""

import opentimelineio as otio
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.edit.cut_list import read_cut_list


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cut_writes_the_list_and_says_what_it_did(short_project):
    result = run("cut", short_project.root, "--target", "1m")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Wrote {short_project.cut_list}"
    assert "4 of 4 sentences ticked" in result.output
    assert "the material is short" in result.output
    assert len(read_cut_list(short_project).kept) == 4


@pytest.mark.parametrize("target", ["1m", "1m30s", "90s", "90", "1:30"])
def test_target_spellings(short_project, target):
    assert run("cut", short_project.root, "--target", target).exit_code == 0


def test_bad_target_is_a_usage_error(short_project):
    result = run("cut", short_project.root, "--target", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a duration; write it like 4m, 3m30s, 240s or 240" in result.output


def test_target_outside_the_template_is_one_error_line(short_project):
    from pipeline.presets import preset_path

    result = run("cut", short_project.root, "--target", "3m")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --target 3:00 is outside the length rule of template 'short-test' (0:01 to 2:00, "
        f"{preset_path('templates', 'short-test')}); choose a target inside it\n"
    )


def test_cut_on_a_broken_cut_list(short_project):
    short_project.cut_list.write_text("- [x] int-001 00:00.00-00:01.00 a\nstray words\n", "utf-8")
    result = run("cut", short_project.root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {short_project.cut_list} line 2: cannot read 'stray words'; sentence lines "
        "look like `- [x] int-001 00:01.20-00:04.80 text`\n"
    )


def test_cut_rerun_reports_kept_choices(short_project):
    run("cut", short_project.root)
    result = run("cut", short_project.root)
    assert result.exit_code == 0
    assert "kept your choices in cut.md; 0 new sentence(s) added unticked" in result.output


@pytest.mark.parametrize("fmt, suffix", [("otio", ".otio"), ("fcpxml", ".fcpxml"), ("edl", ".edl")])
def test_export_each_format(short_project, fmt, suffix):
    run("cut", short_project.root)
    result = run("export", short_project.root, "--format", fmt, "--subtitles", "none")
    assert result.exit_code == 0, result.output
    path = short_project.exports_dir / f"timeline{suffix}"
    assert result.output == f"Wrote {path}\n"
    kwargs = {"rate": 25} if fmt == "edl" else {}
    assert otio.adapters.read_from_file(str(path), **kwargs).tracks


def test_export_without_a_cut_list(short_project):
    result = run("export", short_project.root, "--format", "otio")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {short_project.cut_list}: no cut list yet; run `pipeline cut {short_project.root}` first\n"
    )


def test_export_unknown_format_is_a_usage_error(short_project):
    assert run("export", short_project.root, "--format", "aaf").exit_code == 2


def test_export_notes_the_length_rule(project):
    from edit_project import fake_clip, write_index

    write_index(project, [fake_clip("int-001", "interview", 20_000)])
    project.cut_list.write_text("- [x] int-001 00:00.00-00:08.00 一句\n", "utf-8")
    result = run(
        "export", project.root, "--format", "edl", "--subtitles", "none", "--output", project.root / "x.edl"
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == (
        f"  Note: {project.cut_list}: the cut runs 0:17 with its cards, 163 s "
        "short of the 3:00 minimum; tick more sentences"
    )
