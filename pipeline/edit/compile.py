"""Project + template + cut list (+ subtitles) compile into one Timeline in output time.

    title card │ programme: the ticked sentences, B-roll over some │ credits card
    ───────────┴──────────────────────────────────────────────────┴──────────────
    music bed from 0 to the end, ducked under the narration; lower third at the first narration

Reads files (project, footage index, cut list, subtitles) and checks them against each other with
messages that name the cut-list line; the maths lives in `placement` and `retime`.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.edit.clock import format_clock, format_length
from pipeline.edit.cut_list import CutList, read_cut_list
from pipeline.edit.placement import Beat, Cutaway, Programme, frame_at, frames_for, ms_at, place_programme
from pipeline.edit.retime import retime_cues
from pipeline.edit.template import LengthRule, Template, load_template
from pipeline.edit.timeline import Card, MusicBed, Overlay, Shot, SourceSpan, Style, Timeline
from pipeline.errors import EditError, PresetError
from pipeline.i18n import _
from pipeline.project.footage import Clip, clips_by_role, index_path, load_footage
from pipeline.project.model import Project
from pipeline.subtitles import store
from pipeline.subtitles.cue import Cue

SUBTITLE_MODES = ("approved", "working", "none")


def compile_timeline(
    project: Project,
    *,
    subtitles: str = "approved",
    template: Template | None = None,
    check_length: bool = True,
) -> Timeline:
    if subtitles not in SUBTITLE_MODES:
        raise ValueError(f"subtitles must be one of {SUBTITLE_MODES}, not {subtitles!r}")
    template = template or load_template(project.template, project.overrides)
    cut = read_cut_list(project)
    if cut is None:
        raise EditError(
            _("{path}: no cut list yet; run `pipeline cut {project}` first").format(
                path=project.cut_list, project=project.root
            )
        )
    footage = {clip.clip_id: clip for clip in load_footage(project)}
    beats = resolve_beats(project, cut, footage)
    fps = template.fps
    programme = place_programme(
        beats,
        start_ms=template.title_card.duration_ms,
        fps=fps,
        min_shot_ms=template.broll_min_shot_ms,
        clip_lengths={clip_id: clip.facts.duration_ms for clip_id, clip in footage.items()},
        source=str(project.cut_list),
    )
    intro = Shot(0, programme.start_ms, card=Card("title", title_lines(project, template)))
    duration = ms_at(
        frame_at(programme.end_ms, fps) + frames_for(template.credits_card.duration_ms, fps), fps
    )
    outro = Shot(
        programme.end_ms,
        duration - programme.end_ms,
        card=Card("credits", credit_lines(project, template)),
        transition_ms=template.card_crossfade_ms,
    )
    shots = (intro, *with_crossfade_in(programme.shots, template.card_crossfade_ms), outro)
    if check_length:
        problem = length_problem(duration, template.length, project.cut_list)
        if problem:
            raise EditError(problem)
    narrated = tuple(dict.fromkeys(piece.source.clip_id for piece in programme.audio))
    cues = retime_cues(subtitle_cues(project, narrated, subtitles), programme.audio, duration)
    return Timeline(
        duration_ms=duration,
        fps=fps,
        shots=shots,
        audio=programme.audio,
        overlays=lower_third(programme, footage_roles(footage), project, template),
        music=music_bed(project, template, duration),
        cues=cues,
        style=style(project, template),
        title=project.episode.title,
        audio_routing=tuple(
            (clip_id, routing.stream, routing.channel)
            for clip_id, routing in sorted(project.audio.items())
            if clip_id in narrated and not routing.is_default
        ),
    )


def resolve_beats(project: Project, cut: CutList, footage: Mapping[str, Clip]) -> tuple[Beat, ...]:
    """The ticked lines with their files, checked against the footage index."""
    kept = cut.kept
    if not kept:
        raise EditError(
            _(
                "{path}: nothing is ticked; tick [x] the sentences to keep "
                "(or delete the file and run `pipeline cut {project}`)"
            ).format(path=project.cut_list, project=project.root)
        )
    beats = []
    for entry in kept:
        clip = _clip_for(project, footage, entry.clip_id, entry.line, "interview")
        _check_span(project, clip, entry.in_ms, entry.out_ms, entry.line)
        cutaways = []
        for mark in entry.broll:
            broll = _clip_for(project, footage, mark.clip_id, mark.line, "broll")
            _check_span(project, broll, mark.in_ms, mark.out_ms, mark.line)
            cutaways.append(Cutaway(_span(project, broll, mark.in_ms, mark.out_ms), mark.at_ms, mark.line))
        beats.append(Beat(_span(project, clip, entry.in_ms, entry.out_ms), tuple(cutaways), entry.line))
    return tuple(beats)


def _clip_for(project: Project, footage: Mapping[str, Clip], clip_id: str, line: int, role: str) -> Clip:
    where = _("{path} line {line}").format(path=project.cut_list, line=line)
    clip = footage.get(clip_id)
    if clip is None:
        raise EditError(
            _(
                "{where}: clip {clip!r} is not in the footage index ({index}); "
                "correct the clip id or `pipeline ingest` the file"
            ).format(where=where, clip=clip_id, index=index_path(project))
        )
    if role == "interview" and clip.role != "interview":
        raise EditError(
            _(
                "{where}: {clip} is a {role} clip; sentence lines take interview clips "
                "(put B-roll on an indented `broll` line)"
            ).format(where=where, clip=clip_id, role=clip.role)
        )
    if role == "broll" and clip.role != "broll":
        raise EditError(
            _(
                "{where}: {clip} is an {role} clip, not B-roll; `broll` lines take clips ingested with --role broll"
            ).format(where=where, clip=clip_id, role=clip.role)
        )
    if clip.facts.video is None:
        raise EditError(
            _("{where}: {clip} has no picture; use a video clip").format(where=where, clip=clip_id)
        )
    if role == "interview" and clip.facts.audio is None:
        raise EditError(
            _("{where}: {clip} has no sound, so it cannot carry narration; use a clip with sound").format(
                where=where, clip=clip_id
            )
        )
    return clip


def _check_span(project: Project, clip: Clip, in_ms: int, out_ms: int, line: int) -> None:
    length = clip.facts.duration_ms
    if in_ms >= length or out_ms > length:
        raise EditError(
            _(
                "{path} line {line}: {start}-{end} runs past the end of {clip}, which lasts {length}; "
                "trim the times to fit"
            ).format(
                path=project.cut_list,
                line=line,
                start=format_clock(in_ms),
                end=format_clock(out_ms),
                clip=clip.clip_id,
                length=format_clock(length),
            )
        )


def _span(project: Project, clip: Clip, in_ms: int, out_ms: int) -> SourceSpan:
    return SourceSpan(clip.clip_id, clip.path(project), in_ms, out_ms)


def with_crossfade_in(shots: Sequence[Shot], crossfade_ms: int) -> tuple[Shot, ...]:
    """The programme's first shot dissolves in from the title card."""
    if not shots:
        return ()
    first = shots[0]
    return (Shot(first.start_ms, first.duration_ms, first.source, first.card, crossfade_ms), *shots[1:])


