"""`pipeline cut`: propose the cut list from the transcripts, or refresh it keeping the editor's choices."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.edit.broll import BrollClip, suggest_broll
from pipeline.edit.clock import format_length
from pipeline.edit.cut_list import CutList, read_cut_list, write_cut_list
from pipeline.edit.merge import MergeResult, merge_cut_lists
from pipeline.edit.proposal import episode_ms, propose
from pipeline.edit.sentences import Sentence, split_sentences
from pipeline.edit.template import Template, load_template
from pipeline.errors import EditError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_bytes
from pipeline.project.footage import clips_by_role, index_path
from pipeline.project.model import Project
from pipeline.transcribe.transcript import Transcript

BACKUP_SUFFIX = ".bak"


@dataclass(frozen=True, slots=True)
class CutReport:
    path: Path
    sentences: int
    kept: int
    narration_ms: int
    episode_ms: int
    target_ms: int
    material_ms: int  # what the transcripts offer after fillers and false starts
    left_out: tuple[tuple[str, int], ...]  # (machine's reason, how many)
    untranscribed: tuple[str, ...]  # interview clips without a transcript yet
    merge: MergeResult | None = None  # set when an existing cut list was refreshed
    broll_proposed: int = 0  # cutaways the machine marked (new proposals only)
    broll_clips: int = 0  # B-roll clips in the footage index

    @property
    def summary(self) -> tuple[str, ...]:
        lines = [
            _(
                "{kept} of {sentences} sentences ticked: narration {narration}, "
                "episode about {episode} with its cards (target {target})"
            ).format(
                kept=self.kept,
                sentences=self.sentences,
                narration=format_length(self.narration_ms),
                episode=format_length(self.episode_ms),
                target=format_length(self.target_ms),
            )
        ]
        if self.left_out:
            reasons = _(", ").join(_("{n} × {reason}").format(n=n, reason=why) for why, n in self.left_out)
            lines.append(_("left out by the machine: {reasons}").format(reasons=reasons))
        if self.broll_proposed:
            lines.append(
                _(
                    "B-roll: {proposed} cutaway(s) proposed from {clips} clip(s); "
                    "change or delete the indented `broll` lines"
                ).format(proposed=self.broll_proposed, clips=self.broll_clips)
            )
        elif self.merge is None and not self.broll_clips:
            lines.append(
                _(
                    "no B-roll clips ingested: the interview picture plays throughout "
                    "(`pipeline ingest DIR FILE... --role broll`, then `pipeline cut --fresh`)"
                )
            )
        return tuple(lines)

    @property
    def messages(self) -> tuple[str, ...]:
        lines = list(self.summary)
        if self.merge is None and self.episode_ms < self.target_ms:
            lines.append(
                _(
                    "the material is short: everything usable gives about {episode}, {short} under the target"
                ).format(
                    episode=format_length(self.episode_ms),
                    short=format_length(self.target_ms - self.episode_ms),
                )
            )
        if self.merge is not None:
            lines.append(
                _(
                    "kept your choices in {file}; {added} new sentence(s) added unticked "
                    "(to propose from scratch for a new target, run with --fresh)"
                ).format(file=self.path.name, added=self.merge.added)
            )
            lines += [_("changed: {change}").format(change=m) for m in self.merge.changed]
            lines += [_("missing: {line}").format(line=m) for m in self.merge.missing]
        for clip_id in self.untranscribed:
            lines.append(
                _("{clip} has no transcript yet and is not in the list; run `pipeline transcribe`").format(
                    clip=clip_id
                )
            )
        return tuple(lines)


def update_cut_list(project: Project, *, target_ms: int | None = None, fresh: bool = False) -> CutReport:
    """Write `cut.md`: a new proposal, or (when it exists and not `fresh`) the editor's list refreshed."""
    template = load_template(project.template, project.overrides)
    target = check_target(target_ms, template)
    sentences, untranscribed = project_sentences(project, template)
    proposal = propose(sentences, template, target)
    existing = None if fresh else read_cut_list(project)
    if fresh and project.cut_list.exists():
        backup = project.cut_list.with_name(project.cut_list.name + BACKUP_SUFFIX)
        atomic_write_bytes(backup, project.cut_list.read_bytes())
    merge = merge_cut_lists(existing, proposal.cut) if existing is not None else None
    broll = tuple(BrollClip(clip.clip_id, clip.facts.duration_ms) for clip in clips_by_role(project, "broll"))
    if merge is not None:  # the editor's B-roll marks stand; the machine adds none
        cut, proposed = merge.cut, 0
    else:
        cut, proposed = suggest_broll(proposal.cut, broll, template.broll_suggest)
    report = _report(
        project,
        template,
        cut,
        proposal.material_ms,
        target,
        untranscribed,
        merge,
        broll_proposed=proposed,
        broll_clips=len(broll),
    )
    write_cut_list(
        project,
        cut,
        title=_("{title} · cut list").format(title=project.episode.title),
        summary=report.summary,
    )
    return report


