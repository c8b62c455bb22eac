"""What a publisher types into WeChat: title, digest and author, fitted to the platform's limits.

Pure functions of the project and the episode's subtitles. The limits are the WeChat `draft/add`
ones (docs/specs.md): a value that had to be shortened comes with a note saying so, because a
title cut by the machine deserves a human look before it goes out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.project.model import Project
from pipeline.subtitles.cue import Cue

TITLE_MAX = 32
AUTHOR_MAX = 16
DIGEST_MAX = 128
ELLIPSIS = "…"
PRODUCER_ROLE = "出品"
# a shortened title is cut after one of these when one lies in its last third
BREAKS = "，。；：！？、,.;:!?）》」』 "
# subtitle lines carry no commas or full stops (they become spaces, docs/specs.md); a space between two
# CJK characters was one of them
CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")
SENTENCE_END = "。！？!?…"
CLOSERS = "）》」』"  # kept when the cut falls after one
# the article's story: a pause this long between two cues starts a new paragraph, and so does a
# sentence end once the paragraph has this many characters (a phone screen holds about 150)
PARAGRAPH_PAUSE_MS = 1500
PARAGRAPH_CHARS = 150


@dataclass(frozen=True, slots=True)
class Fitted:
    """A text fitted to a limit, and what was done to make it fit."""

    text: str
    note: str = ""  # empty when the text fitted as it was


@dataclass(frozen=True, slots=True)
class PublishText:
    title: Fitted
    digest: Fitted
    author: Fitted

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f.note for f in (self.title, self.digest, self.author) if f.note)


def publish_text(project: Project, cues: Sequence[Cue]) -> PublishText:
    return PublishText(publish_title(project), publish_digest(project, cues), publish_author(project))


def publish_title(project: Project, limit: int = TITLE_MAX) -> Fitted:
    """`《series》title` when it fits, else the title alone, else the title shortened with a note."""
    series, title = project.episode.series.strip(), project.episode.title.strip()
    full = f"《{series}》{title}" if series else title
    if len(full) <= limit:
        return Fitted(full)
    if len(title) <= limit:
        return Fitted(title, f"title: the series name was left out to fit WeChat's {limit} characters")
    short = shorten(title, limit)
    return Fitted(
        short, f"title: shortened to WeChat's {limit} characters from {len(title)}; check it: {short}"
    )


def publish_author(project: Project, limit: int = AUTHOR_MAX) -> Fitted:
    """The producing unit (credits 出品), else the subject's unit, else the subject's name."""
    producers = [c.name for c in project.credits if c.role == PRODUCER_ROLE]
    author = producers[0] if producers else (project.subject.unit or project.subject.name)
    if len(author) <= limit:
        return Fitted(author)
    # a unit's name cannot be shortened sensibly by rule: cut it, and say so
    return Fitted(
        author[:limit],
        f"author: {author!r} cut to WeChat's {limit} characters; put a shorter 出品 name in the credits",
    )


def publish_digest(project: Project, cues: Sequence[Cue], limit: int = DIGEST_MAX) -> Fitted:
    """`王建华，驻村工作队队员（邹城市石墙镇）。` followed by the first sentences of the subtitles,
    whole cues only, up to `limit` characters."""
    subject = project.subject
    intro = f"{subject.name}，{subject.role}" + (f"（{subject.unit}）" if subject.unit else "") + "。"
    if len(intro) > limit:
        return Fitted(
            shorten(intro, limit), f"digest: the subject's name and role alone exceed {limit} characters"
        )
    spoken = ""
    for cue in cues:
        text = cue_sentence(cue)
        if not text:
            continue
        candidate = f"{spoken}，{text}" if spoken and spoken[-1] not in SENTENCE_END else spoken + text
        if len(intro) + len(_closed(candidate)) > limit:
            break
        spoken = candidate
    return Fitted(intro + _closed(spoken) if spoken else intro)


def story_paragraphs(cues: Sequence[Cue]) -> tuple[str, ...]:
    """The subtitles as prose for the article: cues joined into sentences, sentences into
    paragraphs at the speaker's longer pauses (or when a paragraph grows long), never one line per cue."""
    paragraphs: list[str] = []
    current, last_end = "", None
    for cue in sorted(cues, key=lambda c: c.start_ms):
        text = cue_sentence(cue)
        if not text:
            continue
        pause = last_end is not None and cue.start_ms - last_end >= PARAGRAPH_PAUSE_MS
        long = len(current) >= PARAGRAPH_CHARS and current[-1:] in SENTENCE_END
        if current and (pause or long):
            paragraphs.append(_closed(current))
            current = ""
        current = f"{current}，{text}" if current and current[-1] not in SENTENCE_END else current + text
        last_end = cue.end_ms
    if current:
        paragraphs.append(_closed(current))
    return tuple(paragraphs)


def cue_sentence(cue: Cue) -> str:
    """A cue's text as prose: its lines joined, the spaces that stood for commas made commas again."""
    text = "".join(line.strip() for line in cue.lines).strip()
    return CJK_GAP.sub("，", text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with `…`, after a punctuation mark or space when one
    lies in the last third (never mid-phrase when it can be helped)."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    head = text[:room]
    cut = max(head.rfind(mark) for mark in BREAKS)
    if cut >= room * 2 // 3:
        head = head[: cut + 1] if head[cut] in CLOSERS else head[:cut]
    return head.rstrip() + ELLIPSIS


def _closed(text: str) -> str:
    return text if not text or text[-1] in SENTENCE_END else text + "。"
