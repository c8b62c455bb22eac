"""`update_cut_list`: proposal from the project's transcripts, reruns, the file on disk."""

import json

import pytest
from edit_project import STORY, fake_clip, transcript_of, write_index, write_transcript

from pipeline.edit.cut import update_cut_list
from pipeline.edit.cut_list import parse_cut_list, read_cut_list
from pipeline.errors import EditError


def test_first_run_proposes_every_sentence_in_clip_order(short_project):
    report = update_cut_list(short_project)
    cut = read_cut_list(short_project)
    assert [e.text for e in cut.entries] == [STORY[0], STORY[1], STORY[2], STORY[3]]
    assert [e.clip_id for e in cut.entries] == ["int-001"] * 3 + ["int-002"]
    assert all(e.keep for e in cut.entries)
    assert report.kept == report.sentences == 4 and report.merge is None
    assert report.episode_ms == cut.kept_ms + 2000  # short-test cards: 1 s + 1 s
    text = short_project.cut_list.read_text("utf-8")
    assert text.startswith("<!--\ncut.md: the cut list of this episode.")
    assert "# 驻村路上 · cut list" in text


def test_rerun_keeps_the_editors_choices_and_adds_new_material_unticked(short_project):
    update_cut_list(short_project)
    lines = short_project.cut_list.read_text("utf-8").splitlines()
    body = [i for i, line in enumerate(lines) if line.startswith("- [")]
    first, second, third, fourth = (lines[i] for i in body)
    edited = lines[: body[0]] + [
        fourth,
        first.replace("00:00.85", "00:01.00"),  # trimmed in
        "    broll broll-001 00:02.00-00:05.00",
        second.replace("[x]", "[ ]"),
        third,
    ]
    short_project.cut_list.write_text("\n".join(edited) + "\n", "utf-8")
    before = read_cut_list(short_project)
    write_transcript(short_project, transcript_of("int-002", [(500, STORY[3]), (6000, "最后一句新话。")]))

    report = update_cut_list(short_project)
    after = read_cut_list(short_project)
    # the new sentence lands after its clip's earlier sentence, unticked; everything else as the editor left it
    assert after.entries[1].text == "最后一句新话。" and not after.entries[1].keep
    assert after.entries[:1] + after.entries[2:] == before.entries
    assert report.merge.added == 1 and not report.merge.changed
    assert any("1 new sentence(s) added unticked" in m for m in report.messages)


def test_fresh_proposes_again_and_keeps_a_backup(short_project):
    update_cut_list(short_project)
    short_project.cut_list.write_text(
        short_project.cut_list.read_text("utf-8").replace("[x]", "[ ]"), "utf-8"
    )
    update_cut_list(short_project, fresh=True)
    assert all(e.keep for e in read_cut_list(short_project).entries)
    backup = short_project.cut_list.with_name("cut.md.bak")
    assert not any(e.keep for e in parse_cut_list(backup.read_text("utf-8")).entries)


def test_a_broken_cut_list_is_never_overwritten(short_project):
    short_project.cut_list.write_text("- [x] int-001 nonsense\n", "utf-8")
    with pytest.raises(EditError, match="cut.md line 1: cannot read the time span 'nonsense'"):
        update_cut_list(short_project)
    assert short_project.cut_list.read_text("utf-8") == "- [x] int-001 nonsense\n"


def test_untranscribed_clips_are_reported(short_project):
    (short_project.transcripts_dir / "int-002.json").unlink()
    report = update_cut_list(short_project)
    assert report.untranscribed == ("int-002",)
    assert (
        "int-002 has no transcript yet and is not in the list; run `pipeline transcribe`" in report.messages
    )


def test_target_outside_the_length_rule(short_project):
    with pytest.raises(
        EditError,
        match=r"--target 3:00 is outside the length rule of template 'short-test' "
        r"\(0:01 to 2:00, .*short-test.toml\); choose a target inside it",
    ):
        update_cut_list(short_project, target_ms=180_000)


def test_no_interview_clips_or_no_transcripts(project):
    with pytest.raises(
        EditError, match=r"index.json: no interview clips; `pipeline ingest .* --role interview` first"
    ):
        update_cut_list(project)
    write_index(project, [fake_clip("int-001", "interview", 10_000)])
    with pytest.raises(
        EditError, match=r"transcripts: no transcripts yet; run `pipeline transcribe .*` first"
    ):
        update_cut_list(project)


def test_unreadable_transcript(short_project):
    (short_project.transcripts_dir / "int-001.json").write_text(json.dumps({"clip_id": "int-001"}), "utf-8")
    with pytest.raises(EditError, match=r"int-001.json: not a transcript \(missing or wrong 'segments'\)"):
        update_cut_list(short_project)
