"""Finding the week's episodes under a root, and judging each ready or not (no rendering)."""

from pathlib import Path

from batch_projects import SLUGS, WEEK, project_folder

from pipeline.batch.discover import discover, find_project_folders


def set_in_toml(folder: Path, old: str, new: str) -> None:
    toml = folder / "project.toml"
    text = toml.read_text("utf-8")
    assert old in text
    toml.write_text(text.replace(old, new), "utf-8")


def test_finds_projects_at_any_depth_but_not_in_outputs(week_root):
    decoy = week_root / "outbox" / WEEK / "copy"
    decoy.mkdir(parents=True)
    (decoy / "project.toml").write_text("not looked at", "utf-8")
    (project_folder(week_root, 1) / "exports" / "nested").mkdir(parents=True)
    (project_folder(week_root, 1) / "exports" / "nested" / "project.toml").write_text("x", "utf-8")

    found = find_project_folders(week_root)

    assert found == tuple(sorted(project_folder(week_root, n) for n in (1, 2, 3)))


def test_all_ready_with_their_slugs_and_week(week_root):
    candidates = discover(week_root, WEEK)
    assert [(c.slug, c.week, c.ready, c.reason) for c in sorted(candidates, key=lambda c: c.slug)] == [
        (slug, WEEK, True, "") for slug in SLUGS
    ]


def test_week_selects_episodes_and_none_selects_all(week_root):
    set_in_toml(project_folder(week_root, 2), 'week = "2026-W48"', 'week = "2026-W49"')
    assert {c.slug for c in discover(week_root, WEEK)} == {SLUGS[0], SLUGS[2]}
    assert {c.slug for c in discover(week_root, "2026-W49")} == {SLUGS[1]}
    assert {(c.slug, c.week) for c in discover(week_root)} == {
        (SLUGS[0], WEEK),
        (SLUGS[1], "2026-W49"),
        (SLUGS[2], WEEK),
    }


def test_not_ready_reasons(week_root):
    # 1: a producer edited the approved subtitles afterwards; 2: consent missing; 3: no cut list
    approved = project_folder(week_root, 1) / "subtitles" / "int-001.srt"
    approved.write_text(approved.read_text("utf-8").replace("王建华", "王建平"), "utf-8")
    set_in_toml(project_folder(week_root, 2), "consent = true", "consent = false")
    (project_folder(week_root, 3) / "cut.md").unlink()

    by_slug = {c.slug: c for c in discover(week_root, WEEK)}

    assert not any(c.ready for c in by_slug.values())
    assert by_slug[SLUGS[0]].reason == (
        f"subtitles changed since approval: int-001 (`pipeline subs approve {project_folder(week_root, 1)} --by NAME`)"
    )
    assert by_slug[SLUGS[1]].reason == (
        f"no consent recorded for 李秀英 ([[people]] in {project_folder(week_root, 2) / 'project.toml'})"
    )
    assert by_slug[SLUGS[2]].reason == (
        f"no cut list ({project_folder(week_root, 3) / 'cut.md'}); run `pipeline cut {project_folder(week_root, 3)}`"
    )


def test_unapproved_subtitles_are_named(week_root):
    (project_folder(week_root, 1) / "subtitles" / "approvals.json").unlink()
    candidate = next(c for c in discover(week_root, WEEK) if c.slug == SLUGS[0])
    assert candidate.reason.startswith("subtitles not approved: int-001")


def test_broken_project_toml_is_a_failure_with_its_message_whatever_the_week(week_root):
    broken = week_root / "E04 坏的"
    broken.mkdir()
    (broken / "project.toml").write_text("[episode\ntitle = 1", "utf-8")

    candidate = next(c for c in discover(week_root, WEEK) if c.folder == broken)

    assert candidate.broken and not candidate.ready
    assert candidate.slug == "E04_坏的"
    assert candidate.week == WEEK
    assert candidate.reason.startswith(f"{broken / 'project.toml'}: invalid TOML (")
    assert "\n" not in candidate.reason


def test_same_slug_in_one_week_gets_the_folder_appended(week_root):
    set_in_toml(project_folder(week_root, 2), 'title = "大棚里的春天"', 'title = "驻村路上"')
    set_in_toml(project_folder(week_root, 2), "number = 2", "number = 1")
    slugs = sorted(c.slug for c in discover(week_root, WEEK))
    assert slugs == sorted(
        ["E01-驻村路上-县委组织部_E01_驻村路上", "E01-驻村路上-县委组织部_E02_大棚里的春天", SLUGS[2]]
    )
