"""The week's summary in the outbox: `summary.md` for people, `summary.json` for scripts.

Rewritten (atomically) after every finished episode, so a batch that is killed leaves a summary
that is true up to that moment: episodes not finished yet are listed as pending.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pipeline.batch.jobs import EpisodeResult
from pipeline.project.files import atomic_write_json, atomic_write_text
from pipeline.render.manifest import now_utc

SUMMARY_VERSION = 1
SUMMARY_MD = "summary.md"
SUMMARY_JSON = "summary.json"


def write_summary(folder: Path, week: str, results: Sequence[EpisodeResult], *, draft: bool = False) -> Path:
    """Write `summary.md` and `summary.json` into `folder` (the week's outbox); returns the .md path."""
    updated = now_utc()
    ordered = sorted(results, key=lambda r: (r.slug, r.project))
    atomic_write_json(
        folder / SUMMARY_JSON,
        {
            "summary_version": SUMMARY_VERSION,
            "week": week,
            "draft": draft,
            "updated_at": updated,
            "counts": dict(sorted(Counter(r.status for r in ordered).items())),
            "episodes": [_episode(folder, r) for r in ordered],
        },
    )
    path = folder / SUMMARY_MD
    atomic_write_text(path, summary_markdown(folder, week, ordered, updated=updated, draft=draft))
    return path


def clear_interrupted_writes(folder: Path) -> None:
    """Remove the temporary files of summaries a killed batch was writing (one batch per root at a time)."""
    for leftover in folder.glob(".summary.*.part.*"):  # atomic_output's temporary names
        leftover.unlink(missing_ok=True)


def summary_markdown(
    folder: Path, week: str, results: Sequence[EpisodeResult], *, updated: str, draft: bool = False
) -> str:
    counts = Counter(r.status for r in results)
    heading = f"# {week}: {'draft previews' if draft else 'episodes for publishing'}"
    lines = [
        heading,
        "",
        f"Updated {updated}: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())),
        "",
        "| episode | result | reason | package |",
        "|---|---|---|---|",
    ]
    for r in results:
        reason = r.reason + (f" (log: {r.log})" if r.failed and r.log else "")
        package = _relative(folder, r.package)
        link = f"[{package}/]({package}/publish.json)" if package else ""
        lines.append(f"| {_cell(r.slug)} | {r.status} | {_cell(reason)} | {link} |")
    notes = [(r.slug, note) for r in results for note in r.notes]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {_cell(slug)}: {_cell(note)}" for slug, note in notes]
    return "\n".join(lines) + "\n"


def _episode(folder: Path, r: EpisodeResult) -> dict:
    return {
        "episode": r.slug,
        "project": r.project,
        "status": r.status,
        "reason": r.reason,
        "seconds": r.seconds,
        "package": _relative(folder, r.package),
        "log": r.log,
        "error_type": r.error_type,
        "notes": list(r.notes),
    }


def _relative(folder: Path, path: str) -> str:
    """A package inside the week's folder by its folder name (the summary moves with the outbox)."""
    if not path:
        return ""
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return path


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
