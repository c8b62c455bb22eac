"""Exports that OpenTimelineIO (and its adapters) read back."""

import opentimelineio as otio
import pytest
from edit_project import STORY

from pipeline.edit.cut import update_cut_list
from pipeline.edit.interchange import FORMATS, export_project, reel_name
from pipeline.subtitles import store
from pipeline.subtitles.cue import Cue


@pytest.fixture
def cut_project(short_project):
    update_cut_list(short_project)
    text = short_project.cut_list.read_text("utf-8")
    text = text.replace(STORY[1], STORY[1] + "\n    broll broll-001 00:01.00-00:03.00")
    short_project.cut_list.write_text(text, "utf-8")
    store.write_draft(short_project, "int-001", [Cue(1000, 4400, (STORY[0],)), Cue(6000, 9800, (STORY[1],))])
    store.write_draft(short_project, "int-002", [Cue(500, 4100, (STORY[3],))])
    return short_project


def seconds(track):
    return track.duration().to_seconds()


def test_otio_round_trip(cut_project):
    result = export_project(cut_project, "otio", subtitles="working")
    assert result.path == cut_project.exports_dir / "timeline.otio"
    timeline = result.timeline
    document = otio.adapters.read_from_file(str(result.path))
    video, narration, music = document.tracks
    assert video.kind == "Video" and narration.kind == "Audio" and music.kind == "Audio"
    for track in (video, narration, music):
        assert seconds(track) == pytest.approx(timeline.duration_ms / 1000)
    clips = [c for c in video if isinstance(c, otio.schema.Clip) and "card" not in c.metadata["pipeline"]]
    assert [c.name for c in clips] == [s.source.clip_id for s in timeline.shots if s.source]
    first = clips[0]
    assert first.media_reference.target_url == (cut_project.root / "footage" / "int-001.mp4").as_uri()
    # source times land on frames of the timeline rate (25 fps: 40 ms)
    assert first.source_range.start_time.to_seconds() == pytest.approx(
        timeline.shots[1].source.in_ms / 1000, abs=0.021
    )
    cards = [c for c in video if isinstance(c, otio.schema.Clip) and "card" in c.metadata["pipeline"]]
    assert [c.metadata["pipeline"]["card"] for c in cards] == ["title", "credits"]
    # no drawing given: generators the editor replaces (the command passes the drawn stills)
    assert [c.media_reference.generator_kind for c in cards] == [
        "pipeline.title_card",
        "pipeline.credits_card",
    ]
    assert not [g for g in video if isinstance(g, otio.schema.Gap)]
    assert [t.transition_type for t in video if isinstance(t, otio.schema.Transition)] == [
        "SMPTE_Dissolve"
    ] * 2
    markers = [m for item in video for m in getattr(item, "markers", [])]
    names = [m.name for m in markers]
    assert names == [STORY[0], "王建华 / 驻村工作队队员", STORY[1], STORY[3]]
    assert music[0].media_reference.target_url.endswith("music-001.m4a")


def test_fcpxml_reads_back(cut_project):
    result = export_project(cut_project, "fcpxml", subtitles="working")
    document = otio.adapters.read_from_file(str(result.path))
    video = [t for t in document.tracks if t.kind == "Video"]
    clips = [c for c in document.find_clips()]
    assert video and {c.name for c in clips} >= {"int-001", "int-002", "broll-001"}
    text = result.path.read_text("utf-8")
    assert f'value="{STORY[0]}"' in text  # subtitles as markers


