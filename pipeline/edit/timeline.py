"""The Timeline: the whole episode as pure data, in output time (integer milliseconds).

This is the contract between the edit stage (which compiles project + template + cut list into a
Timeline) and the render stage (which compiles a Timeline + a platform preset into ffmpeg
arguments). It is platform-independent: cards and lower thirds are described by their text and
drawn by the render stage at each output's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from pipeline.subtitles.cue import Cue

CardKind = Literal["title", "credits"]
OverlayKind = Literal["lower_third"]


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """A piece of one ingested clip, in that clip's own (source) time."""

    clip_id: str
    path: Path  # absolute path of the footage file
    in_ms: int
    out_ms: int

    @property
    def duration_ms(self) -> int:
        return self.out_ms - self.in_ms


@dataclass(frozen=True, slots=True)
class Card:
    """A full-frame graphic: the intro title card or the outro credits card."""

    kind: CardKind
    lines: tuple[str, ...]  # title card: (series, episode title[, subject line]); credits: "出品  XX" lines


@dataclass(frozen=True, slots=True)
class Shot:
    """One piece of the picture track. Exactly one of `source` and `card` is set."""

    start_ms: int
    duration_ms: int
    source: SourceSpan | None = None
    card: Card | None = None
    transition_ms: int = 0  # crossfade from the previous shot (0: hard cut)

    def __post_init__(self) -> None:
        if (self.source is None) == (self.card is None):
            raise ValueError(
                f"a shot shows exactly one of footage and a card (shot at {self.start_ms} ms has "
                f"{'both' if self.source is not None else 'neither'})"
            )

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms


@dataclass(frozen=True, slots=True)
class AudioPiece:
    """Narration (or other programme sound) placed at `start_ms` of the output."""

    start_ms: int
    source: SourceSpan
    gain_db: float = 0.0

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.source.duration_ms


@dataclass(frozen=True, slots=True)
class Overlay:
    """A graphic over the picture, e.g. the lower third with the subject's name and role."""

    kind: OverlayKind
    start_ms: int
    duration_ms: int
    lines: tuple[str, ...]  # (name, role)
    fade_ms: int = 300


@dataclass(frozen=True, slots=True)
class MusicBed:
    path: Path
    start_ms: int
    end_ms: int
    gain_db: float = -18.0  # level of the bed under the programme
    duck: bool = True  # sidechain-compressed under speech
    fade_ms: int = 1500


@dataclass(frozen=True, slots=True)
class Style:
    """Look of graphics and subtitles, from the template (and the project's overrides)."""

    font: str = "Noto Sans CJK SC"
    text_colour: str = "#FFFFFF"
    accent_colour: str = "#C8161D"  # party red
    background_colour: str = "#1A1A1A"
    logo: Path | None = None


@dataclass(frozen=True, slots=True)
class Timeline:
    duration_ms: int
    fps: Fraction
    shots: tuple[Shot, ...]  # contiguous, in order, covering [0, duration_ms)
    audio: tuple[AudioPiece, ...]  # narration, in output time
    overlays: tuple[Overlay, ...] = ()
    music: MusicBed | None = None
    cues: tuple[Cue, ...] = ()  # approved subtitles re-timed to output time
    style: Style = Style()
    title: str = ""  # episode title, for metadata and covers
    # (clip id, audio stream, channel): the speech of clips not using the default (stream 1, all
    # channels mixed), from project.toml's [audio.<clip id>]; both 1-based, channel 0 = mixed
    audio_routing: tuple[tuple[str, int, int], ...] = ()

    def routing_of(self, clip_id: str) -> tuple[int, int]:
        for routed, stream, channel in self.audio_routing:
            if routed == clip_id:
                return stream, channel
        return 1, 0
