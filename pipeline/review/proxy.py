"""Low-resolution proxies of interview clips, for the review page's video player.

Camera originals (1080i AVCHD, HEVC from phones, PCM audio in .MOV) are heavy or unplayable in a
browser, so the page plays `.cache/proxy/<clip_id>.mp4`: H.264 baseline + AAC, at most 640x360
(360x640 for upright pictures), deinterlaced, a keyframe every second (seeking lands quickly),
`+faststart` (playback starts before the file is read to the end). ffmpeg applies the rotation
matrix while decoding, so a phone held upright comes out upright; anamorphic pictures (1440x1080 at
SAR 4:3) are sized by their display aspect, and HDR phone clips tone-mapped to SDR BT.709 as in the
render, so the producer sees the colours the programme will have.

Timestamps keep their origin: the proxy starts at 0 exactly as the speech audio extracted at
ingest does, so subtitle times (source time) line up with the proxy's.

A proxy is derived data: a sidecar `<clip_id>.json` records the source checksum and the recipe,
and a proxy made from something else is made again.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pipeline.errors import PipelineError
from pipeline.i18n import _
from pipeline.media.channels import pan_filter
from pipeline.media.probe import MediaFacts
from pipeline.media.runner import run_ffmpeg
from pipeline.project.files import atomic_output, atomic_write_json
from pipeline.project.footage import Clip, find_clip
from pipeline.project.model import AudioRouting, Project, load_project
from pipeline.render.colour import BT709_TAGS, encoder_tags, hdr_to_sdr, is_hdr, scale_colour_options
from pipeline.render.filters import f

PROXY_BOX = (640, 360)  # landscape; upright pictures get the same box turned
RECIPE = "h264-baseline-640x360-crf28-aac64k-mono-bt709-v2"  # change when proxy_args changes meaningfully


def proxy_path(project: Project, clip_id: str) -> Path:
    return project.cache_dir / "proxy" / f"{clip_id}.mp4"


def _stamp_path(project: Project, clip_id: str) -> Path:
    return project.cache_dir / "proxy" / f"{clip_id}.json"


def proxy_size(display_size: tuple[int, int]) -> tuple[int, int]:
    """The proxy's picture size: the display size shrunk (never enlarged) into the box, even numbers."""
    width, height = display_size
    box_w, box_h = PROXY_BOX if width >= height else PROXY_BOX[::-1]
    scale = min(1.0, box_w / width, box_h / height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def proxy_args(
    source: Path, target: Path, facts: MediaFacts, routing: AudioRouting | None = None
) -> list[str]:
    """The ffmpeg arguments that turn `source` into the proxy at `target` (pure: tested without ffmpeg).
    `routing`: the speech's audio stream and channel (project.toml [audio.<clip id>])."""
    routing = routing or AudioRouting()
    args = ["-y", "-i", str(source), "-map_metadata", "-1", "-sn", "-dn"]
    if facts.video is not None:
        width, height = proxy_size(facts.video.display_size)
        steps = ["bwdif=mode=send_frame"] if facts.video.interlaced else []
        steps.append(f("scale", width, height, **scale_colour_options(facts.video)))
        if is_hdr(facts.video):
            steps += hdr_to_sdr(facts.video)
        steps += ["setsar=1", "format=yuv420p", BT709_TAGS]
        args += [
            "-map",
            "0:v:0",
            "-vf",
            ",".join(steps),
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-preset",
            "veryfast",
            "-crf",
            "28",
            "-force_key_frames",
            "expr:gte(t,n_forced*1)",
            *encoder_tags(),
        ]
    else:
        args += ["-vn"]
    streams = facts.audio_streams or ((facts.audio,) if facts.audio is not None else ())
    if facts.audio is not None and routing.stream <= len(streams):
        channels = streams[routing.stream - 1].channels
        args += ["-map", f"0:a:{routing.stream - 1}"]
        if channels > 1:
            args += ["-af", pan_filter(channels, min(routing.channel, channels))]
        args += ["-c:a", "aac", "-b:a", "64k", "-ac", "1", "-ar", "48000"]
    else:
        args += ["-an"]
    return [*args, "-movflags", "+faststart", "-f", "mp4", str(target)]


def _recipe(project: Project, clip: Clip) -> str:
    routing = project.audio_routing(clip.clip_id)
    return RECIPE if routing.is_default else f"{RECIPE}-s{routing.stream}c{routing.channel}"


def proxy_is_current(project: Project, clip: Clip) -> bool:
    """True when the proxy exists and was made from this clip's content with this recipe."""
    if not proxy_path(project, clip.clip_id).exists():
        return False
    try:
        stamp = json.loads(_stamp_path(project, clip.clip_id).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("source_sha256") == clip.sha256
        and stamp.get("recipe") == _recipe(project, clip)
    )


def make_proxy(project: Project, clip: Clip, progress: Callable[[int], None] | None = None) -> Path:
    """Make (or re-make) the clip's proxy unless it is current; written under a temp name, then renamed."""
    target = proxy_path(project, clip.clip_id)
    if proxy_is_current(project, clip):
        return target
    with atomic_output(target) as tmp:
        run_ffmpeg(
            proxy_args(clip.path(project), tmp, clip.facts, project.audio_routing(clip.clip_id)),
            outputs=[tmp],
            progress=progress,
            what=_("making the review proxy of {clip}").format(clip=clip.clip_id),
        )
    atomic_write_json(
        _stamp_path(project, clip.clip_id), {"source_sha256": clip.sha256, "recipe": _recipe(project, clip)}
    )
    return target


# ---- making proxies in the background while the producer reads ---------------------------------

ProxyStage = Literal["ready", "queued", "making", "failed"]
READY: Final = "ready"
QUEUED: Final = "queued"
MAKING: Final = "making"
FAILED: Final = "failed"


@dataclass(frozen=True, slots=True)
class ProxyState:
    state: ProxyStage
    done_ms: int = 0  # how far the encoder got (making)
    total_ms: int = 0
    message: str = ""  # why it failed


class ProxyMaker:
    """One background worker making proxies one at a time (an office PC has few cores).

    `want` answers at once: "ready" when the proxy is current, otherwise it queues the clip
    (first in line when `urgent`: the clip on screen) and says how far it has got.
    """

    def __init__(self, project_root: Path) -> None:
        self._root = project_root
        self._lock = threading.Condition()
        self._queue: list[str] = []
        self._states: dict[str, ProxyState] = {}
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="review-proxies", daemon=True)
        self._thread.start()

    def want(self, project: Project, clip: Clip, urgent: bool = False) -> ProxyState:
        with self._lock:
            state = self._states.get(clip.clip_id)
            if state is not None and state.state in (MAKING, FAILED):
                return state
            if state is None or state.state == READY:
                if proxy_is_current(project, clip):
                    self._states[clip.clip_id] = ProxyState(READY)
                    return self._states[clip.clip_id]
                state = ProxyState(QUEUED, total_ms=clip.facts.duration_ms)
                self._states[clip.clip_id] = state
            if urgent:
                if clip.clip_id in self._queue:
                    self._queue.remove(clip.clip_id)
                self._queue.insert(0, clip.clip_id)
            elif clip.clip_id not in self._queue:
                self._queue.append(clip.clip_id)
            self._lock.notify()
            return state

    def close(self, timeout: float = 10.0) -> None:
        """Stop: the proxy being made is abandoned (ffmpeg stopped, its partial file removed)."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            self._lock.notify()
        self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                clip_id = self._queue.pop(0)
                total = self._states[clip_id].total_ms
                self._states[clip_id] = ProxyState(MAKING, 0, total)
            try:
                project = load_project(self._root)
                make_proxy(
                    project,
                    find_clip(project, clip_id),
                    progress=functools.partial(self._progress, clip_id),
                )
                outcome = ProxyState(READY)
            except PipelineError as exc:
                outcome = ProxyState(FAILED, message=str(exc))
            except OSError as exc:
                outcome = ProxyState(
                    FAILED,
                    message=_("{problem}; check the disk space of the project folder").format(
                        problem=exc.strerror or exc
                    ),
                )
            with self._lock:
                self._states[clip_id] = outcome

    def _progress(self, clip_id: str, done_ms: int) -> None:
        with self._lock:
            if self._closed:
                # run_ffmpeg stops ffmpeg and removes the partial output on KeyboardInterrupt: raised
                # from the progress callback, it is how an encode is abandoned from this thread
                raise KeyboardInterrupt
            state = self._states[clip_id]
            self._states[clip_id] = ProxyState(MAKING, min(done_ms, state.total_ms), state.total_ms)
