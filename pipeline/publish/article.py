"""The WeChat article: its HTML content (story, subject, stills, credits), the cover crops, and the
limits `draft/add` sets, checked before anything is sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pipeline.i18n import N_, _
from pipeline.publish.episode import OutboxEpisode

TITLE_MAX = 32
AUTHOR_MAX = 16
DIGEST_MAX = 128
CONTENT_MAX_CHARS = 20_000  # "必须少于2万字符，小于1M"
CONTENT_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Still:
    url: str  # from media/uploadimg: the only picture addresses WeChat keeps in an article


def templates() -> Environment:
    return Environment(
        loader=PackageLoader("pipeline.publish", "templates"),
        autoescape=select_autoescape(["html", "xml", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def article_content(episode: OutboxEpisode, stills: Sequence[Still], video_title: str) -> str:
    """The body: who speaks, the story in paragraphs with the stills between them, the credits.

    The video itself cannot be put in by the API; the editor inserts it from the material library
    where the placeholder paragraph says (it names the material's title)."""
    paragraphs = list(episode.story)
    # stills spread through the story: after paragraph len*k/(n+1)
    slots: dict[int, list[Still]] = {}
    for k, still in enumerate(stills, start=1):
        after = max(0, min(len(paragraphs) - 1, len(paragraphs) * k // (len(stills) + 1)))
        slots.setdefault(after, []).append(still)
    blocks = [(text, slots.get(i, [])) for i, text in enumerate(paragraphs)]
    if not paragraphs and stills:
        blocks = [("", list(stills))]
    return (
        templates()
        .get_template("wechat_article.html.j2")
        .render(episode=episode, blocks=blocks, video_title=video_title)
    )


def centre_crop(width: int, height: int, aspect: Fraction) -> str:
    """`X1_Y1_X2_Y2`: the largest centred crop of `aspect` (width/height) in a width x height
    picture, normalised to 0..1 as draft/add's pic_crop_235_1 and pic_crop_1_1 want it."""
    if Fraction(width, height) > aspect:  # wider than wanted: trim the sides
        part = aspect * height / width
        x1, y1, x2, y2 = (1 - part) / 2, Fraction(0), (1 + part) / 2, Fraction(1)
    else:  # taller: trim top and bottom
        part = width / aspect / height
        x1, y1, x2, y2 = Fraction(0), (1 - part) / 2, Fraction(1), (1 + part) / 2
    return "_".join(_decimal(v) for v in (x1, y1, x2, y2))


def _decimal(value: Fraction) -> str:
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def article_problems(title: str, author: str, digest: str, content: str) -> list[str]:
    """What draft/add would refuse, in words naming the field and the limit."""
    problems = []
    for message, value, limit in (
        (N_("the title has {length} characters, WeChat allows {limit}"), title, TITLE_MAX),
        (N_("the author has {length} characters, WeChat allows {limit}"), author, AUTHOR_MAX),
        (N_("the digest has {length} characters, WeChat allows {limit}"), digest, DIGEST_MAX),
    ):
        if len(value) > limit:
            problems.append(_(message).format(length=len(value), limit=limit))
    if not title.strip():
        problems.append(_("the title is empty"))
    if len(content) >= CONTENT_MAX_CHARS:
        problems.append(
            _("the article has {length} characters, WeChat needs fewer than {limit:,}").format(
                length=len(content), limit=CONTENT_MAX_CHARS
            )
        )
    if len(content.encode("utf-8")) >= CONTENT_MAX_BYTES:
        problems.append("the article is over 1 MB, WeChat needs less")
    return problems
