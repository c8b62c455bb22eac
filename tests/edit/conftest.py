"""Edit-stage fixtures (the builders live in edit_project.py, importable by the tests)."""

from __future__ import annotations

import pytest
from edit_project import STORY, fake_clip, transcript_of, use_template, write_index, write_transcript

from pipeline.project.model import Project


@pytest.fixture
def short_project(project: Project) -> Project:
    """The `short-test` template, two interview clips, one B-roll clip, a music bed, transcripts."""
    project = use_template(project, "short-test")
    write_index(
        project,
        [
            fake_clip("int-001", "interview", 20_000),
            fake_clip("int-002", "interview", 12_000),
            fake_clip("broll-001", "broll", 10_000),
            fake_clip("music-001", "music", 60_000, suffix=".m4a"),
        ],
    )
    write_transcript(
        project, transcript_of("int-001", [(1000, STORY[0]), (6000, STORY[1]), (12000, STORY[2])])
    )
    write_transcript(project, transcript_of("int-002", [(500, STORY[3])]))
    return project
