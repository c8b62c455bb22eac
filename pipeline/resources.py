"""The data the pipeline ships, found in one place: presets and assets.

- presets: platforms/, templates/, qc/ (TOML) and glossary.toml, the office glossary;
- assets: logo.png, the default artwork a template names, and sample/narration, the demo's speech.

Where they are read from:

- an installed pipeline (`pip install .`): package data, `pipeline/_data/presets` and
  `pipeline/_data/assets`, copied at build time from the repository's `presets/` and `assets/`
  (the `package-dir` mapping in pyproject.toml);
- a source checkout (`pip install -e .`, as setup.sh does, or `PYTHONPATH`): there is no `_data`
  folder in the package, and the repository's `presets/` and `assets/` are read directly, so what
  an office edits there is what the pipeline uses.

An office overrides presets without touching the installed package: `PIPELINE_PRESETS` names a
folder laid out like `presets/`. Each file there is used instead of the shipped file of the same
name (`qc/zh-CN.toml`, `glossary.toml`...), new files add presets, and everything else comes from
the shipped presets.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

PRESETS_ENV = "PIPELINE_PRESETS"
PACKAGE_DATA = "_data"  # pipeline/_data/{presets,assets} in a wheel
SOURCE_ROOT = Path(__file__).resolve().parents[1]  # the repository, in a source checkout


def shipped(name: str) -> Path:
    """The folder `name` ("presets" or "assets") that came with this pipeline."""
    packaged = importlib.resources.files("pipeline").joinpath(PACKAGE_DATA, name)
    # pip installs packages as folders, so package data is a real path (never inside a zip)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return SOURCE_ROOT / name


def assets_dir() -> Path:
    return shipped("assets")


def shipped_presets_dir() -> Path:
    return shipped("presets")


def override_presets_dir() -> Path | None:
    """The office's own presets folder (`$PIPELINE_PRESETS`), if set."""
    configured = os.environ.get(PRESETS_ENV, "").strip()
    return Path(configured).expanduser() if configured else None


def presets_dirs() -> tuple[Path, ...]:
    """Where presets are looked up, first match wins: the office's folder, then the shipped one."""
    override = override_presets_dir()
    return (override, shipped_presets_dir()) if override else (shipped_presets_dir(),)


def preset_file(relative: str) -> Path:
    """The file that is used for `relative` (e.g. "qc/zh-CN.toml"): the office's copy when it has
    one, else the shipped file (which may not exist either: the caller says what is missing)."""
    *overrides, shipped_dir = presets_dirs()
    for folder in overrides:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    return shipped_dir / relative


def preset_names(kind: str) -> tuple[str, ...]:
    """The names of the presets of `kind` ("platforms", "templates", "qc") in any presets folder."""
    return tuple(sorted({p.stem for folder in presets_dirs() for p in (folder / kind).glob("*.toml")}))
