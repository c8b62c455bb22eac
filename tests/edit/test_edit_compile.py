"""compile_timeline on test projects: structure, checks against the footage, the length rule, subtitles."""

import pytest
from edit_project import STORY, fake_clip, write_index

from pipeline.edit.compile import compile_timeline
from pipeline.edit.cut import update_cut_list
from pipeline.edit.cut_list import read_cut_list
from pipeline.errors import EditError, SubtitleError
from pipeline.project.model import load_project
from pipeline.subtitles import store
from pipeline.subtitles.cue import Cue


def cut_md(project, body: str) -> None:
    project.cut_list.write_text(body, "utf-8")


def assert_well_formed(timeline):
    shots = timeline.shots
    assert shots[0].start_ms == 0 and shots[-1].end_ms == timeline.duration_ms
    for a, b in zip(shots, shots[1:]):
        assert a.end_ms == b.start_ms
    for shot in shots:
        assert (shot.source is None) != (shot.card is None) and shot.duration_ms > 0
    for a, b in zip(timeline.audio, timeline.audio[1:]):
        assert a.end_ms <= b.start_ms
    for cue in timeline.cues:
        assert 0 <= cue.start_ms < cue.end_ms <= timeline.duration_ms
    for a, b in zip(timeline.cues, timeline.cues[1:]):
        assert a.end_ms <= b.start_ms


def test_episode_structure(short_project):
    update_cut_list(short_project)
    kept = read_cut_list(short_project).kept
    t = compile_timeline(short_project, subtitles="none")
    assert_well_formed(t)
    title, *programme, credits = t.shots
    assert (title.card.kind, title.card.lines, title.start_ms, title.duration_ms) == (
        "title",
        ("我是党员", "驻村路上"),
        0,
        1000,
    )
    assert programme[0].transition_ms == 200 and all(s.transition_ms == 0 for s in programme[1:])
    assert (credits.card.kind, credits.duration_ms, credits.transition_ms) == ("credits", 1000, 200)
    assert credits.card.lines == ("我是党员",)  # no credits in project.toml: the fallback line
    assert [(a.source.clip_id, a.source.in_ms) for a in t.audio] == [(e.clip_id, e.in_ms) for e in kept]
    assert t.audio[0].start_ms == 1000 and t.audio[-1].end_ms == credits.start_ms
    assert t.duration_ms == 2000 + sum(a.source.duration_ms for a in t.audio)
    (third,) = t.overlays
    assert (third.kind, third.start_ms, third.duration_ms, third.lines) == (
        "lower_third",
        1500,
        2000,
        ("王建华", "驻村工作队队员"),
    )
    assert t.music.path == short_project.root / "footage" / "music-001.m4a"
    assert (t.music.start_ms, t.music.end_ms, t.music.gain_db, t.music.duck) == (
        0,
        t.duration_ms,
        -20.0,
        True,
    )
    assert t.style.logo.name == "logo.png" and t.style.accent_colour == "#C8161D"
    assert t.fps == 25 and t.title == "驻村路上" and t.cues == ()


def test_broll_lower_third_and_reordering(short_project):
    cut_md(
        short_project,
        "\n".join(
            [
                "- [x] int-002 00:00.35-00:03.35 第四句",
                "    broll broll-001 00:01.00-00:04.00",
                "- [ ] int-001 00:00.85-00:04.75 第一句",
                "- [x] int-001 00:05.85-00:09.75 第二句",
                "    broll broll-001 00:05.00-00:06.00 @00:01.00",
            ]
        )
        + "\n",
    )
    t = compile_timeline(short_project, subtitles="none")
    assert_well_formed(t)
    picture = [(s.start_ms, s.end_ms, s.source.clip_id) for s in t.shots if s.source]
    assert picture == [
        (1000, 4000, "broll-001"),
        (4000, 5000, "int-001"),
        (5000, 6000, "broll-001"),
        (6000, 7920, "int-001"),
    ]
    # the lower third waits for the subject's face: the first narration is under B-roll
    assert t.overlays[0].start_ms == 4000 and t.overlays[0].duration_ms == 2000


def test_credits_card_lists_roles_in_template_order(short_project):
    text = short_project.file.read_text("utf-8").replace(
        "credits = []",
        'credits = [{role = "剪辑", name = "赵晓"}, {role = "出品", name = "县委组织部"}, '
        '{role = "摄像", name = "李明"}, {role = "摄像", name = "王强"}, {role = "配音", name = "A{0}%"}]',
    )
    short_project.file.write_text(text, "utf-8")
    project = load_project(short_project.root)
    update_cut_list(project)
    credits = compile_timeline(project, subtitles="none").shots[-1].card
    assert credits.lines == ("出品　县委组织部", "摄像　李明、王强", "剪辑　赵晓", "配音　A{0}%")


def test_length_rule_short(project):
    write_index(project, [fake_clip("int-001", "interview", 20_000)])
    cut_md(project, "- [x] int-001 00:00.00-00:08.00 一句\n")
    with pytest.raises(EditError) as caught:
        compile_timeline(project, subtitles="none")
    assert str(caught.value) == (
        f"{project.cut_list}: the cut runs 0:17 with its cards, 163 s short of the "
        "3:00 minimum; tick more sentences"
    )
    assert compile_timeline(project, subtitles="none", check_length=False).duration_ms == 17_000


