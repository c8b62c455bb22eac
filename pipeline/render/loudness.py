"""Two-pass loudness normalisation with ffmpeg's `loudnorm`, kept linear.

Pass 1 measures the programme mix (an audio-only run over the same audio graph: no picture is
decoded). Pass 2, inside the main render, applies `loudnorm` with the measured figures and
`linear=true`: one constant gain, so the mix keeps its dynamics.

`loudnorm` silently switches to dynamic mode (a compressor, and 192 kHz output) when the gain would
push the true peak over the target or the measured loudness range exceeds the target range
(slhck/ffmpeg-normalize#245, #251). So the plan is checked before the render: the target range is
set above the measured one, and when the peaks would be too high a limiter goes in front, the mix
is measured again through it, and the plan says so. The render's stderr is then checked for
`Normalization Type: Linear` on every branch.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_json
from pipeline.render.audio import SAMPLE_RATE
from pipeline.render.filters import f, number
from pipeline.render.platforms import Loudness

DEFAULT_LRA = 11.0  # the target range when the programme's own is smaller (EBU R128 practice)
LRA_HEADROOM = 1.0  # the target range is set this far above the measured one (linear needs >=)
AAC_HEADROOM_DB = 0.5  # AAC encoding raises true peaks by a few tenths of a dB: aim this far below
LIMITER_MARGIN_DB = 1.0  # a sample-peak limiter lets inter-sample peaks through: limit this much lower
MIN_LIMIT_DB = -24.0  # alimiter's lowest ceiling (0.0625)
# loudnorm takes a measured range of 0 as "not measured" and goes dynamic; a steady tone or a
# very even voice can measure 0.0 LU, so the figure passed is at least this
MIN_MEASURED_LRA = 0.1


@dataclass(frozen=True, slots=True)
class Measurement:
    """What loudnorm's first pass reports about the mix."""

    integrated_lufs: float
    true_peak_dbtp: float
    lra_lu: float
    threshold_lufs: float
    target_offset_lu: float = 0.0

    def key(self) -> tuple[float, float, float, float]:
        return (self.integrated_lufs, self.true_peak_dbtp, self.lra_lu, self.threshold_lufs)


@dataclass(frozen=True, slots=True)
class Normalisation:
    """How one loudness target is reached: measurement, optional limiter, the loudnorm settings."""

    target: Loudness
    measurement: Measurement  # of the mix as loudnorm sees it (after the limiter when there is one)
    limit_db: float | None = None  # a limiter ceiling in front of loudnorm, dBFS
    integrated_lufs: float | None = None  # the target actually used, when it had to be lowered
    note: str = ""  # what was done and why, for the report

    @property
    def aimed_lufs(self) -> float:
        return self.integrated_lufs if self.integrated_lufs is not None else self.target.integrated_lufs

    def filters(self) -> tuple[str, ...]:
        m = self.measurement
        steps: list[str] = []
        if self.limit_db is not None:
            steps.append(limiter(self.limit_db))
        steps.append(
            f(
                "loudnorm",
                I=number(self.aimed_lufs),
                TP=number(self.target.true_peak_dbtp),
                LRA=number(target_lra(m)),
                measured_I=number(m.integrated_lufs),
                measured_TP=number(m.true_peak_dbtp),
                measured_LRA=number(max(m.lra_lu, MIN_MEASURED_LRA)),
                measured_thresh=number(m.threshold_lufs),
                offset=number(m.target_offset_lu),
                linear="true",
                print_format="summary",
            )
        )
        # loudnorm works at 192 kHz inside; bring it back so the encoder gets 48 kHz
        steps.append(f("aresample", SAMPLE_RATE))
        return tuple(steps)


def limiter(limit_db: float) -> str:
    return f("alimiter", limit=number(round(10 ** (limit_db / 20), 6)), level="false", attack=5, release=50)


def target_lra(m: Measurement) -> float:
    return min(50.0, max(DEFAULT_LRA, math.ceil(m.lra_lu + LRA_HEADROOM)))


def measure_filter(target: Loudness, limit_db: float | None = None) -> tuple[str, ...]:
    """The pass-1 filters: (limiter,) loudnorm printing its measurement as JSON."""
    steps = [limiter(limit_db)] if limit_db is not None else []
    steps.append(
        f(
            "loudnorm",
            I=number(target.integrated_lufs),
            TP=number(target.true_peak_dbtp),
            LRA=number(DEFAULT_LRA),
            print_format="json",
        )
    )
    return tuple(steps)


def gain_db(m: Measurement, integrated_lufs: float) -> float:
    return integrated_lufs - m.integrated_lufs


def fits_linearly(m: Measurement, target: Loudness, integrated_lufs: float | None = None) -> bool:
    """True when one constant gain reaches the target without pushing peaks over the limit
    (with AAC's headroom), so loudnorm stays linear."""
    aimed = target.integrated_lufs if integrated_lufs is None else integrated_lufs
    return m.true_peak_dbtp + gain_db(m, aimed) <= target.true_peak_dbtp - AAC_HEADROOM_DB


