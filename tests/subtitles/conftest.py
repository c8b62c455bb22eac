"""Fixtures for the subtitle tests: the profiles, a glossary, and a project with interview clips."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w
from subs_samples import fake_clip

from pipeline.project.footage import save_footage
from pipeline.project.model import Glossary, load_project
from pipeline.subtitles.profile import load_qc_profile


@pytest.fixture(scope="session")
def profile():
    return load_qc_profile("zh-CN")


@pytest.fixture(scope="session")
def vertical():
    return load_qc_profile("zh-CN-vertical")


@pytest.fixture
def glossary():
    return Glossary(terms=("王建华", "第一书记", "两委"), wrong_forms=(("两为", "两委"), ("王建", "王建华")))


@pytest.fixture
def subs_project(project):
    """The shared `project` with a glossary and two interview clips (int-001, int-002) plus B-roll."""
    data = tomllib.loads(project.file.read_text("utf-8"))
    data.setdefault("glossary", {})["wrong_forms"] = {"两为": "两委"}
    project.file.write_text(tomli_w.dumps(data), "utf-8")
    save_footage(project, (fake_clip("int-001"), fake_clip("int-002"), fake_clip("broll-001", "broll")))
    return load_project(project.root)