def length_problem(duration_ms: int, rule: LengthRule, cut_path: Path | str) -> str | None:
    """The length rule's message, or None when the episode fits."""
    seconds = round(duration_ms / 1000)
    if duration_ms < rule.min_ms:
        short = max(1, round(rule.min_ms / 1000) - seconds)
        return _(
            "{path}: the cut runs {length} with its cards, {short} s short of the {minimum} minimum; "
            "tick more sentences"
        ).format(
            path=cut_path, length=format_length(duration_ms), short=short, minimum=format_length(rule.min_ms)
        )
    if duration_ms > rule.max_ms:
        over = max(1, seconds - round(rule.max_ms / 1000))
        return _(
            "{path}: the cut runs {length} with its cards, {over} s over the {maximum} maximum; "
            "untick some sentences"
        ).format(
            path=cut_path, length=format_length(duration_ms), over=over, maximum=format_length(rule.max_ms)
        )
    return None


def project_fields(project: Project) -> dict[str, Any]:
    episode, subject = project.episode, project.subject
    return {
        "series": episode.series,
        "number": episode.number,
        "title": episode.title,
        "week": episode.week or "",
        "name": subject.name,
        "role": subject.role,
        "unit": subject.unit,
    }


def fill(pattern: str, fields: Mapping[str, Any], where: str) -> str:
    """A template line with the project's values in; the values are shown literally, never parsed."""
    try:
        return string.Formatter().vformat(pattern, (), dict(fields))
    except (ValueError, KeyError, IndexError) as exc:
        raise PresetError(
            _("{where}: cannot fill {pattern!r} ({problem}); fix the format").format(
                where=where, pattern=pattern, problem=exc
            )
        ) from None


