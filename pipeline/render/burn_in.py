"""The burn-in subtitles: one ASS file per preset that burns them in, laid out by its QC profile."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.edit.timeline import Timeline
from pipeline.presets import project_overrides
from pipeline.project.digest import content_key
from pipeline.project.files import atomic_write_text
from pipeline.project.model import Project
from pipeline.render import fingerprint
from pipeline.render.ass import ass_document, laid_out, subtitle_look
from pipeline.render.platforms import PlatformPreset
from pipeline.subtitles.profile import load_qc_profile


def burn_in_files(
    project: Project, timeline: Timeline, presets: Sequence[PlatformPreset], cache: Path
) -> dict[str, Path]:
    """The ASS file each burn-in preset shows, laid out by its QC profile (16 x 2, or 13 x 1 vertical).

    Cached by what shapes it (cues, layout limits, glossary terms, look): laying text out loads a
    word segmenter, which would cost a second on every up-to-date rerun."""
    files: dict[str, Path] = {}
    if not timeline.cues:
        return files
    for preset in presets:
        layout = preset.subtitles
        if not layout.burn_in:
            continue
        profile = load_qc_profile(
            layout.qc_profile, project_overrides(project.overrides, "qc", layout.qc_profile)
        )
        look = subtitle_look(layout, preset.picture.width, preset.picture.height, timeline.style)
        terms = project.glossary.terms
        key = content_key(
            {
                "cues": timeline.cues,
                "chars": profile.max_chars_per_line,
                "lines": profile.max_lines,
                "gap": profile.min_gap_ms,
                "terms": terms,
                "look": look,
                "duration": timeline.duration_ms,
                "tools": fingerprint.tool_versions(project.root).pipeline,
            }
        )[:16]
        path = cache / f"subtitles-{key}.ass"
        if not path.exists():
            cues = laid_out(
                timeline.cues,
                profile.max_chars_per_line,
                profile.max_lines,
                gap_ms=profile.min_gap_ms,
                keep_together=terms,
            )
            atomic_write_text(path, ass_document(cues, look, duration_ms=timeline.duration_ms))
        files[preset.name] = path
    return files
