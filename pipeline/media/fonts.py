"""Finding the CJK font: subtitles and cards need "Noto Sans CJK SC" by name (fontconfig would
otherwise fall back to the JP variant, whose glyph shapes differ for many hanzi)."""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.i18n import _
from pipeline.media.ffmpeg_bin import child_environment

CJK_FAMILY = "Noto Sans CJK SC"
SEARCH_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
CANDIDATE_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf")
BOLD_FILES = ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf")


@dataclass(frozen=True, slots=True)
class CjkFont:
    family: str
    regular: Path
    bold: Path  # the regular face when no bold is installed
    # index of the SC face inside a .ttc collection (for Pillow's `index=`)
    regular_index: int = 0
    bold_index: int = 0

    @property
    def folder(self) -> Path:
        """Passed to libass as `fontsdir` so burn-in never depends on the system's font config."""
        return self.regular.parent


@functools.cache
def find_cjk_font() -> CjkFont:
    regular = _locate(CANDIDATE_FILES)
    if regular is None:
        raise PipelineError(
            _(
                'the font "{CJK_FAMILY}" is not installed; run `bash setup.sh` (or `apt-get install fonts-noto-cjk`), then `pipeline doctor`'
            ).format(CJK_FAMILY=CJK_FAMILY)
        )
    bold = _locate(BOLD_FILES) or regular
    return CjkFont(CJK_FAMILY, regular, bold, _sc_index(regular), _sc_index(bold))


def _locate(names: tuple[str, ...]) -> Path | None:
    matched = _fc_match(names)
    if matched:
        return matched
    for folder in SEARCH_DIRS:
        if not folder.is_dir():
            continue
        for name in names:
            hit = next(folder.rglob(name), None)
            if hit:
                return hit
    return None


def _fc_match(names: tuple[str, ...]) -> Path | None:
    if not shutil.which("fc-match"):
        return None
    style = "Bold" if "Bold" in names[0] else "Regular"
    out = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{family}", f"{CJK_FAMILY}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
        env=child_environment(),
    ).stdout.splitlines()
    if len(out) >= 2 and CJK_FAMILY in out[1] and Path(out[0]).name in names:
        return Path(out[0])
    return None


def _sc_index(path: Path) -> int:
    """The face index of the SC variant in a collection (Pillow otherwise opens face 0, the JP one)."""
    if path.suffix.lower() != ".ttc":
        return 0
    from PIL import ImageFont

    for index in range(16):
        try:
            face = ImageFont.truetype(str(path), size=12, index=index)
        except OSError:
            break
        if face.getname()[0] == CJK_FAMILY:
            return index
    return 0
