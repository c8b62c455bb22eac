"""The week's summary files (pure writing, no rendering)."""

import json

from pipeline.batch.jobs import EpisodeResult
from pipeline.batch.summary import clear_interrupted_writes, write_summary

WEEK = "2026-W48"


def test_summary_lists_every_episode_with_result_reason_package_and_notes(tmp_path):
    folder = tmp_path / "outbox" / WEEK
    results = [
        EpisodeResult(
            "/p/E02", "E02-大棚", WEEK, "failed", "cut.md: too | short", 1.2, log="/p/E02/.cache/batch/w.log"
        ),
        EpisodeResult(
            "/p/E01",
            "E01-驻村",
            WEEK,
            "rendered",
            "rendered web",
            3.4,
            package=str(folder / "E01-驻村"),
            notes=("title: shortened",),
        ),
        EpisodeResult("/p/E03", "E03-代办", WEEK, "pending", "not finished yet"),
    ]

    path = write_summary(folder, WEEK, results)

    assert path == folder / "summary.md"
    data = json.loads((folder / "summary.json").read_text("utf-8"))
    assert data["week"] == WEEK and data["draft"] is False
    assert data["counts"] == {"failed": 1, "pending": 1, "rendered": 1}
    assert [(e["episode"], e["status"], e["package"]) for e in data["episodes"]] == [
        ("E01-驻村", "rendered", "E01-驻村"),
        ("E02-大棚", "failed", ""),
        ("E03-代办", "pending", ""),
    ]
    assert data["episodes"][1]["log"] == "/p/E02/.cache/batch/w.log"
    text = path.read_text("utf-8")
    assert "| E01-驻村 | rendered | rendered web | [E01-驻村/](E01-驻村/publish.json) |" in text
    assert "| E02-大棚 | failed | cut.md: too \\| short (log: /p/E02/.cache/batch/w.log) |  |" in text
    assert "- E01-驻村: title: shortened" in text


def test_temporary_files_of_a_killed_write_are_cleared(tmp_path):
    write_summary(tmp_path, WEEK, [])
    (tmp_path / ".summary.k2j3.part.json").write_text("{half")
    (tmp_path / ".summary.x9y8.part.md").write_text("# half")
    clear_interrupted_writes(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json", "summary.md"]
