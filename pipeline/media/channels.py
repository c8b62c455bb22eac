"""Which sound is the speech: channel picking, downmixes, and the checks ingest warns with.

Interview cameras with two XLR inputs record the lavalier on channel 1 and the camera microphone
(or a second speaker) on channel 2; camcorders record 5.1 AC-3 with the voice in the centre. The
speech is one channel chosen by the editor (`--audio-channel N`), or by default the stream's
channels mixed to mono:

- mono, stereo, anything but 5.1: every channel at equal weight (their average);
- 5.1 (`5.1` and `5.1(side)` share the channel order FL FR FC LFE SL/BL SR/BR): the ITU-R BS.775
  stereo downmix with the centre at full level instead of -3 dB (it carries the voice), the
  surrounds at -3 dB and the LFE left out, Lo = FL + FC + 0.707 SL, Ro = FR + FC + 0.707 SR; the
  mono speech mix is (Lo + Ro) / 2. ffmpeg's default downmix puts the centre at -3 dB below the
  fronts and then normalises the sum, so the voice came out low.

Loudness is normalised after the mix, so only the balance between channels matters here.
All functions building ffmpeg text are pure; `channel_warnings` runs one bounded decode.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import MediaError
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts
from pipeline.media.runner import run_ffmpeg

SURROUND = 0.707  # -3 dB, ITU-R BS.775
EXCERPT_S = 60  # the channel check decodes at most this much, from the start
EXCERPT_RATE = 8000  # speech band is enough to compare channels
SILENT_DBFS = -50.0  # a channel this quiet while another is 20 dB louder is "near-silent"
SILENT_GAP_DB = 20.0
SEPARATE_MICS_CORRELATION = 0.5  # below this, two channels with signal are not one stereo pair


def mono_weights(channels: int, channel: int = 0) -> list[float]:
    """The weight of each input channel in the mono speech signal (`channel` 1-based, 0 = all)."""
    if channel:
        return [1.0 if i == channel - 1 else 0.0 for i in range(channels)]
    if channels == 6:
        # (Lo + Ro) / 2 with Lo = FL + FC + 0.707 SL, Ro = FR + FC + 0.707 SR
        return [0.5, 0.5, 1.0, 0.0, SURROUND / 2, SURROUND / 2]
    return [1.0 / channels] * channels


def _sum(weights: list[float]) -> str:
    terms = [f"{w:.4g}*c{i}" if w != 1 else f"c{i}" for i, w in enumerate(weights) if w]
    return "+".join(terms) or "0*c0"


def pan_filter(channels: int, channel: int = 0, *, layout: str = "mono") -> str:
    """The `pan` filter that makes the speech signal: `mono`, or the same mono signal on both sides
    of a `stereo` layout (dialogue sits in the centre of the programme mix)."""
    if channel > channels:
        raise ValueError(
            _("channel {channel} of a {channels}-channel stream").format(channel=channel, channels=channels)
        )
    mix = _sum(mono_weights(channels, channel))
    if layout == "mono":
        return f"pan=mono|c0={mix}"
    return f"pan=stereo|c0={mix}|c1={mix}"


def check_choice(path: Path, facts: MediaFacts, stream: int, channel: int) -> None:
    """Refuse a stream or channel the file does not have, naming what it has."""
    streams = facts.audio_streams
    if stream > len(streams):
        raise MediaError(
            _(
                "{path}: has {n_streams} audio stream(s), so --audio-stream {stream} does not exist; choose one from 1 to the count shown"
            ).format(path=path, n_streams=len(streams), stream=stream)
        )
    channels = streams[stream - 1].channels
    if channel > channels:
        raise MediaError(
            _(
                "{path}: audio stream {stream} has {channels} channel(s), so --audio-channel {channel} does not exist; choose one from 1 to the count shown"
            ).format(path=path, stream=stream, channels=channels, channel=channel)
        )


def excerpt_args(path: Path, stream: int, target: Path) -> list[str]:
    """Decode at most EXCERPT_S of audio stream `stream` (1-based) to raw float32 at 8 kHz, channels
    kept apart (pure)."""
    return [
        "-y",
        "-t",
        str(EXCERPT_S),
        "-i",
        str(path),
        "-map",
        f"0:a:{stream - 1}",
        "-vn",
        "-ar",
        str(EXCERPT_RATE),
        "-c:a",
        "pcm_f32le",
        "-f",
        "f32le",
        str(target),
    ]


@dataclass(frozen=True, slots=True)
class ChannelLevels:
    rms_dbfs: tuple[float, ...]
    correlation: float | None  # of channels 1 and 2 when both carry signal


def measure_channels(samples: np.ndarray) -> ChannelLevels:
    """Per-channel RMS level and the correlation of the first two (interleaved float32, shape n x ch)."""
    rms = np.sqrt(np.mean(np.square(samples, dtype=np.float64), axis=0))
    levels = tuple(float(20 * np.log10(max(r, 1e-9))) for r in rms)
    correlation = None
    if samples.shape[1] >= 2 and min(levels[:2]) > SILENT_DBFS:
        left, right = samples[:, 0], samples[:, 1]
        correlation = float(np.corrcoef(left, right)[0, 1])
    return ChannelLevels(levels, correlation)


def levels_warnings(name: str, levels: ChannelLevels, stream: int, clip_id: str) -> list[str]:
    """What the editor should look at, naming the flag (and the project.toml table) that fixes it."""
    warnings = []
    loudest = max(levels.rms_dbfs)
    if len(levels.rms_dbfs) >= 2:
        for i, level in enumerate(levels.rms_dbfs, 1):
            if level < SILENT_DBFS and loudest - level > SILENT_GAP_DB:
                warnings.append(
                    _(
                        "{name}: channel {channel} of audio stream {stream} is near-silent ({level:.0f} dBFS) "
                        "and is mixed into the speech; to use one channel, ingest with --audio-channel N "
                        "(or set [audio.{clip_id}] channel = N in project.toml)"
                    ).format(name=name, channel=i, stream=stream, level=level, clip_id=clip_id)
                )
    if levels.correlation is not None and levels.correlation < SEPARATE_MICS_CORRELATION:
        warnings.append(
            _(
                "{name}: channels 1 and 2 of audio stream {stream} look like separate microphones "
                "(correlation {correlation:.2f}); to use one channel, ingest with --audio-channel N "
                "(or set [audio.{clip_id}] channel = N in project.toml)"
            ).format(name=name, stream=stream, correlation=levels.correlation, clip_id=clip_id)
        )
    return warnings


def channel_warnings(
    path: Path, facts: MediaFacts, stream: int, clip_id: str, scratch: Path, name: str = ""
) -> list[str]:
    """Decode a bounded excerpt of the chosen stream and check its channels (mono: nothing to check).
    `name`: how the warnings name the file (default its file name)."""
    if stream > len(facts.audio_streams) or facts.audio_streams[stream - 1].channels < 2:
        return []
    channels = facts.audio_streams[stream - 1].channels
    scratch.parent.mkdir(parents=True, exist_ok=True)
    try:
        run_ffmpeg(
            excerpt_args(path, stream, scratch),
            outputs=[scratch],
            what=_("checking the channels of {file}").format(file=path.name),
        )
        samples = np.fromfile(scratch, dtype="<f4")
    finally:
        if scratch.exists():
            os.unlink(scratch)
    usable = len(samples) // channels * channels
    if usable == 0:
        return []
    return levels_warnings(
        name or path.name, measure_channels(samples[:usable].reshape(-1, channels)), stream, clip_id
    )
