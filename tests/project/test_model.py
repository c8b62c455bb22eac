"""project.toml: loading, validation messages that name file and key, atomic writes, path safety."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w

from pipeline.errors import ProjectError
from pipeline.project.create import create_project
from pipeline.project.files import atomic_output, atomic_write_text
from pipeline.project.model import load_project

VALID = {
    "template": "first-person",
    "platforms": ["web", "channels"],
    "episode": {"series": "我是党员", "number": 7, "title": "驻村路上", "week": "2026-W48"},
    "subject": {"name": "王建华", "role": "驻村工作队队员", "unit": "石墙镇"},
    "people": [{"name": "王建华", "consent": True}, {"name": "张大爷", "consent": False}],
    "glossary": {"terms": ["两委", "驻村"], "wrong_forms": {"两为": "两委"}},
    "credits": [{"role": "出品", "name": "县委组织部"}],
}


def write(root: Path, data: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "project.toml").write_text(tomli_w.dumps(data), "utf-8")
    return root


def without(data: dict, table: str, key: str) -> dict:
    copy = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    del copy[table][key]
    return copy


def test_loads_every_field(tmp_path):
    project = load_project(write(tmp_path / "p", VALID))
    assert project.episode.number == 7 and project.episode.week == "2026-W48"
    assert project.subject.role == "驻村工作队队员"
    assert project.platforms == ("web", "channels")
    assert project.glossary.wrong_forms == (("两为", "两委"),)
    assert project.missing_consent == ("张大爷",)
    assert project.credits[0].role == "出品"
    assert project.cut_list == project.root / "cut.md"
    # [publish] is optional: comments open to everyone unless the project says otherwise
    assert (project.publish.comments, project.publish.comments_fans_only) == (True, False)
    fans = load_project(write(tmp_path / "q", {**VALID, "publish": {"comments_fans_only": True}}))
    assert (fans.publish.comments, fans.publish.comments_fans_only) == (True, True)


def test_dataclasses_are_frozen(tmp_path):
    project = load_project(write(tmp_path / "p", VALID))
    with pytest.raises(AttributeError):
        project.subject.name = "someone else"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (without(VALID, "subject", "name"), '[subject] name is missing; add name = "..." under [subject]'),
        (without(VALID, "episode", "title"), '[episode] title is missing; add title = "..." under [episode]'),
        (
            {**VALID, "episode": {**VALID["episode"], "week": "48"}},
            '[episode] week = "48" is not an ISO week',
        ),
        ({**VALID, "platforms": ["web", "douyin"]}, 'platforms has unknown platform "douyin"'),
        ({**VALID, "people": [{"name": "王建华"}]}, "[[people]] #1 consent for 王建华 must be true or false"),
        (
            {**VALID, "episode": {**VALID["episode"], "number": "one"}},
            "[episode] number must be a whole number",
        ),
        ({k: v for k, v in VALID.items() if k != "subject"}, "[subject] is missing"),
        ({**VALID, "publish": {"comments": "yes"}}, "[publish] comments must be true or false, not 'yes'"),
    ],
)
def test_invalid_values_name_file_and_key(tmp_path, data, message):
    root = write(tmp_path / "p", data)
    with pytest.raises(ProjectError) as err:
        load_project(root)
    assert str(err.value).startswith(f"{root / 'project.toml'}: ")
    assert message in str(err.value)


def test_invalid_toml_and_missing_project(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "project.toml").write_text("[episode\ntitle = ", "utf-8")
    with pytest.raises(ProjectError, match="invalid TOML"):
        load_project(tmp_path / "p")
    with pytest.raises(ProjectError, match="project folder not found"):
        load_project(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProjectError, match="project.toml: not found"):
        load_project(tmp_path / "empty")


def test_asset_paths_may_not_escape(tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    root = write(tmp_path / "p", {**VALID, "assets": {"logo": "../secret.png"}})
    with pytest.raises(ProjectError, match=r"\[assets\] logo = '../secret.png' points outside the project"):
        load_project(root)
    (root / "logo.png").write_bytes(b"x")
    write(root, {**VALID, "assets": {"logo": "logo.png"}})
    assert load_project(root).assets["logo"] == (root / "logo.png").resolve()


def test_init_writes_a_loadable_commented_project(tmp_path):
    project = create_project(tmp_path / "新 项目", title="题目", subject_name="李四", subject_role="第一书记")
    text = project.file.read_text("utf-8")
    assert text.startswith("# project.toml")
    assert load_project(project.root).subject.name == "李四"
    for sub in ("footage", "transcripts", "subtitles", "exports"):
        assert (project.root / sub).is_dir()
    with pytest.raises(ProjectError, match="a project already exists here"):
        create_project(project.root, title="x", subject_name="y", subject_role="z")


def test_atomic_output_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "good")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_transcribe_settings_default_and_validate(tmp_path):
    project = load_project(write(tmp_path / "a", VALID))
    assert project.transcribe.model == "" and project.transcribe.corrections is True
    project = load_project(
        write(tmp_path / "b", {**VALID, "transcribe": {"model": "models/small", "corrections": False}})
    )
    assert project.transcribe.model == "models/small" and project.transcribe.corrections is False
    for table, message in (
        ({"corrections": "yes"}, "[transcribe] corrections must be true or false, not 'yes'"),
        ({"modle": "small"}, "[transcribe] modle is not a setting; use model or corrections"),
        ({"model": 3}, "[transcribe] model must be a quoted string, not 3"),
    ):
        root = write(tmp_path / "c", {**VALID, "transcribe": table})
        with pytest.raises(ProjectError) as err:
            load_project(root)
        assert message in str(err.value)
