"""`pipeline doctor`: is this machine ready to make episodes? Each check says what to do if not."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.i18n import _
from pipeline.media.ffmpeg_bin import ffmpeg_exe, ffmpeg_lists, ffmpeg_version
from pipeline.media.fonts import find_cjk_font
from pipeline.project.model import load_project

MIN_FREE_GB = 5.0  # a 4-minute episode with three platforms and its cache needs about 2 GB


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found, or what to do when not ok
    required: bool = True


def check_ffmpeg() -> list[Check]:
    try:
        exe = ffmpeg_exe()
        buildconf, encoders, filters = ffmpeg_lists()
    except (PipelineError, OSError) as exc:
        return [Check("ffmpeg", False, _("{problem}; run `bash setup.sh`").format(problem=exc))]
    checks = [Check("ffmpeg", True, f"{ffmpeg_version()} ({exe})")]
    wants = (
        ("libx264", " libx264 " in encoders, _("H.264 encoder")),
        ("libass", "--enable-libass" in buildconf and " subtitles " in filters, _("subtitle burn-in")),
        ("loudnorm", " loudnorm " in filters, _("loudness normalisation")),
        ("ebur128", " ebur128 " in filters, _("loudness measurement")),
    )
    for name, present, purpose in wants:
        fix = (
            _("found")
            if present
            else _(
                "missing ({purpose}); use the bundled ffmpeg (unset PIPELINE_FFMPEG) or a build with {name}"
            ).format(purpose=purpose, name=name)
        )
        checks.append(Check(f"ffmpeg {name}", present, fix))
    return checks


def check_pyav() -> Check:
    try:
        import av
    except ImportError:
        return Check("PyAV", False, _("not installed; run `bash setup.sh`"))
    return Check("PyAV", True, av.__version__)


def check_font() -> Check:
    try:
        font = find_cjk_font()
    except PipelineError as exc:
        return Check(_("CJK font"), False, str(exc))
    return Check(_("CJK font"), True, f"{font.family}: {font.regular}")


def check_model(project_dir: Path | None = None) -> Check:
    """The active speech model: [transcribe] model in the project's project.toml, else base."""
    try:
        from pipeline.transcribe.models import model_status
        from pipeline.transcribe.step import DEFAULT_MODEL, model_spec
    except ImportError:  # transcription not installed in this build
        return Check(_("speech model"), False, _("transcription module missing; reinstall the pipeline"))
    spec, origin = DEFAULT_MODEL, _("default")
    if project_dir is not None and (project_dir / "project.toml").is_file():
        try:
            project = load_project(project_dir)
        except PipelineError as exc:
            return Check(_("speech model"), False, str(exc))
        if project.transcribe.model:
            spec, origin = model_spec(project), "project.toml"
    try:
        return Check(
            _("speech model"),
            True,
            _("active ({origin}): {status}").format(origin=origin, status=model_status(spec)),
        )
    except PipelineError as exc:
        return Check(_("speech model"), False, str(exc))


def check_disk(folder: Path) -> Check:
    target = folder if folder.exists() else Path.cwd()
    free_gb = shutil.disk_usage(target).free / 1e9
    ok = free_gb >= MIN_FREE_GB
    if ok:
        detail = _("{free:.1f} GB free in {folder}").format(free=free_gb, folder=target)
    else:
        detail = _(
            "{free:.1f} GB free in {folder}; free at least {needed:.0f} GB (renders and caches need room)"
        ).format(free=free_gb, folder=target, needed=MIN_FREE_GB)
    return Check(_("disk space"), ok, detail)


def run_checks(project_dir: Path | None = None) -> list[Check]:
    steps: list[Callable[[], Check | list[Check]]] = [
        check_ffmpeg,
        check_pyav,
        check_font,
        lambda: check_model(project_dir),
        lambda: check_disk(project_dir or Path.cwd()),
    ]
    results: list[Check] = []
    for step in steps:
        got = step()
        results.extend(got if isinstance(got, list) else [got])
    return results
