"""An outbox episode as `publish` reads it: `publish.json` and the files it lists, checked.

The package is what `pipeline batch` wrote (`outbox/<week>/<episode>/`); nothing here writes to it
except `published.json`, the record of what was published (pipeline/publish/record.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import PublishError
from pipeline.i18n import _

PUBLISH_FILE = "publish.json"


@dataclass(frozen=True, slots=True)
class EpisodeFile:
    name: str  # inside the package: "web/我是党员-01-驻村路上.mp4"
    path: Path
    sha256: str  # as recorded in publish.json when the package was made


@dataclass(frozen=True, slots=True)
class Credit:
    role: str
    name: str


@dataclass(frozen=True, slots=True)
class OutboxEpisode:
    folder: Path
    week: str
    number: int
    series: str
    episode_title: str
    title: str  # fitted to WeChat's 32 characters
    digest: str
    author: str
    subject_name: str
    subject_role: str
    subject_unit: str
    story: tuple[str, ...]
    credits: tuple[Credit, ...]
    comments_open: bool
    comments_fans_only: bool
    files: dict[str, EpisodeFile]
    packaged_at: str

    @property
    def slug(self) -> str:
        return self.folder.name

    def find(self, platform: str, suffix: str, *, exclude: tuple[str, ...] = ()) -> EpisodeFile | None:
        """The package's file of `platform` whose name ends with `suffix` (first by name)."""
        for name in sorted(self.files):
            if name.startswith(f"{platform}/") and name.endswith(suffix):
                if not any(name.endswith(e) for e in exclude):
                    return self.files[name]
        return None

    def require(self, platform: str, suffix: str, what: str, *, exclude: tuple[str, ...] = ()) -> EpisodeFile:
        found = self.find(platform, suffix, exclude=exclude)
        if found is None:
            raise PublishError(
                _(
                    "{file}: the package has no {what} ({platform}/…{suffix}); render the {platform} platform and run `pipeline batch` again"
                ).format(file=self.folder / PUBLISH_FILE, what=what, platform=platform, suffix=suffix)
            )
        return found


def load_episode(folder: Path | str) -> OutboxEpisode:
    """Read `folder/publish.json` and check that every file it lists is there."""
    folder = Path(folder)
    file = folder / PUBLISH_FILE
    if not folder.is_dir():
        raise PublishError(
            _(
                "{folder}: not an outbox episode folder; give a folder under ROOT/outbox/<week>/ made by `pipeline batch`"
            ).format(folder=folder)
        )
    try:
        data = json.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        raise PublishError(
            _(
                "{file}: not found; give an episode folder under ROOT/outbox/<week>/ made by `pipeline batch`"
            ).format(file=file)
        ) from None
    except (OSError, ValueError) as exc:
        raise PublishError(
            _("{file}: cannot be read ({exc}); run `pipeline batch` again to rewrite it").format(
                file=file, exc=exc
            )
        ) from None
    if not isinstance(data, dict):
        raise PublishError(_("{file}: is not a publish record; run `pipeline batch` again").format(file=file))
    if data.get("draft"):
        raise PublishError(
            _(
                "{file}: this package holds --draft previews, which are never published; run `pipeline batch` without --draft"
            ).format(file=file)
        )
    return _parse(folder, file, data)


def _parse(folder: Path, file: Path, data: dict[str, Any]) -> OutboxEpisode:
    def need(key: str, kind: type, where: dict[str, Any] = data, label: str = "") -> Any:
        value = where.get(key)
        if not isinstance(value, kind):
            raise PublishError(
                _(
                    "{file}: {field} is missing or invalid; this package was made by an older `pipeline batch`: run it again to rewrite the package"
                ).format(file=file, field=label or key)
            )
        return value

    episode = need("episode", dict)
    subject = need("subject", dict, episode, "episode.subject")
    comments = need("comments", dict)
    files = {}
    for name, sha in need("files", dict).items():
        path = folder / name
        if not path.is_file():
            raise PublishError(
                _(
                    "{path}: listed in {file} but missing; run `pipeline batch` again to repackage the episode"
                ).format(path=path, file=file)
            )
        files[name] = EpisodeFile(name, path, str(sha))
    return OutboxEpisode(
        folder=folder.resolve(),
        week=str(episode.get("week") or folder.parent.name),
        number=int(episode.get("number") or 0),
        series=str(episode.get("series") or ""),
        episode_title=need("title", str, episode, "episode.title"),
        title=need("title", str),
        digest=need("digest", str),
        author=need("author", str),
        subject_name=need("name", str, subject, "episode.subject.name"),
        subject_role=need("role", str, subject, "episode.subject.role"),
        subject_unit=str(subject.get("unit") or ""),
        story=tuple(str(p) for p in need("story", list)),
        credits=tuple(
            Credit(str(c.get("role", "")), str(c.get("name", "")))
            for c in need("credits", list)
            if isinstance(c, dict)
        ),
        comments_open=bool(comments.get("open", True)),
        comments_fans_only=bool(comments.get("fans_only", False)),
        files=files,
        packaged_at=str(data.get("packaged_at") or ""),
    )
