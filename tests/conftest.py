"""Shared fixtures: a throwaway project and small generated media."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # `import media` from any test folder

from pipeline.project.create import create_project  # noqa: E402


@pytest.fixture(autouse=True)
def english_interface(monkeypatch):
    """Tests read the English messages unless they choose a language: the machine's locale (a
    Chinese desktop, say) must not change what they see."""
    monkeypatch.setenv("PIPELINE_LANG", "en")


@pytest.fixture
def project(tmp_path: Path):
    """A fresh project with consent recorded for its subject."""
    root = tmp_path / "项目 one"
    return create_project(
        root,
        title="驻村路上",
        subject_name="王建华",
        subject_role="驻村工作队队员",
        week="2026-W48",
        extra={"people": [{"name": "王建华", "consent": True}]},
    )


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")
