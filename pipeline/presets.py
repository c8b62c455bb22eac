"""Presets are data: TOML files under `presets/` (platforms, templates, qc).

`load_preset("platforms", "web", overrides)` reads `presets/platforms/web.toml` (the office's copy
under `$PIPELINE_PRESETS` when it has one, see `pipeline.resources`), deep-merges the project's
overrides on top and returns plain data for the stage to validate into its own dataclasses (each
stage knows its keys; errors name the preset file and the key).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import PresetError
from pipeline.i18n import _
from pipeline.resources import preset_file, preset_names

KINDS = ("platforms", "templates", "qc")


def preset_path(kind: str, name: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown preset kind {kind!r}")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise PresetError(
            _("preset name {name!r} is not valid; use a name like 'web' or 'first-person'").format(name=name)
        )
    return preset_file(f"{kind}/{name}.toml")


def available(kind: str) -> tuple[str, ...]:
    return preset_names(kind)


def load_preset(kind: str, name: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    path = preset_path(kind, name)
    if not path.exists():
        choices = ", ".join(available(kind)) or "none"
        raise PresetError(
            _("{path}: no {kind} preset named {name!r}; available: {choices}").format(
                path=path, kind=kind, name=name, choices=choices
            )
        )
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PresetError(
            _("{path}: invalid TOML ({exc}); fix the preset file").format(path=path, exc=exc)
        ) from None
    if overrides:
        data = deep_merge(data, overrides)
    return data


def project_overrides(overrides: Mapping[str, Any], kind: str, name: str) -> Mapping[str, Any]:
    """The part of project.toml's [overrides] that applies to one preset.

    `[overrides.platforms.web]` applies to platform `web`; `[overrides.template]` to the project's
    template; `[overrides.qc]` to the QC profile.
    """
    if kind == "platforms":
        section = overrides.get("platforms", {})
        return section.get(name, {}) if isinstance(section, Mapping) else {}
    key = {"templates": "template", "qc": "qc"}[kind]
    section = overrides.get(key, {})
    return section if isinstance(section, Mapping) else {}


def deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def require(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: Path | str) -> Any:
    """A typed value from preset data, or a PresetError naming the file and key."""
    if key not in data:
        raise PresetError(
            _("{where}: key {key!r} is missing; add it to the preset").format(where=where, key=key)
        )
    value = data[key]
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise PresetError(
            _("{where}: {key} must be a number, not {value!r}").format(where=where, key=key, value=value)
        )
    if not isinstance(value, kind):
        raise PresetError(
            _("{where}: {key} = {value!r} has the wrong type; see the other presets for the shape").format(
                where=where, key=key, value=value
            )
        )
    return value