def limiter_ceiling(m: Measurement, target: Loudness) -> float:
    """The sample-peak ceiling that leaves room for the gain to the target."""
    ceiling = target.true_peak_dbtp - AAC_HEADROOM_DB - LIMITER_MARGIN_DB - gain_db(m, target.integrated_lufs)
    return max(MIN_LIMIT_DB, min(0.0, round(ceiling, 1)))


def lowered_target(m: Measurement, target: Loudness) -> float:
    """The loudest integrated level one constant gain can reach without passing the peak limit."""
    return round(m.integrated_lufs + (target.true_peak_dbtp - AAC_HEADROOM_DB - m.true_peak_dbtp), 1)


def plan_normalisation(target: Loudness, measure: Callable[[float | None], Measurement]) -> Normalisation:
    """Decide how to reach `target` linearly. `measure(limit_db)` runs pass 1 (through a limiter
    with that ceiling when not None) and returns loudnorm's figures."""
    m = measure(None)
    if fits_linearly(m, target):
        return Normalisation(target, m)
    ceiling = limiter_ceiling(m, target)
    limited = measure(ceiling)
    gain = gain_db(m, target.integrated_lufs)
    if fits_linearly(limited, target):
        return Normalisation(
            target,
            limited,
            limit_db=ceiling,
            note=_(
                "peaks limited to {ceiling} dBFS before loudness normalisation: a gain of {gain} dB would "
                "have pushed the true peak ({peak} dBTP) over {limit} dBTP"
            ).format(
                ceiling=number(ceiling),
                gain=f"{gain:+.1f}",
                peak=f"{m.true_peak_dbtp:.1f}",
                limit=number(target.true_peak_dbtp),
            ),
        )
    lowered = lowered_target(limited, target)
    return Normalisation(
        target,
        limited,
        limit_db=ceiling,
        integrated_lufs=lowered,
        note=_(
            "loudness target lowered to {lowered} LUFS (preset {preset}): even limited, the peaks leave no "
            "room for more gain in linear mode; lower the music or check for clipping"
        ).format(lowered=number(lowered), preset=number(target.integrated_lufs)),
    )


def parse_measurement(stderr: str, *, what: str = "the programme mix") -> Measurement:
    """The last JSON block loudnorm printed (`print_format=json`)."""
    blocks = re.findall(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr)
    if not blocks:
        raise RenderError(
            _(
                "measuring the loudness of {what}: ffmpeg printed no loudnorm figures; run `pipeline doctor`"
            ).format(what=what)
        )
    try:
        data = json.loads(blocks[-1])
        m = Measurement(
            integrated_lufs=float(data["input_i"]),
            true_peak_dbtp=float(data["input_tp"]),
            lra_lu=float(data["input_lra"]),
            threshold_lufs=float(data["input_thresh"]),
            target_offset_lu=float(data.get("target_offset", 0.0)),
        )
    except (ValueError, KeyError) as exc:
        raise RenderError(
            _("measuring the loudness of {what}: unreadable loudnorm figures ({reason})").format(
                what=what, reason=exc
            )
        ) from None
    if not math.isfinite(m.integrated_lufs) or m.integrated_lufs <= -70.0:
        raise RenderError(
            _("{what} is silent (loudness {lufs} LUFS); check the narration clips and the cut list").format(
                what=what, lufs=data["input_i"]
            )
        )
    return m


def normalisation_types(stderr: str) -> tuple[str, ...]:
    """Every `Normalization Type:` loudnorm reported in a run (print_format=summary), lower case."""
    return tuple(t.lower() for t in re.findall(r"Normalization Type:\s*(\w+)", stderr))


def check_linear(stderr: str, expected: int, *, what: str) -> None:
    """Raise when a loudnorm branch of the render went dynamic (or did not report)."""
    kinds = normalisation_types(stderr)
    if len(kinds) < expected:
        raise RenderError(
            _("{what}: loudnorm reported {found} of {expected} summaries; run `pipeline doctor`").format(
                what=what, found=len(kinds), expected=expected
            )
        )
    dynamic = [k for k in kinds if k != "linear"]
    if dynamic:
        raise RenderError(
            _(
                "{what}: loudness normalisation fell back to {mode} mode; the mix is too peaky for its "
                "target. Lower the music or narration gain, or the preset's integrated_lufs"
            ).format(what=what, mode=dynamic[0])
        )


@dataclass(frozen=True, slots=True)
class CachedMeasurement:
    """Pass-1 results are kept in .cache/loudness/<key>.json, keyed by the audio graph's arguments."""

    path: Path

    def load(self) -> Measurement | None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return Measurement(**data)
        except (OSError, ValueError, TypeError):
            return None

    def save(self, m: Measurement) -> None:
        atomic_write_json(self.path, asdict(m))
