"""Episode templates (`presets/templates/*.toml`) validated into a frozen Template.

A template says what an episode is made of around the narration: the intro title card, the lower
third, the outro credits card, crossfades, the music bed, the look, the length rule, and how
`pipeline cut` proposes a cut list. A project overrides any value under `[overrides.template]`;
every error names the preset file (or project.toml) and the key.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from pipeline.edit.broll import BrollRules
from pipeline.edit.timeline import Style
from pipeline.errors import PresetError
from pipeline.i18n import _
from pipeline.presets import load_preset, preset_path, project_overrides
from pipeline.resources import assets_dir

PROJECT_FIELDS = ("series", "number", "title", "week", "name", "role", "unit")
CREDIT_FIELDS = ("role", "name")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True, slots=True)
class LengthRule:
    min_ms: int
    max_ms: int
    target_ms: int


@dataclass(frozen=True, slots=True)
class TitleCardSpec:
    duration_ms: int
    lines: tuple[str, ...]  # format strings over PROJECT_FIELDS


@dataclass(frozen=True, slots=True)
class LowerThirdSpec:
    duration_ms: int
    fade_ms: int
    delay_ms: int
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CreditsSpec:
    duration_ms: int
    roles: tuple[str, ...]  # the order of roles on the card
    line: str  # format string over CREDIT_FIELDS
    fallback_lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MusicSpec:
    level_db: float
    duck: bool
    fade_ms: int
    asset: Path | None  # default bed from the repository's assets/


@dataclass(frozen=True, slots=True)
class CutRules:
    handle_ms: int
    pause_ms: int
    max_sentence_ms: int
    near_duplicate: float
    fillers: tuple[str, ...]
    hesitations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    label: str
    fps: Fraction
    length: LengthRule
    title_card: TitleCardSpec
    lower_third: LowerThirdSpec
    credits_card: CreditsSpec
    card_crossfade_ms: int
    broll_min_shot_ms: int
    broll_suggest: BrollRules
    music: MusicSpec
    cut: CutRules
    style: Style
    source: Path | None = None

    @property
    def cards_ms(self) -> int:
        """Output time taken by the cards (crossfades overlap nothing: shots stay contiguous)."""
        return self.title_card.duration_ms + self.credits_card.duration_ms


def load_template(name: str, project_overrides_table: Mapping[str, Any] | None = None) -> Template:
    """`presets/templates/<name>.toml` with the project's `[overrides.template]` merged on top."""
    overrides = project_overrides(project_overrides_table or {}, "templates", name)
    data = load_preset("templates", name, overrides)
    return parse_template(name, data, preset_path("templates", name), overrides)