def test_edl_is_cmx3600_with_reels(cut_project):
    result = export_project(
        cut_project, "edl", subtitles="working", output=cut_project.root / "out" / "ep.edl"
    )
    text = result.path.read_text("utf-8")
    assert text.startswith("TITLE: EPISODE") and "INT001" in text and "BROLL001" in text
    assert STORY[0] not in text  # no markers with Chinese text in an EDL
    document = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=25)
    (video,) = document.tracks
    reels = ("TITLE", "CREDITS")
    clips = [
        c for c in video if isinstance(c, otio.schema.Clip) and c.metadata["cmx_3600"]["reel"] not in reels
    ]
    picture = [s for s in result.timeline.shots if s.source]
    assert len(clips) == len(picture)
    assert [c.metadata["cmx_3600"]["reel"] for c in clips] == [
        reel_name(s.source.clip_id, {}) for s in picture
    ]
    events = [
        line.split() for line in text.splitlines() if line[:3].isdigit() and line.split()[1] not in reels
    ]
    for clip, shot, event in zip(clips, picture, events):
        assert clip.source_range.duration.to_seconds() == pytest.approx(shot.duration_ms / 1000)
        record_in, record_out = event[-2:]  # the record side: where the shot sits in the episode
        assert record_in == otio.opentime.to_timecode(
            otio.opentime.RationalTime(shot.start_ms * 25 // 1000, 25)
        )
        assert record_out == otio.opentime.to_timecode(
            otio.opentime.RationalTime(shot.end_ms * 25 // 1000, 25)
        )


def test_reel_names_are_short_and_unique():
    reels: dict[str, str] = {}
    assert reel_name("int-001", reels) == "INT001"
    assert reel_name("broll-0001", reels) == "BROLL000"
    assert reel_name("broll-0002", reels) == "R003"
    assert reel_name("int-001", reels) == "INT001"


def test_length_is_noted_not_refused(project):
    from edit_project import fake_clip, write_index

    write_index(project, [fake_clip("int-001", "interview", 20_000)])
    project.cut_list.write_text("- [x] int-001 00:00.00-00:08.00 一句\n", "utf-8")
    result = export_project(project, "otio", subtitles="none")
    assert "163 s short of the 3:00 minimum" in result.length_note and result.path.exists()


def test_unapproved_subtitles_say_how_to_export_anyway(cut_project):
    from pipeline.errors import SubtitleError

    with pytest.raises(SubtitleError, match=r"not approved; .*; or export with --subtitles working"):
        export_project(cut_project, "otio")
    assert not (cut_project.exports_dir / "timeline.otio").exists()


def test_every_format_is_declared():
    assert set(FORMATS) == {"otio", "edl", "fcpxml"}


@pytest.fixture
def camera_project(cut_project, tmp_path):
    """int-001 from a camera with start timecode 10:00:00:00; int-002 anamorphic HDV (1440x1080 SAR
    4:3) starting at 01:02:03:04; and a painter for the cards (a tiny PNG each)."""
    import dataclasses

    from edit_project import write_index

    from pipeline.project.footage import load_footage

    clips = []
    for clip in load_footage(cut_project):
        if clip.clip_id == "int-001":
            clip = dataclasses.replace(clip, facts=dataclasses.replace(clip.facts, timecode="10:00:00:00"))
        if clip.clip_id == "int-002":
            video = dataclasses.replace(clip.facts.video, width=1440, sar="4:3", dar="16:9")
            clip = dataclasses.replace(
                clip, facts=dataclasses.replace(clip.facts, video=video, timecode="01:02:03:04")
            )
        clips.append(clip)
    write_index(cut_project, clips)

    def draw_card(card, timeline):
        from PIL import Image

        path = tmp_path / f"{card.kind}.png"
        Image.new("RGB", (64, 36), (200, 20, 20)).save(path)
        return path

    return cut_project, draw_card


def tc(frames: int) -> str:
    return otio.opentime.to_timecode(otio.opentime.RationalTime(frames, 25))


def test_edl_carries_camera_timecode_dissolves_and_cards(camera_project):
    project, draw_card = camera_project
    result = export_project(project, "edl", subtitles="working", draw_card=draw_card)
    text = result.path.read_text("utf-8")
    timeline = result.timeline
    shots = [s for s in timeline.shots if s.source and s.source.clip_id == "int-001"]
    first = shots[0].source
    source_in = tc(10 * 3600 * 25 + round(first.in_ms * 25 / 1000))
    assert source_in in text  # the camera's timecode, not 00:00:00:00
    int002 = next(s.source for s in timeline.shots if s.source and s.source.clip_id == "int-002")
    assert tc((3600 + 2 * 60 + 3) * 25 + 4 + round(int002.in_ms * 25 / 1000)) in text
    assert " TITLE " in text and " CREDITS " in text  # cards are events, not holes
    assert len([line for line in text.splitlines() if line[:3].isdigit() and " D " in line]) == 2
    document = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=25)
    assert seconds(document.tracks[0]) == pytest.approx(timeline.duration_ms / 1000)


def test_fcpxml_formats_timecode_stills_and_transitions(camera_project):
    project, draw_card = camera_project
    result = export_project(project, "fcpxml", subtitles="working", draw_card=draw_card)
    text = result.path.read_text("utf-8")
    assert '<format id="' in text and 'width="1440" height="1080"' in text and 'frameDuration="1/25s"' in text
    assert 'width="1920" height="1080"' in text  # the sequence
    assert text.count("<transition ") == 2
    assert 'start="36000/1s"' in text  # int-001's asset starts at 10:00:00:00
    assert (project.exports_dir / "timeline-title.png").is_file()
    assert "timeline-title.png" in text and "timeline-credits.png" in text
    document = otio.adapters.read_from_file(str(result.path))
    total = result.timeline.duration_ms / 1000
    (video,) = [t for t in document.tracks if t.kind == "Video"]
    assert seconds(video) == pytest.approx(total) and document.duration().to_seconds() == pytest.approx(total)
    # connected audio lanes carry no trailing gap in FCPXML: the narration ends where its last piece does
    narration_end = max(p.end_ms for p in result.timeline.audio) / 1000
    assert sorted(seconds(t) for t in document.tracks if t.kind == "Audio") == pytest.approx(
        sorted([narration_end, total])
    )


def test_otio_track_lengths_equal_the_timeline_with_stills(camera_project):
    project, draw_card = camera_project
    result = export_project(project, "otio", subtitles="working", draw_card=draw_card)
    document = otio.adapters.read_from_file(str(result.path))
    for track in document.tracks:
        assert seconds(track) == pytest.approx(result.timeline.duration_ms / 1000)
    cards = [
        c for c in document.tracks[0] if isinstance(c, otio.schema.Clip) and "card" in c.metadata["pipeline"]
    ]
    assert [
        c.media_reference.target_url.endswith(f"timeline-{c.metadata['pipeline']['card']}.png") for c in cards
    ] == [
        True,
        True,
    ]
    clip = next(c for c in document.tracks[0] if c.name == "int-002")
    assert clip.metadata["pipeline"]["source"]["display_width"] == 1920
