"""The project model: project.toml loaded into frozen dataclasses, validated with clear messages."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.errors import ProjectError
from pipeline.i18n import _
from pipeline.presets import available
from pipeline.project.files import resolve_inside
from pipeline.resources import assets_dir

PROJECT_FILE = "project.toml"
WEEK_RE = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")
KNOWN_PLATFORMS = ("web", "wechat", "channels")


@dataclass(frozen=True, slots=True)
class Episode:
    series: str
    number: int
    title: str
    week: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    name: str
    role: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    consent: bool
    # the consent record (`pipeline consent`): when, who recorded it, the signed form in the project
    consent_at: str = ""  # ISO 8601
    consent_by: str = ""
    consent_form: str = ""  # path relative to the project folder: consent/王建华.jpg

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "consent": self.consent,
            "at": self.consent_at,
            "by": self.consent_by,
            "form": self.consent_form,
        }


@dataclass(frozen=True, slots=True)
class AudioRouting:
    """Which sound of a clip is the speech: `[audio.<clip id>]` in project.toml (set by ingest's
    --audio-stream/--audio-channel). Both 1-based; channel 0 = the stream's channels mixed."""

    stream: int = 1
    channel: int = 0

    @property
    def is_default(self) -> bool:
        return self == AudioRouting()

    def describe(self) -> str:
        picked = f"channel {self.channel}" if self.channel else "all channels mixed"
        return f"audio stream {self.stream}, {picked}"


@dataclass(frozen=True, slots=True)
class Glossary:
    terms: tuple[str, ...] = ()
    # (wrong form, right form): the transcriber's known mistakes, fixed in drafts and flagged by QC
    wrong_forms: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TranscribeSettings:
    """[transcribe] in project.toml (issue 14): the speech model and the correction stage."""

    model: str = ""  # a model name (base, small ...) or a CTranslate2 folder; "" for the default
    corrections: bool = True  # homophone corrections from glossary, lexicon and dictionary


@dataclass(frozen=True, slots=True)
class Credit:
    role: str  # 出品, 监制, 摄像, 剪辑 ...
    name: str


@dataclass(frozen=True, slots=True)
class PublishSettings:
    """[publish] in project.toml: how the WeChat article treats comments."""

    comments: bool = True  # need_open_comment
    comments_fans_only: bool = False  # only_fans_can_comment


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    episode: Episode
    subject: Subject
    people: tuple[Person, ...] = ()
    template: str = "first-person"
    platforms: tuple[str, ...] = KNOWN_PLATFORMS
    glossary: Glossary = Glossary()
    credits: tuple[Credit, ...] = ()
    publish: PublishSettings = PublishSettings()
    assets: Mapping[str, Path] = field(default_factory=lambda: MappingProxyType({}))
    audio: Mapping[str, AudioRouting] = field(default_factory=lambda: MappingProxyType({}))
    # project-level overrides of preset values: {"platforms": {"web": {...}}, "template": {...}, "qc": {...}}
    overrides: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    transcribe: TranscribeSettings = TranscribeSettings()

    # the folder layout of the README's "Project folder"
    @property
    def file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def footage_dir(self) -> Path:
        return self.root / "footage"

    @property
    def transcripts_dir(self) -> Path:
        return self.root / "transcripts"

    @property
    def subtitles_dir(self) -> Path:
        return self.root / "subtitles"

    @property
    def cut_list(self) -> Path:
        return self.root / "cut.md"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @property
    def missing_consent(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.people if not p.consent)

    def audio_routing(self, clip_id: str) -> AudioRouting:
        return self.audio.get(clip_id, AudioRouting())


class _Reader:
    """Reads typed values out of the parsed TOML, naming file and key in every error."""

    def __init__(self, file: Path, data: Mapping[str, Any]) -> None:
        self.file = file
        self.data = data

    def fail(self, where: str, problem: str) -> ProjectError:
        return ProjectError(f"{self.file}: {where} {problem}")

    def table(self, name: str, *, required: bool) -> Mapping[str, Any]:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.fail(f"[{name}]", f"is missing; add a [{name}] table (see `pipeline init --help`)")
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"[{name}]", "must be a table")
        return value

    def text(
        self, table: Mapping[str, Any], section: str, key: str, *, required: bool, default: str = ""
    ) -> str:
        where = f"[{section}] {key}" if section else key
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(where, f'is missing; add {key} = "..." under [{section}]')
            return default
        if not isinstance(value, str):
            raise self.fail(where, f"must be a quoted string, not {value!r}")
        if required and not value.strip():
            raise self.fail(where, f"is empty; give the {key}")
        return value.strip()

    def integer(self, table: Mapping[str, Any], section: str, key: str, *, default: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"[{section}] {key}", f"must be a whole number >= 0, not {value!r}")
        return value

    def string_list(self, table: Mapping[str, Any], where: str, key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, 'must be a list of quoted strings, e.g. ["a", "b"]')
        return tuple(v.strip() for v in value if v.strip())


