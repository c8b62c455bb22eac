"""`pipeline consent`: the signed form copied in, [[people]] updated with who and when, the list;
and `pipeline render` refusing publishable files while anyone lacks consent."""

from __future__ import annotations

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.project.create import create_project
from pipeline.project.model import load_project


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def fresh(tmp_path):
    """A project as `init` writes it: the subject listed without consent."""
    return create_project(tmp_path / "项目", title="驻村路上", subject_name="王建华", subject_role="驻村队员")


def test_init_lists_the_subject_without_consent(tmp_path):
    project = fresh(tmp_path)
    assert [(p.name, p.consent) for p in project.people] == [("王建华", False)]


def test_recording_consent_copies_the_form_and_keeps_the_comments(tmp_path):
    project = fresh(tmp_path)
    form = tmp_path / "scan 签字.jpg"
    form.write_bytes(b"\xff\xd8signed form")
    result = run("consent", project.root, "王建华", "--form", form, "--by", "李编辑")
    assert result.exit_code == 0, result.output
    project = load_project(project.root)
    person = project.people[0]
    assert (person.consent, person.consent_by, person.consent_form) == (True, "李编辑", "consent/王建华.jpg")
    assert person.consent_at.endswith("+00:00")
    assert (project.root / "consent" / "王建华.jpg").read_bytes() == form.read_bytes()
    assert project.file.read_text("utf-8").startswith("# project.toml")
    assert project.missing_consent == ()


def test_a_person_not_listed_is_added_and_the_list_shows_everyone(tmp_path):
    project = fresh(tmp_path)
    form = tmp_path / "form.png"
    form.write_bytes(b"png")
    assert run("consent", project.root, "张大爷", "--form", form).exit_code == 0
    assert [p.name for p in load_project(project.root).people] == ["王建华", "张大爷"]
    listing = run("consent", project.root)
    assert listing.exit_code == 0
    lines = listing.output.strip().splitlines()
    assert lines[0] == "王建华  NOT RECORDED"
    assert lines[1].startswith("张大爷  recorded, ") and lines[1].endswith("consent/张大爷.png")
    assert lines[-1] == "2 listed, 1 without consent"


def test_a_missing_form_is_refused(tmp_path):
    project = fresh(tmp_path)
    result = run("consent", project.root, "王建华", "--form", tmp_path / "nope.jpg")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'nope.jpg'}: signed consent form not found; "
        "give the scan or photo of the signed form"
    )
    assert load_project(project.root).people[0].consent is False


def test_render_refuses_publishable_files_without_consent(tmp_path):
    project = fresh(tmp_path)
    form = tmp_path / "form.jpg"
    form.write_bytes(b"jpg")
    run("consent", project.root, "李秀英", "--form", form)
    result = run("render", project.root)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {project.file}: no consent recorded for 王建华 ([[people]]); record each signed form "
        f"with `pipeline consent {project.root} NAME --form FILE`, or render a marked preview with --draft"
    )
    assert not (project.exports_dir / "web").exists()
