"""Fixtures for the review page tests: a project with one tiny interview clip and a draft, a running server."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from media import make_clip
from review_samples import DRAFT, Client

from pipeline.project.ingest import ingest
from pipeline.review.server import ReviewServer
from pipeline.subtitles.store import write_draft


@pytest.fixture(scope="session")
def interview_source(media_dir: Path) -> Path:
    return make_clip(media_dir / "采访 王建华.mp4", size="320x240", duration=4.0)


@pytest.fixture
def review_project(project, interview_source):
    """The shared `project` with the clip ingested as int-001 and a draft with one QC error."""
    ingest(project, [interview_source], role="interview")
    write_draft(project, "int-001", DRAFT)
    return project


@pytest.fixture
def review_server(review_project):
    server = ReviewServer(review_project.root)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.close()
        thread.join(5)


@pytest.fixture
def client(review_server) -> Client:
    return Client(review_server.port)
