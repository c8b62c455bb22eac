"""The subtitle QC profile: limits and rule severities, loaded from `presets/qc/<name>.toml`.

A profile may name another with `extends = "zh-CN"` and change only what differs (the vertical
variant does). A project's `[overrides.qc]` table is merged on top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.errors import PresetError
from pipeline.i18n import _
from pipeline.presets import deep_merge, load_preset, preset_path, project_overrides, require
from pipeline.project.model import Project

SEVERITIES = ("error", "warning", "off")
# Every rule `subtitles.qc.lint` checks; the profile must give each a severity.
RULES = (
    "empty",
    "inverted",
    "overlap",
    "line_length",
    "lines_per_cue",
    "traditional",
    "glossary",
    "reading_speed",
    "min_duration",
    "max_duration",
    "gap",
    "line_end_punctuation",
    "inline_punctuation",
    "missing_subtitles",
)
DEFAULT = "zh-CN"
VERTICAL = "zh-CN-vertical"


@dataclass(frozen=True, slots=True)
class QCProfile:
    name: str
    fps: float
    max_chars_per_line: int
    max_lines: int
    preferred_lines: int
    max_chars_per_second: float
    min_duration_ms: int
    max_duration_ms: int
    min_gap_frames: int
    pause_ms: int
    line_end_forbidden: str
    inline_to_space: str
    keep: str
    severities: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    source: str = ""  # the preset file, for messages

    @property
    def min_gap_ms(self) -> int:
        """The minimum gap in whole milliseconds, rounded up (2 frames at 25 fps = 80 ms)."""
        return math.ceil(self.min_gap_frames * 1000 / self.fps)

    def severity(self, rule: str) -> str:
        return self.severities[rule]

    def reading_time_ms(self, reading_length: float) -> int:
        """How long text of this reading length must stay up to respect the reading speed."""
        return math.ceil(reading_length * 1000 / self.max_chars_per_second)


def load_qc_profile(name: str = DEFAULT, overrides: Mapping[str, Any] | None = None) -> QCProfile:
    """Load `presets/qc/<name>.toml` (following `extends`), with `overrides` merged on top.

    Raises PresetError naming the preset file and the key when a value is missing or wrong.
    """
    data = _load_chain(name, overrides, seen=())
    return _parse(name, data, preset_path("qc", name))


def project_profile(project: Project, vertical: bool = False) -> QCProfile:
    """The QC profile a project uses: zh-CN (or its vertical variant) with `[overrides.qc]` applied."""
    name = VERTICAL if vertical else DEFAULT
    return load_qc_profile(name, project_overrides(project.overrides, "qc", name))


def _load_chain(name: str, overrides: Mapping[str, Any] | None, seen: tuple[str, ...]) -> dict[str, Any]:
    where = preset_path("qc", name)
    if name in seen:
        raise PresetError(
            _("{where}: extends = {name!r} loops back on itself; remove one `extends`").format(
                where=where, name=name
            )
        )
    data = load_preset("qc", name, overrides)
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise PresetError(
            _('{where}: extends = {base!r} must be the name of another qc preset, e.g. "zh-CN"').format(
                where=where, base=base
            )
        )
    return deep_merge(_load_chain(base, None, (*seen, name)), data)


def _parse(name: str, data: Mapping[str, Any], path: Path) -> QCProfile:
    where = _("{path} (or [overrides.qc] in project.toml)").format(path=path)

    def positive(key: str, kind: type | tuple[type, ...]) -> Any:
        value = require(data, key, kind, where)
        if value <= 0:
            raise PresetError(
                _("{where}: {key} = {value!r} must be greater than 0").format(
                    where=where, key=key, value=value
                )
            )
        return value

    def text(table: Mapping[str, Any], key: str, section: str) -> str:
        return str(require(table, key, str, f"{where} [{section}]"))

    punctuation = require(data, "punctuation", dict, where)
    severity_table = require(data, "severity", dict, where)
    severities = {}
    for rule in RULES:
        value = require(severity_table, rule, str, f"{where} [severity]")
        if value not in SEVERITIES:
            raise PresetError(
                _("{where}: severity.{rule} = {value!r} must be one of {choices}").format(
                    where=where, rule=rule, value=value, choices=", ".join(SEVERITIES)
                )
            )
        severities[rule] = value
    unknown = sorted(set(severity_table) - set(RULES))
    if unknown:
        raise PresetError(
            _("{where}: severity.{unknown} is not a rule; known rules: {rules}").format(
                where=where, unknown=unknown[0], rules=", ".join(RULES)
            )
        )

    profile = QCProfile(
        name=name,
        fps=float(positive("fps", (int, float))),
        max_chars_per_line=positive("max_chars_per_line", int),
        max_lines=positive("max_lines", int),
        preferred_lines=positive("preferred_lines", int),
        max_chars_per_second=float(positive("max_chars_per_second", (int, float))),
        min_duration_ms=positive("min_duration_ms", int),
        max_duration_ms=positive("max_duration_ms", int),
        min_gap_frames=require(data, "min_gap_frames", int, where),
        pause_ms=positive("pause_ms", int),
        line_end_forbidden=text(punctuation, "line_end_forbidden", "punctuation"),
        inline_to_space=text(punctuation, "inline_to_space", "punctuation"),
        keep=text(punctuation, "keep", "punctuation"),
        severities=MappingProxyType(severities),
        source=str(path),
    )
    if profile.preferred_lines > profile.max_lines:
        raise PresetError(
            _("{where}: preferred_lines = {preferred_lines} exceeds max_lines = {max_lines}").format(
                where=where, preferred_lines=profile.preferred_lines, max_lines=profile.max_lines
            )
        )
    if profile.min_duration_ms >= profile.max_duration_ms:
        raise PresetError(_("{where}: min_duration_ms must be less than max_duration_ms").format(where=where))
    if profile.min_gap_frames < 0:
        raise PresetError(
            _("{where}: min_gap_frames = {min_gap_frames} must be 0 or more").format(
                where=where, min_gap_frames=profile.min_gap_frames
            )
        )
    clash = set(profile.keep) & (set(profile.line_end_forbidden) | set(profile.inline_to_space))
    if clash:
        raise PresetError(
            _("{where}: punctuation.keep and the removed marks share {marks!r}").format(
                where=where, marks="".join(sorted(clash))
            )
        )
    return profile