def test_length_rule_long(short_project):
    text = (
        short_project.file.read_text("utf-8")
        + "\n[overrides.template.length]\nmin_s = 1\nmax_s = 5\ntarget_s = 5\n"
    )
    short_project.file.write_text(text, "utf-8")
    project = load_project(short_project.root)
    cut_md(project, "- [x] int-001 00:00.00-00:08.00 一句\n")
    with pytest.raises(EditError) as caught:
        compile_timeline(project, subtitles="none")
    assert str(caught.value) == (
        f"{project.cut_list}: the cut runs 0:10 with its cards, 5 s over the "
        "0:05 maximum; untick some sentences"
    )


@pytest.mark.parametrize(
    "body, message",
    [
        ("- [ ] int-001 00:00.00-00:01.00 x\n", "{cut}: nothing is ticked; tick [x] the sentences to keep"),
        (
            "- [x] int-009 00:00.00-00:01.00 x\n",
            "{cut} line 1: clip 'int-009' is not in the footage index ({index}); correct the clip id or `pipeline ingest` the file",
        ),
        (
            "- [x] broll-001 00:00.00-00:01.00 x\n",
            "{cut} line 1: broll-001 is a broll clip; sentence lines take interview clips",
        ),
        (
            "\n- [x] int-001 00:00.00-00:01.00 x\n    broll int-002 00:00.00-00:01.00\n",
            "{cut} line 3: int-002 is an interview clip, not B-roll; `broll` lines take clips ingested with --role broll",
        ),
        (
            "- [x] int-001 00:19.00-00:21.00 x\n",
            "{cut} line 1: 00:19.00-00:21.00 runs past the end of int-001, which lasts 00:20.00; trim the times to fit",
        ),
        (
            "- [x] int-001 00:00.00-00:02.00 x\n    broll broll-001 00:09.00-00:11.00\n",
            "{cut} line 2: 00:09.00-00:11.00 runs past the end of broll-001, which lasts 00:10.00",
        ),
    ],
)
def test_cut_list_checked_against_the_footage(short_project, body, message):
    cut_md(short_project, body)
    with pytest.raises(EditError) as caught:
        compile_timeline(short_project, subtitles="none")
    expected = message.format(cut=short_project.cut_list, index=short_project.footage_dir / "index.json")
    assert str(caught.value).startswith(expected)


def test_no_cut_list_yet(short_project):
    with pytest.raises(EditError, match=r"cut.md: no cut list yet; run `pipeline cut .*` first"):
        compile_timeline(short_project)


def test_music_from_assets_or_none(short_project):
    write_index(short_project, [fake_clip("int-001", "interview", 20_000)])
    cut_md(short_project, "- [x] int-001 00:00.00-00:02.00 x\n")
    assert compile_timeline(short_project, subtitles="none").music is None
    bed = short_project.root / "bed.m4a"
    bed.write_bytes(b"not really audio")
    text = short_project.file.read_text("utf-8") + '\n[assets]\nmusic = "bed.m4a"\n'
    short_project.file.write_text(text, "utf-8")
    assert compile_timeline(load_project(short_project.root), subtitles="none").music.path == bed.resolve()


def write_subtitles(project, clip_id, cues):
    store.write_draft(project, clip_id, cues)


def test_subtitles_retimed_into_output_time(short_project):
    update_cut_list(short_project)
    cut = read_cut_list(short_project)
    # int-001 sentence 2 starts at 6000 in the source; one cue per sentence, as drafts
    write_subtitles(
        short_project,
        "int-001",
        [Cue(1000, 4400, (STORY[0],)), Cue(6000, 9800, (STORY[1],)), Cue(12000, 14000, (STORY[2],))],
    )
    write_subtitles(short_project, "int-002", [Cue(500, 4100, (STORY[3],))])
    with pytest.raises(SubtitleError, match="not approved"):
        compile_timeline(short_project)
    working = compile_timeline(short_project, subtitles="working")
    assert_well_formed(working)
    assert [c.flat for c in working.cues] == STORY
    second = working.audio[1]
    assert working.cues[1].start_ms == second.start_ms + (6000 - cut.kept[1].in_ms)
    store.approve(short_project, "测试", force_reason="synthetic cues in a test")
    approved = compile_timeline(short_project)
    assert approved.cues == working.cues


def test_cues_of_unticked_sentences_are_dropped(short_project):
    update_cut_list(short_project)
    text = short_project.cut_list.read_text("utf-8").replace("[x] int-001 00:05", "[ ] int-001 00:05")
    short_project.cut_list.write_text(text, "utf-8")
    write_subtitles(short_project, "int-001", [Cue(1000, 4400, (STORY[0],)), Cue(6000, 9800, (STORY[1],))])
    write_subtitles(short_project, "int-002", [Cue(500, 4100, (STORY[3],))])
    t = compile_timeline(short_project, subtitles="working")
    assert [c.flat for c in t.cues] == [STORY[0], STORY[3]]


def test_first_person_template_on_its_own(project):
    # the default template: 4 s title, 5 s credits, 500 ms crossfades, 5 s lower third
    write_index(project, [fake_clip("int-001", "interview", 200_000)])
    cut_md(project, "- [x] int-001 00:00.00-03:00.00 长\n")
    t = compile_timeline(project, subtitles="none")
    assert t.duration_ms == 189_000 and t.shots[1].transition_ms == 500
    assert t.overlays[0].start_ms == 4500 and t.overlays[0].duration_ms == 5000