class _Reader:
    """Typed values out of the merged template data; errors name the file (or project.toml) and key."""

    def __init__(self, data: Mapping[str, Any], source: Path, overrides: Mapping[str, Any]) -> None:
        self.data = data
        self.source = source
        self.overrides = overrides

    def fail(self, section: str, key: str, problem: str) -> PresetError:
        where = f"[{section}] {key}" if section else key
        top = self.overrides.get(section, {}) if section else self.overrides
        if isinstance(top, Mapping) and key in top:
            return PresetError(
                _("project.toml: [overrides.template] {where} {problem}").format(where=where, problem=problem)
            )
        return PresetError(
            _("{source}: {where} {problem}").format(source=self.source, where=where, problem=problem)
        )

    def table(self, section: str) -> Mapping[str, Any]:
        value = self.data.get(section)
        if not isinstance(value, Mapping):
            raise PresetError(
                _("{source}: [{section}] table is missing; copy it from first-person.toml").format(
                    source=self.source, section=section
                )
            )
        return value

    def value(self, section: str, key: str) -> Any:
        table = self.table(section) if section else self.data
        if key not in table:
            raise self.fail(section, key, _("is missing; copy it from presets/templates/first-person.toml"))
        return table[key]

    def whole(self, section: str, key: str, *, low: int = 0, high: int = 10**9) -> int:
        value = self.value(section, key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(
                section,
                key,
                _("= {value!r} must be a whole number from {low} to {high}").format(
                    value=value, low=low, high=high
                ),
            )
        return value

    def number(self, section: str, key: str, *, low: float, high: float) -> float:
        value = self.value(section, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(
                section,
                key,
                _("= {value!r} must be a number from {low} to {high}").format(
                    value=value, low=low, high=high
                ),
            )
        return float(value)

    def flag(self, section: str, key: str) -> bool:
        value = self.value(section, key)
        if not isinstance(value, bool):
            raise self.fail(section, key, _("= {value!r} must be true or false").format(value=value))
        return value

    def text(self, section: str, key: str) -> str:
        value = self.value(section, key)
        if not isinstance(value, str):
            raise self.fail(section, key, _("= {value!r} must be a quoted string").format(value=value))
        return value

    def texts(self, section: str, key: str, *, fields: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.value(section, key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(section, key, _('must be a list of quoted strings, e.g. ["a", "b"]'))
        if fields is not None:
            for item in value:
                self.check_fields(section, key, item, fields)
        return tuple(value)

    def check_fields(self, section: str, key: str, text: str, fields: tuple[str, ...]) -> str:
        try:
            names = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise self.fail(
                section,
                key,
                _("has a broken {{field}} in {text!r} ({exc}); write {{{{ for a literal {{").format(
                    text=text, exc=exc
                ),
            ) from exc
        unknown = [n for n in names if n not in fields]
        if unknown:
            raise self.fail(
                section,
                key,
                _("uses unknown field {{{unknown}}}; use {known}").format(
                    unknown=unknown[0], known=", ".join("{" + f + "}" for f in fields)
                ),
            )
        return text

    def colour(self, section: str, key: str) -> str:
        value = self.text(section, key)
        if not COLOUR_RE.match(value):
            raise self.fail(
                section, key, _('= {value!r} must be a colour like "#C8161D"').format(value=value)
            )
        return value.upper()

    def asset(self, section: str, key: str) -> Path | None:
        value = self.text(section, key).strip()
        if not value:
            return None
        assets = assets_dir().resolve()
        path = (assets / value).resolve()
        if not path.is_relative_to(assets) or not path.is_file():
            raise self.fail(
                section,
                key,
                _("= {value!r} is not a file in the repository's assets/ folder").format(value=value),
            )
        return path


def parse_template(
    name: str, data: Mapping[str, Any], source: Path, overrides: Mapping[str, Any] | None = None
) -> Template:
    r = _Reader(data, source, overrides or {})
    fps_value = r.number("", "fps", low=1, high=120)
    length = LengthRule(
        min_ms=r.whole("length", "min_s", high=24 * 3600) * 1000,
        max_ms=r.whole("length", "max_s", low=1, high=24 * 3600) * 1000,
        target_ms=r.whole("length", "target_s", low=1, high=24 * 3600) * 1000,
    )
    if length.min_ms > length.max_ms:
        raise r.fail(
            "length",
            "min_s",
            _("({min_s}) is above max_s ({max_s})").format(
                min_s=length.min_ms // 1000, max_s=length.max_ms // 1000
            ),
        )
    if not length.min_ms <= length.target_ms <= length.max_ms:
        raise r.fail("length", "target_s", _("must lie between min_s and max_s"))
    crossfade = r.whole("transitions", "card_crossfade_ms", high=5_000)
    for card in ("title_card", "credits_card"):
        if crossfade > r.whole(card, "duration_ms", low=1, high=60_000):
            raise r.fail(
                "transitions",
                "card_crossfade_ms",
                _("({crossfade}) is longer than the {card}; shorten it").format(
                    crossfade=crossfade, card=card
                ),
            )
    if r.whole("broll", "suggest_min_length_ms", low=500, high=60_000) > r.whole(
        "broll", "suggest_length_ms", low=500, high=60_000
    ):
        raise r.fail("broll", "suggest_min_length_ms", _("is above suggest_length_ms; lower it"))
    line = r.text("credits_card", "line")
    r.check_fields("credits_card", "line", line, CREDIT_FIELDS)
    return Template(
        name=name,
        label=r.text("", "label") if "label" in data else name,
        fps=Fraction(fps_value).limit_denominator(1001),
        length=length,
        title_card=TitleCardSpec(
            duration_ms=r.whole("title_card", "duration_ms", low=1, high=60_000),
            lines=r.texts("title_card", "lines", fields=PROJECT_FIELDS),
        ),
        lower_third=LowerThirdSpec(
            duration_ms=r.whole("lower_third", "duration_ms", low=1, high=60_000),
            fade_ms=r.whole("lower_third", "fade_ms", high=10_000),
            delay_ms=r.whole("lower_third", "delay_ms", high=60_000),
            lines=r.texts("lower_third", "lines", fields=PROJECT_FIELDS),
        ),
        credits_card=CreditsSpec(
            duration_ms=r.whole("credits_card", "duration_ms", low=1, high=60_000),
            roles=r.texts("credits_card", "roles"),
            line=line,
            fallback_lines=r.texts("credits_card", "fallback_lines", fields=PROJECT_FIELDS),
        ),
        card_crossfade_ms=crossfade,
        broll_min_shot_ms=r.whole("broll", "min_shot_ms", high=10_000),
        broll_suggest=BrollRules(
            every_ms=r.whole("broll", "suggest_every_ms", high=3_600_000),
            length_ms=r.whole("broll", "suggest_length_ms", low=500, high=60_000),
            min_length_ms=r.whole("broll", "suggest_min_length_ms", low=500, high=60_000),
            margin_ms=r.whole("broll", "suggest_margin_ms", high=60_000),
        ),
        music=MusicSpec(
            level_db=r.number("music", "level_db", low=-60, high=0),
            duck=r.flag("music", "duck"),
            fade_ms=r.whole("music", "fade_ms", high=30_000),
            asset=r.asset("music", "asset"),
        ),
        cut=CutRules(
            handle_ms=r.whole("cut", "handle_ms", high=2_000),
            pause_ms=r.whole("cut", "pause_ms", low=100, high=60_000),
            max_sentence_ms=r.whole("cut", "max_sentence_ms", low=1_000, high=600_000),
            near_duplicate=r.number("cut", "near_duplicate", low=0.5, high=1.0),
            fillers=r.texts("cut", "fillers"),
            hesitations=r.texts("cut", "hesitations"),
        ),
        style=Style(
            font=r.text("style", "font"),
            text_colour=r.colour("style", "text_colour"),
            accent_colour=r.colour("style", "accent_colour"),
            background_colour=r.colour("style", "background_colour"),
            logo=r.asset("style", "logo"),
        ),
        source=source,
    )
