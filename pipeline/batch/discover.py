"""Find the week's episodes under a root folder and decide, for each, whether it can be rendered.

An episode is a folder holding `project.toml`, at any depth. It is ready when every interview
clip's subtitles are approved and unchanged since, everyone in `[[people]]` has consent recorded,
and a cut list exists; otherwise it is skipped with the reason. A project.toml that does not load
is not skipped silently: it is an episode that failed, with the loader's one-line message.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.i18n import _
from pipeline.project.model import PROJECT_FILE, Project, load_project
from pipeline.render.outputs import safe_name
from pipeline.subtitles import store

# folders that never hold projects: derived data, and the batch's own output
NOT_SEARCHED = frozenset({".cache", "exports", "outbox"})
UNSCHEDULED = "unscheduled"  # the outbox folder of episodes without [episode] week


@dataclass(frozen=True, slots=True)
class Candidate:
    """One episode found under the root, and what the batch will do with it."""

    folder: Path
    week: str  # the episode's week (or UNSCHEDULED): where its package and log go
    slug: str  # its folder name in the outbox: E01-驻村路上
    ready: bool
    reason: str = ""  # why it is not ready (skipped), or the load error (failed)
    broken: bool = False  # project.toml did not load: reported as failed, not skipped


def find_project_folders(root: Path) -> tuple[Path, ...]:
    """Every folder under `root` (itself included) holding project.toml, sorted by path.

    A project's own subfolders are not searched: projects do not nest.
    """
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        if PROJECT_FILE in files:
            found.append(Path(folder))
            subfolders.clear()
            continue
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_SEARCHED and not d.startswith("."))
    return tuple(sorted(found))


def discover(root: Path, week: str | None = None) -> tuple[Candidate, ...]:
    """The episodes under `root` scheduled for `week` (every episode when None), each judged ready or not.

    A project whose project.toml does not load is listed as broken whatever `week` is: its week
    cannot be read, and a batch that silently ignored it would hide it from the office.
    """
    loaded: list[tuple[Path, Project | None, str]] = []
    for folder in find_project_folders(root):
        try:
            loaded.append((folder, load_project(folder), ""))
        except PipelineError as exc:
            loaded.append((folder, None, str(exc)))
    selected = [(f, p, e) for f, p, e in loaded if p is None or week is None or p.episode.week == week]
    slugs = _unique_slugs(root, selected, week)
    candidates = []
    for (folder, project, error), slug in zip(selected, slugs):
        if project is None:
            candidates.append(
                Candidate(folder, week or UNSCHEDULED, slug, ready=False, reason=error, broken=True)
            )
            continue
        reasons = tuple(not_ready_reasons(project))
        candidates.append(
            Candidate(folder, episode_week(project), slug, ready=not reasons, reason="; ".join(reasons))
        )
    return tuple(candidates)


def episode_week(project: Project) -> str:
    return project.episode.week or UNSCHEDULED


def episode_slug(project: Project) -> str:
    """`E01-驻村路上`: the episode number and title, safe as a folder name on any file system."""
    return safe_name(f"E{project.episode.number:02d}-{project.episode.title}")


def not_ready_reasons(project: Project) -> Iterator[str]:
    """Why `project` cannot be rendered for publishing yet (nothing when it is ready)."""
    try:
        clip_ids = store.interview_clip_ids(project)
    except PipelineError as exc:
        yield _("no interview clips ({problem})").format(problem=exc)
        clip_ids = ()
    pending: dict[str, list[str]] = {}
    for clip_id in clip_ids:
        try:
            status = store.approval_status(project, clip_id)
        except PipelineError as exc:
            yield str(exc)
            break
        if status != store.APPROVED:
            pending.setdefault(status, []).append(clip_id)
    for state, ids in pending.items():
        yield _("subtitles {state}: {clips} (`pipeline subs approve {project} --by NAME`)").format(
            state=state, clips=", ".join(ids), project=project.root
        )
    if project.missing_consent:
        yield _("no consent recorded for {names} ([[people]] in {file})").format(
            names=", ".join(project.missing_consent), file=project.file
        )
    if not project.cut_list.is_file():
        yield _("no cut list ({cut_list}); run `pipeline cut {project}`").format(
            cut_list=project.cut_list, project=project.root
        )


def _unique_slugs(
    root: Path, selected: list[tuple[Path, Project | None, str]], week: str | None
) -> list[str]:
    """Slugs per episode; two episodes of one week with the same number and title (two series, or
    a copied folder) get their folder's path appended so neither package overwrites the other."""
    keyed = []
    for folder, project, _problem in selected:
        slug = episode_slug(project) if project is not None else safe_name(folder.name)
        keyed.append(((episode_week(project) if project is not None else week or UNSCHEDULED), slug))
    counts = Counter(keyed)
    slugs = []
    for (folder, _project, _problem), key in zip(selected, keyed):
        if counts[key] > 1:
            relative = folder.relative_to(root).as_posix() if folder != root else folder.name
            slugs.append(safe_name(f"{key[1]}-{relative}"))
        else:
            slugs.append(key[1])
    return slugs
