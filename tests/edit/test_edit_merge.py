from pipeline.edit.cut_list import BrollMark, CutEntry, CutList
from pipeline.edit.merge import merge_cut_lists, new_note

PROPOSED = CutList(
    (
        CutEntry("int-001", 0, 2000, "第一句。"),
        CutEntry("int-001", 2000, 4000, "第二句。"),
        CutEntry("int-001", 4000, 4500, "嗯。", keep=False, note="filler"),
        CutEntry("int-002", 0, 3000, "第三句。"),
    )
)


def test_unchanged_rerun_is_the_identity():
    result = merge_cut_lists(PROPOSED, PROPOSED)
    assert result.cut == PROPOSED and result.added == 0 and not result.changed and not result.missing


def test_editor_choices_survive():
    edited = CutList(
        (
            CutEntry(
                "int-002", 100, 2900, "第三句。", broll=(BrollMark("broll-001", 0, 1000),), line=5
            ),  # moved, trimmed
            CutEntry("int-001", 0, 2000, "第一句。", keep=False, line=6),  # unticked
            CutEntry("int-001", 4000, 4500, "嗯。", keep=True, line=7),  # ticked against the machine
            CutEntry("int-001", 2000, 4000, "第二句!", line=8),  # punctuation differs: same sentence
        )
    )
    result = merge_cut_lists(edited, PROPOSED)
    assert result.cut.entries == (
        CutEntry("int-002", 100, 2900, "第三句。", broll=(BrollMark("broll-001", 0, 1000),)),
        CutEntry("int-001", 0, 2000, "第一句。", keep=False),
        CutEntry("int-001", 4000, 4500, "嗯。", keep=True, note=""),
        CutEntry("int-001", 2000, 4000, "第二句。"),
    )
    assert result.added == 0


def test_machine_note_kept_only_when_both_leave_the_line_out():
    edited = CutList((CutEntry("int-001", 4000, 4500, "嗯。", keep=False),))
    result = merge_cut_lists(edited, PROPOSED)
    (line,) = [e for e in result.cut.entries if e.text == "嗯。"]
    assert line.note == "filler" and not line.keep


def test_changed_transcript_is_reported_and_keeps_the_editors_times():
    proposed = CutList(
        (CutEntry("int-001", 0, 2100, "第一句话。"), CutEntry("int-001", 2100, 4000, "第二句。"))
    )
    edited = CutList(
        (
            CutEntry("int-001", 100, 1900, "第一局。", keep=False, line=9),
            CutEntry("int-001", 2100, 4000, "第二句。", line=10),
        )
    )
    result = merge_cut_lists(edited, proposed)
    assert result.cut.entries[0] == CutEntry("int-001", 100, 1900, "第一句话。", keep=False)
    assert result.changed == (
        "line 9: int-001 00:00.10 now reads 「第一句话。」 (was 「第一局。」); check its times",
    )


def test_gone_sentence_kept_as_written_and_reported():
    edited = CutList((CutEntry("int-009", 0, 1000, "旧的。", line=3),))
    result = merge_cut_lists(edited, PROPOSED)
    assert result.cut.entries[0] == edited.entries[0]
    assert result.missing == (
        "line 3: int-009 00:00.00 「旧的。」 is not in the transcript any more; kept as you wrote it",
    )


def test_new_sentences_added_unticked_next_to_their_neighbours():
    edited = CutList((CutEntry("int-002", 0, 3000, "第三句。"), CutEntry("int-001", 0, 2000, "第一句。")))
    proposed = CutList(PROPOSED.entries + (CutEntry("int-003", 0, 1000, "新的。"),))
    result = merge_cut_lists(edited, proposed)
    assert [(e.text, e.keep, e.note) for e in result.cut.entries] == [
        ("第三句。", True, ""),
        ("第一句。", True, ""),
        ("第二句。", False, new_note()),
        ("嗯。", False, "filler"),
        ("新的。", False, new_note()),
    ]
    assert result.added == 3


def test_a_line_used_twice_matches_twice():
    edited = CutList((CutEntry("int-001", 0, 2000, "第一句。"), CutEntry("int-001", 0, 2000, "第一句。")))
    result = merge_cut_lists(edited, CutList(PROPOSED.entries[:1]))
    assert len(result.cut.entries) == 2 and result.added == 0 and not result.changed
