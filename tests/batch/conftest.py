"""Batch fixtures: the three episodes of `batch_projects`, built once, copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from batch_projects import EPISODES, TEMPLATE, build_episode
from media import make_clip

from pipeline.presets import preset_path


@pytest.fixture(scope="session")
def footage(media_dir: Path) -> Path:
    return make_clip(media_dir / "batch-take.mp4", size="320x180", duration=4.0)


@pytest.fixture(scope="session")
def built_week(tmp_path_factory, footage: Path) -> Path:
    """The three episodes, ready, never rendered: copied by `week_root` for each test."""
    assert preset_path("templates", TEMPLATE).is_file()
    root = tmp_path_factory.mktemp("built") / "episodes"
    for spec in EPISODES:
        build_episode(root, spec, footage)
    return root


@pytest.fixture
def week_root(built_week: Path, tmp_path: Path) -> Path:
    root = tmp_path / "周播 episodes"
    shutil.copytree(built_week, root)
    return root
