"""`exports/manifest.json`: one entry per output, with figures measured on the written file.

The file is an object `{"manifest_version": 1, "outputs": [entry, ...]}`, entries sorted by path.
Each entry has the fields of docs/architecture.md "Contracts" (platform, path, sha256, duration_s, width, height, video_codec,
audio_codec, size_bytes, loudness_lufs, true_peak_dbtp, subtitles) plus variant, covers, checked_at,
fingerprint and problems (empty when the output passed its checks).

`subtitles` is `null` when the output carries no subtitles, else
`{"burned_in": true|false, "sidecars": ["exports/web/x.srt", ...]}` (an output can have both, e.g.
the tv preset burns them in and also delivers an SRT). Paths are relative to the project folder,
with `/` separators. Loudness figures are `null` when the output has no audio (or true peak is
digital silence, -inf).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_json
from pipeline.project.model import Project
from pipeline.render.checks import Problem
from pipeline.render.measure import OutputFacts, measure_image

MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"

ProjectLike = Project | Path  # a loaded project, or its folder


# which file of its platform an output is: "main"; "api", the size-capped WeChat file; "draft", a
# --draft preview
Variant = Literal["main", "api", "draft"]


@dataclass(frozen=True, slots=True)
class SubtitleDelivery:
    burned_in: bool
    sidecars: tuple[str, ...] = ()  # project-relative paths of SRT/VTT files delivered beside the video


@dataclass(frozen=True, slots=True)
class CoverEntry:
    name: str  # the preset's cover name: "poster", "cover-2.35x1"
    path: str  # project-relative
    width: int
    height: int
    size_bytes: int


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    platform: str
    path: str  # project-relative, "/" separators: the key entries are merged by
    sha256: str
    duration_s: float
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None
    size_bytes: int
    loudness_lufs: float | None
    true_peak_dbtp: float | None
    subtitles: SubtitleDelivery | None
    variant: Variant = "main"
    covers: tuple[CoverEntry, ...] = ()
    checked_at: str = ""  # ISO 8601, UTC
    fingerprint: str = ""
    problems: tuple[Problem, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "variant": self.variant,
            "path": self.path,
            "sha256": self.sha256,
            "duration_s": round(self.duration_s, 3),
            "width": self.width,
            "height": self.height,
            "video_codec": self.video_codec,
            "audio_codec": self.audio_codec,
            "size_bytes": self.size_bytes,
            "loudness_lufs": _finite(self.loudness_lufs),
            "true_peak_dbtp": _finite(self.true_peak_dbtp),
            "subtitles": None
            if self.subtitles is None
            else {
                "burned_in": self.subtitles.burned_in,
                "sidecars": list(self.subtitles.sidecars),
            },
            "covers": [
                {
                    "name": c.name,
                    "path": c.path,
                    "width": c.width,
                    "height": c.height,
                    "size_bytes": c.size_bytes,
                }
                for c in self.covers
            ],
            "checked_at": self.checked_at,
            "fingerprint": self.fingerprint,
            "problems": [p.to_dict() for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ManifestEntry:
        subs = data.get("subtitles")
        return cls(
            platform=str(data["platform"]),
            path=str(data["path"]),
            sha256=str(data["sha256"]),
            duration_s=float(data["duration_s"]),
            width=_optional(int, data.get("width")),
            height=_optional(int, data.get("height")),
            video_codec=_optional(str, data.get("video_codec")),
            audio_codec=_optional(str, data.get("audio_codec")),
            size_bytes=int(data["size_bytes"]),
            loudness_lufs=_optional(float, data.get("loudness_lufs")),
            true_peak_dbtp=_optional(float, data.get("true_peak_dbtp")),
            subtitles=None
            if subs is None
            else SubtitleDelivery(
                bool(subs["burned_in"]),
                tuple(str(s) for s in subs.get("sidecars", ())),
            ),
            variant=cast(Variant, str(data.get("variant", "main"))),
            covers=tuple(
                CoverEntry(
                    str(c["name"]), str(c["path"]), int(c["width"]), int(c["height"]), int(c["size_bytes"])
                )
                for c in data.get("covers", ())
            ),
            checked_at=str(data.get("checked_at", "")),
            fingerprint=str(data.get("fingerprint", "")),
            problems=tuple(Problem.from_dict(p) for p in data.get("problems", ())),
        )


def project_root(project: ProjectLike) -> Path:
    return project.root if isinstance(project, Project) else Path(project)


def manifest_path(project: ProjectLike) -> Path:
    return project_root(project) / "exports" / MANIFEST_NAME


def project_relative(project: ProjectLike, path: Path | str) -> str:
    """`path` (absolute, or relative to the project) as the manifest writes it: "exports/web/x.mp4"."""
    root = project_root(project)
    candidate = Path(path)
    if not candidate.is_absolute():
        return candidate.as_posix()
    for base, target in ((root, candidate), (root.resolve(), candidate.resolve())):
        try:
            return target.relative_to(base).as_posix()
        except ValueError:
            continue
    raise RenderError(
        _("{path}: outputs must be written inside the project {project}; render into its exports/").format(
            path=candidate, project=root
        )
    )


def entry_for(
    project: ProjectLike,
    facts: OutputFacts,
    *,
    platform: str,
    variant: Variant = "main",
    problems: Sequence[Problem] = (),
    fingerprint: str = "",
    subtitles: SubtitleDelivery | None = None,
    covers: Sequence[CoverEntry] = (),
    checked_at: str | None = None,
) -> ManifestEntry:
    """The manifest entry for a measured (and checked) output."""
    loudness = facts.loudness
    return ManifestEntry(
        platform=platform,
        path=project_relative(project, facts.path),
        sha256=facts.sha256,
        duration_s=facts.duration_s,
        width=facts.width,
        height=facts.height,
        video_codec=facts.video_codec,
        audio_codec=facts.audio_codec,
        size_bytes=facts.size_bytes,
        loudness_lufs=loudness.integrated_lufs if loudness else None,
        true_peak_dbtp=loudness.true_peak_dbtp if loudness else None,
        subtitles=subtitles,
        variant=variant,
        covers=tuple(covers),
        checked_at=checked_at or now_utc(),
        fingerprint=fingerprint,
        problems=tuple(problems),
    )


def cover_entry(project: ProjectLike, name: str, path: Path) -> CoverEntry:
    """Measure a written cover image for the manifest."""
    image = measure_image(path)
    return CoverEntry(name, project_relative(project, path), image.width, image.height, image.size_bytes)


def load_manifest(project: ProjectLike) -> tuple[ManifestEntry, ...]:
    """The recorded entries; () when there is no manifest yet. A damaged one is a RenderError."""
    path = manifest_path(project)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise _corrupt(path, str(exc)) from None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("outputs"), list):
            raise ValueError('no "outputs" list')
        return tuple(ManifestEntry.from_dict(item) for item in data["outputs"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _corrupt(path, f"{type(exc).__name__}: {exc}") from None


def update_manifest(project: ProjectLike, entries: Iterable[ManifestEntry]) -> tuple[ManifestEntry, ...]:
    """Write `entries` into the manifest, replacing those with the same path and keeping the others.

    Written atomically; returns the entries now in the file.
    """
    merged = {entry.path: entry for entry in load_manifest(project)}
    for entry in entries:
        merged[entry.path] = entry
    ordered = tuple(merged[path] for path in sorted(merged))
    atomic_write_json(
        manifest_path(project),
        {
            "manifest_version": MANIFEST_VERSION,
            "outputs": [entry.to_dict() for entry in ordered],
        },
    )
    return ordered


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _corrupt(path: Path, reason: str) -> RenderError:
    return RenderError(
        _(
            "{path}: manifest is damaged ({reason}); delete it and run `pipeline render` again to regenerate it"
        ).format(path=path, reason=reason)
    )


def _finite(value: float | None) -> float | None:
    """JSON has no infinity: digital silence (-inf dBTP) is written as null."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, 2)


def _optional(kind: type, value: Any) -> Any:
    return None if value is None else kind(value)