def check_target(target_ms: int | None, template: Template) -> int:
    rule = template.length
    if target_ms is None:
        return rule.target_ms
    if not rule.min_ms <= target_ms <= rule.max_ms:
        raise EditError(
            _(
                "--target {target} is outside the length rule of template {name!r} ({minimum} to {maximum}, {source}); choose a target inside it"
            ).format(
                target=format_length(target_ms),
                name=template.name,
                minimum=format_length(rule.min_ms),
                maximum=format_length(rule.max_ms),
                source=template.source,
            )
        )
    return target_ms


def project_sentences(project: Project, template: Template) -> tuple[tuple[Sentence, ...], tuple[str, ...]]:
    """Sentences of every transcribed interview clip in footage-index order, and the clips not transcribed."""
    clips = clips_by_role(project, "interview")
    if not clips:
        raise EditError(
            _(
                "{path}: no interview clips; `pipeline ingest {project} FILE... --role interview` first"
            ).format(path=index_path(project), project=project.root)
        )
    sentences: list[Sentence] = []
    untranscribed = []
    for clip in clips:
        transcript = read_transcript(project, clip.clip_id)
        if transcript is None:
            untranscribed.append(clip.clip_id)
            continue
        sentences.extend(split_sentences(transcript, template.cut, clip.facts.duration_ms))
    if len(untranscribed) == len(clips):
        raise EditError(
            _("{path}: no transcripts yet; run `pipeline transcribe {project}` first").format(
                path=project.transcripts_dir, project=project.root
            )
        )
    return tuple(sentences), tuple(untranscribed)


def read_transcript(project: Project, clip_id: str) -> Transcript | None:
    path = project.transcripts_dir / f"{clip_id}.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise EditError(
            _("{path}: transcript unreadable ({exc}); run `pipeline transcribe --force` again").format(
                path=path, exc=exc
            )
        ) from None
    try:
        return Transcript.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise EditError(
            _(
                "{path}: not a transcript (missing or wrong {exc}); run `pipeline transcribe --force` again"
            ).format(path=path, exc=exc)
        ) from None


def _report(
    project: Project,
    template: Template,
    cut: CutList,
    material_ms: int,
    target_ms: int,
    untranscribed: tuple[str, ...],
    merge: MergeResult | None,
    *,
    broll_proposed: int = 0,
    broll_clips: int = 0,
) -> CutReport:
    reasons = Counter(e.note for e in cut.entries if not e.keep and e.note)
    return CutReport(
        path=project.cut_list,
        sentences=len(cut.entries),
        kept=len(cut.kept),
        narration_ms=cut.kept_ms,
        episode_ms=episode_ms(cut.kept_ms, template),
        target_ms=target_ms,
        material_ms=material_ms,
        left_out=tuple(sorted(reasons.items(), key=lambda item: -item[1])),
        untranscribed=untranscribed,
        merge=merge,
        broll_proposed=broll_proposed,
        broll_clips=broll_clips,
    )