def load_project(root: Path | str) -> Project:
    """Load and validate `<root>/project.toml`."""
    root = Path(root)
    file = root / PROJECT_FILE
    if not root.exists():
        raise ProjectError(
            _("{root}: project folder not found; create it with `pipeline init {root} ...`").format(root=root)
        )
    if not root.is_dir():
        raise ProjectError(_("{root}: not a folder; give the path of a project folder").format(root=root))
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ProjectError(
            _("{file}: not found; is {root} a project folder? Create one with `pipeline init`").format(
                file=file, root=root
            )
        ) from None
    except PermissionError:
        raise ProjectError(
            _("{file}: cannot be read (permission denied); check the folder's permissions").format(file=file)
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProjectError(_("{file}: is not UTF-8 text; save it as UTF-8").format(file=file)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(
            _("{file}: invalid TOML ({problem}); fix the syntax").format(file=file, problem=exc)
        ) from None
    return parse_project(root, data)


def parse_project(root: Path, data: Mapping[str, Any]) -> Project:
    r = _Reader(root / PROJECT_FILE, data)
    ep = r.table("episode", required=True)
    week = r.text(ep, "episode", "week", required=False) or None
    if week is not None and not WEEK_RE.match(week):
        raise r.fail("[episode] week", f'= "{week}" is not an ISO week; write it like "2026-W48"')
    episode = Episode(
        series=r.text(ep, "episode", "series", required=False, default="我是党员"),
        number=r.integer(ep, "episode", "number", default=1),
        title=r.text(ep, "episode", "title", required=True),
        week=week,
    )
    sub = r.table("subject", required=True)
    subject = Subject(
        name=r.text(sub, "subject", "name", required=True),
        role=r.text(sub, "subject", "role", required=True),
        unit=r.text(sub, "subject", "unit", required=False),
    )

    people_raw = data.get("people", [])
    if not isinstance(people_raw, list):
        raise r.fail("[[people]]", "must be a list of tables ([[people]] name = ..., consent = true)")
    people = []
    for i, item in enumerate(people_raw, 1):
        where = f"[[people]] #{i}"
        if not isinstance(item, dict):
            raise r.fail(where, "must be a table with name and consent")
        name = r.text(item, f"people #{i}", "name", required=True)
        consent = item.get("consent")
        if not isinstance(consent, bool):
            raise r.fail(f"{where} consent", f"for {name} must be true or false (was consent recorded?)")
        people.append(
            Person(
                name=name,
                consent=consent,
                consent_at=r.text(item, f"people #{i}", "consent_at", required=False),
                consent_by=r.text(item, f"people #{i}", "consent_by", required=False),
                consent_form=r.text(item, f"people #{i}", "consent_form", required=False),
            )
        )

    template = r.text(data, "", "template", required=False, default="first-person")
    platforms = r.string_list(data, "platforms", "platforms") if "platforms" in data else KNOWN_PLATFORMS
    known = available("platforms") or KNOWN_PLATFORMS
    for p in platforms:
        if p not in known:
            raise r.fail("platforms", f'has unknown platform "{p}"; use {", ".join(known)}')

    gl = r.table("glossary", required=False)
    wrong = gl.get("wrong_forms", {})
    if not isinstance(wrong, dict) or not all(isinstance(v, str) for v in wrong.values()):
        raise r.fail("[glossary.wrong_forms]", 'must map each wrong form to the right one: "两为" = "两委"')
    glossary = Glossary(
        terms=r.string_list(gl, "[glossary] terms", "terms"),
        wrong_forms=tuple((k, v) for k, v in wrong.items() if k and v and k != v),
    )

    credits_raw = data.get("credits", [])
    if not isinstance(credits_raw, list):
        raise r.fail("credits", 'must be a list: credits = [{role = "出品", name = "..."}]')
    credits = []
    for i, item in enumerate(credits_raw, 1):
        if not isinstance(item, dict):
            raise r.fail(f"credits #{i}", 'must be {role = "...", name = "..."}')
        credits.append(
            Credit(
                r.text(item, f"credits #{i}", "role", required=True),
                r.text(item, f"credits #{i}", "name", required=True),
            )
        )

    pub = r.table("publish", required=False)
    flags = {}
    for key in ("comments", "comments_fans_only"):
        value = pub.get(key, getattr(PublishSettings(), key))
        if not isinstance(value, bool):
            raise r.fail(f"[publish] {key}", f"must be true or false, not {value!r}")
        flags[key] = value
    publish = PublishSettings(**flags)

    assets_raw = r.table("assets", required=False)
    assets = {}
    for key, value in assets_raw.items():
        if not isinstance(value, str):
            raise r.fail(f"[assets] {key}", "must be a quoted relative path")
        assets[key] = resolve_inside(root, value, what=f"[assets] {key}", allowed_roots=(assets_dir(),))

    audio = {}
    for clip_id, value in r.table("audio", required=False).items():
        where = f"[audio.{clip_id}]"
        if not isinstance(value, dict):
            raise r.fail(where, "must be a table: stream = 1, channel = 2")
        routing = AudioRouting(
            r.integer(value, f"audio.{clip_id}", "stream", default=1),
            r.integer(value, f"audio.{clip_id}", "channel", default=0),
        )
        if routing.stream < 1:
            raise r.fail(f"{where} stream", "counts from 1 (the first audio stream)")
        audio[clip_id] = routing

    overrides = r.table("overrides", required=False)
    transcribe = _transcribe_settings(r)
    return Project(
        root=root.resolve(),
        episode=episode,
        subject=subject,
        people=tuple(people),
        template=template,
        platforms=platforms,
        glossary=glossary,
        credits=tuple(credits),
        publish=publish,
        assets=MappingProxyType(assets),
        audio=MappingProxyType(audio),
        overrides=MappingProxyType(dict(overrides)),
        transcribe=transcribe,
    )


def _transcribe_settings(r: _Reader) -> TranscribeSettings:
    """[transcribe]: model = "small" or a folder path; corrections = true | false."""
    table = r.table("transcribe", required=False)
    unknown = sorted(set(table) - {"model", "corrections"})
    if unknown:
        raise r.fail(f"[transcribe] {unknown[0]}", "is not a setting; use model or corrections")
    corrections = table.get("corrections", True)
    if not isinstance(corrections, bool):
        raise r.fail("[transcribe] corrections", f"must be true or false, not {corrections!r}")
    return TranscribeSettings(
        model=r.text(table, "transcribe", "model", required=False).strip(), corrections=corrections
    )