def title_lines(project: Project, template: Template) -> tuple[str, ...]:
    fields = project_fields(project)
    lines = (fill(p, fields, f"{template.source}: [title_card] lines") for p in template.title_card.lines)
    return tuple(line for line in lines if line.strip())


def credit_lines(project: Project, template: Template) -> tuple[str, ...]:
    spec = template.credits_card
    names: dict[str, list[str]] = {}
    for credit in project.credits:
        names.setdefault(credit.role, []).append(credit.name)
    if not names:
        fields = project_fields(project)
        lines = (
            fill(p, fields, f"{template.source}: [credits_card] fallback_lines") for p in spec.fallback_lines
        )
        return tuple(line for line in lines if line.strip())
    order = [role for role in spec.roles if role in names] + [
        role for role in names if role not in spec.roles
    ]
    where = f"{template.source}: [credits_card] line"
    return tuple(fill(spec.line, {"role": role, "name": "、".join(names[role])}, where) for role in order)


def footage_roles(footage: Mapping[str, Clip]) -> dict[str, str]:
    return {clip_id: clip.role for clip_id, clip in footage.items()}


def lower_third(
    programme: Programme, roles: Mapping[str, str], project: Project, template: Template
) -> tuple[Overlay, ...]:
    """Name and role over the first narration that shows the subject (not over B-roll)."""
    spec = template.lower_third
    if not programme.audio or not spec.lines:
        return ()
    wanted = programme.audio[0].start_ms + spec.delay_ms
    start = None
    for shot in programme.shots:
        if shot.source is not None and roles.get(shot.source.clip_id) == "interview" and shot.end_ms > wanted:
            start = max(wanted, shot.start_ms)
            break
    if start is None:
        return ()
    duration = min(spec.duration_ms, programme.end_ms - start)
    fields = project_fields(project)
    lines = tuple(fill(p, fields, f"{template.source}: [lower_third] lines") for p in spec.lines)
    if duration <= 0 or not any(line.strip() for line in lines):
        return ()
    return (Overlay("lower_third", start, duration, lines, min(spec.fade_ms, duration // 2)),)


def music_bed(project: Project, template: Template, duration_ms: int) -> MusicBed | None:
    """The project's music clip (footage index), else `[assets] music`, else the template's bed, else none."""
    clips = clips_by_role(project, "music")
    if clips:
        path = clips[0].path(project)
    elif "music" in project.assets:
        path = project.assets["music"]
        if not path.is_file():
            raise EditError(
                _("{path}: [assets] music = {music} is not a file; fix the path").format(
                    path=project.file, music=path
                )
            )
    elif template.music.asset is not None:
        path = template.music.asset
    else:
        return None
    spec = template.music
    return MusicBed(
        path=path, start_ms=0, end_ms=duration_ms, gain_db=spec.level_db, duck=spec.duck, fade_ms=spec.fade_ms
    )


def style(project: Project, template: Template) -> Style:
    logo = project.assets.get("logo", template.style.logo)
    if logo is not None and not Path(logo).is_file():
        raise EditError(
            _("{path}: [assets] logo = {logo} is not a file; fix the path").format(
                path=project.file, logo=logo
            )
        )
    base = template.style
    return Style(
        font=base.font,
        text_colour=base.text_colour,
        accent_colour=base.accent_colour,
        background_colour=base.background_colour,
        logo=logo,
    )


def subtitle_cues(project: Project, clip_ids: Sequence[str], mode: str) -> dict[str, tuple[Cue, ...]]:
    """Each narrated clip's cues in source time: approved (locked) ones, the working drafts, or none."""
    if mode == "none":
        return {}
    read = store.approved_cues if mode == "approved" else store.working_cues
    return {clip_id: tuple(read(project, clip_id)) for clip_id in clip_ids}
