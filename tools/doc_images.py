"""Regenerate the guide's pictures, docs/images/*.png, from the real page and the real outputs.

    .venv/bin/python tools/doc_images.py [--demo DIR] [--skip-review] [--skip-frames]

- The review page: the browser tests (tests/review/test_review_browser.py) save screenshots of the
  page at their steps when PIPELINE_DOC_SHOTS names a folder; this script runs them that way (they
  need Debian's Chromium, as the tests do) and keeps review-page, review-flags and review-approved.
- The sample episode: frames of `pipeline demo`'s outputs, taken with ffmpeg at times read from the
  episode's own Timeline: the title card, the lower third and a subtitle from the WeChat version
  (its subtitles are burned in; the web version's are a sidecar file), and the vertical frame of the
  WeChat Channels version at the same moment. `--demo DIR` uses a folder an earlier
  `pipeline demo DIR` made; without it the demo runs first into a temporary folder (about 10 minutes
  on 2 cores).

Every picture is scaled down and reduced to 256 colours (Pillow) so the set stays well under 2 MB.
Nothing here is drawn by hand: rerun the script after a change to the page, a template or a preset.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "docs" / "images"
REVIEW_SHOTS = ("review-page", "review-flags", "review-approved")
SCREENSHOT_WIDTH = 960
FRAME_WIDTH = 800  # landscape frames; the vertical frame is FRAME_WIDTH high
COLOURS = 256


def frame_args(
    video: Path, at_s: float, out: Path, *, width: int | None = None, height: int | None = None
) -> list[str]:
    """ffmpeg arguments for one frame of `video` at `at_s` seconds, scaled to `width` or `height`, as PNG."""
    if (width is None) == (height is None):
        raise ValueError("give exactly one of width and height")
    scale = f"scale={width}:-2" if width is not None else f"scale=-2:{height}"
    return [
        "-y",
        "-ss",
        f"{at_s:.3f}",
        "-i",
        str(video),
        "-frames:v",
        "1",
        "-vf",
        f"{scale}:flags=lanczos",
        "-update",
        "1",
        str(out),
    ]


def frame_times(timeline) -> dict[str, float]:
    """When to take each frame, in seconds of output time, from the episode's Timeline."""
    title = next(shot for shot in timeline.shots if shot.card is not None and shot.card.kind == "title")
    lower = next(overlay for overlay in timeline.overlays if overlay.kind == "lower_third")
    times = {
        "sample-title-card": (title.start_ms + title.duration_ms / 2) / 1000,
        "sample-lower-third": (lower.start_ms + min(lower.duration_ms / 2, 2000)) / 1000,
    }
    lower_end = lower.start_ms + lower.duration_ms
    # a subtitle after the lower third, in a shot of the interview (not a card, not a cutaway)
    for cue in timeline.cues:
        middle = (cue.start_ms + cue.end_ms) // 2
        shot = next(s for s in timeline.shots if s.start_ms <= middle < s.start_ms + s.duration_ms)
        if cue.start_ms > lower_end and shot.source is not None and len(cue.lines) >= 1:
            if len("".join(cue.lines)) >= 8:
                times["sample-subtitles"] = middle / 1000
                break
    times["sample-channels"] = times["sample-subtitles"]
    return times


def optimise(source: Path, target: Path, *, width: int | None = None) -> None:
    """Scale `source` to `width` (if given) and save it as a 256-colour PNG at `target`."""
    with Image.open(source) as image:
        picture = image.convert("RGB")
    if width is not None and picture.width > width:
        picture = picture.resize(
            (width, round(picture.height * width / picture.width)), Image.Resampling.LANCZOS
        )
    picture.quantize(colors=COLOURS).save(target, optimize=True)


def review_shots(work: Path) -> None:
    shots = work / "shots"
    env = dict(os.environ, PIPELINE_DOC_SHOTS=str(shots), PYTHONPATH=str(REPO))
    tests = "tests/review/test_review_browser.py"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", tests, "-k", "approves or flagged"],
        cwd=REPO,
        env=env,
        check=True,
    )
    for name in REVIEW_SHOTS:
        optimise(shots / f"{name}.png", IMAGES / f"{name}.png", width=SCREENSHOT_WIDTH)


def sample_frames(demo: Path, work: Path) -> None:
    sys.path.insert(0, str(REPO))
    from pipeline.edit.compile import compile_timeline
    from pipeline.media.runner import run_ffmpeg
    from pipeline.project.model import load_project

    timeline = compile_timeline(load_project(demo))
    landscape = _one(demo / "exports" / "wechat")  # the WeChat version has its subtitles burned in
    channels = _one(demo / "exports" / "channels")
    for name, at_s in frame_times(timeline).items():
        raw = work / f"{name}.png"
        if name == "sample-channels":
            run_ffmpeg(frame_args(channels, at_s, raw, height=FRAME_WIDTH), outputs=[raw], what=name)
        else:
            run_ffmpeg(frame_args(landscape, at_s, raw, width=FRAME_WIDTH), outputs=[raw], what=name)
        optimise(raw, IMAGES / f"{name}.png")


def _one(folder: Path) -> Path:
    videos = sorted(p for p in folder.glob("*.mp4") if not p.name.endswith("-api.mp4"))
    if not videos:
        sys.exit(f"Error: no video in {folder}; run `pipeline demo` (and render) first")
    return videos[0]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--demo", type=Path, help="a folder made by `pipeline demo DIR` (default: run it now)"
    )
    parser.add_argument(
        "--skip-review", action="store_true", help="keep the review page pictures as they are"
    )
    parser.add_argument("--skip-frames", action="store_true", help="keep the sample frames as they are")
    args = parser.parse_args(argv)
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="doc-images-") as tmp:
        work = Path(tmp)
        if not args.skip_review:
            review_shots(work)
        if not args.skip_frames:
            demo = args.demo
            if demo is None:
                demo = work / "sample"
                subprocess.run(
                    [sys.executable, "-m", "pipeline", "demo", str(demo)],
                    cwd=REPO,
                    env=dict(os.environ, PYTHONPATH=str(REPO)),
                    check=True,
                )
            sample_frames(demo.resolve(), work)
    total = sum(p.stat().st_size for p in IMAGES.glob("*.png"))
    for picture in sorted(IMAGES.glob("*.png")):
        print(f"{picture.relative_to(REPO)}  {picture.stat().st_size // 1024} KB")
    print(f"total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
