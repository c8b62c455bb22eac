"""Real (tiny) media through ingest, cut, compile and export: the edit stage on probed facts."""

import opentimelineio as otio
import pytest
from click.testing import CliRunner
from edit_project import transcript_of, use_template, write_transcript
from media import audio_only, make_clip

from pipeline.cli import cli
from pipeline.edit.compile import compile_timeline
from pipeline.project.footage import load_footage
from pipeline.project.ingest import ingest


@pytest.fixture(scope="module")
def camera_card(tmp_path_factory):
    folder = tmp_path_factory.mktemp("card")
    return {
        "interview": make_clip(folder / "take1.mov", size="320x180", duration=4.0),
        "broll": make_clip(folder / "fields.mp4", size="640x360", duration=3.0, audio=False),
        "music": audio_only(folder / "bed.m4a", duration=6.0),
    }


def test_ingested_footage_to_cut_timeline_and_otio(project, camera_card):
    project = use_template(project, "short-test")
    for role, path in camera_card.items():
        ingest(project, [path], role=role)
    clips = {clip.role: clip for clip in load_footage(project)}
    write_transcript(
        project, transcript_of(clips["interview"].clip_id, [(200, "我叫王建华。"), (2000, "我是党员。")])
    )

    runner = CliRunner()
    assert runner.invoke(cli, ["cut", str(project.root)]).exit_code == 0
    text = project.cut_list.read_text("utf-8").replace(
        "我是党员。", "我是党员。\n    broll broll-001 00:00.50-00:02.50"
    )
    project.cut_list.write_text(text, "utf-8")

    timeline = compile_timeline(project, subtitles="none")
    sources = [s.source for s in timeline.shots if s.source]
    assert all(span.path.is_file() for span in sources)
    assert {span.clip_id for span in sources} == {"int-001", "broll-001"}
    assert timeline.music.path.is_file()

    result = runner.invoke(cli, ["export", str(project.root), "--format", "otio", "--subtitles", "none"])
    assert result.exit_code == 0, result.output
    document = otio.adapters.read_from_file(str(project.exports_dir / "timeline.otio"))
    clip = next(c for c in document.find_clips() if "card" not in c.metadata["pipeline"])
    probed = clips["interview"].facts.duration_ms
    assert clip.media_reference.available_range.duration.to_seconds() == pytest.approx(
        probed / 1000, abs=0.02
    )
    assert otio.url_utils.filepath_from_url(clip.media_reference.target_url) == str(
        clips["interview"].path(project)
    )
