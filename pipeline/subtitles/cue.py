"""The one cue model: integer milliseconds, text as lines.

srt's timedelta, Whisper's float seconds and ASS centiseconds are converted only at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The lines joined with newlines (the shape SRT stores)."""
        return "\n".join(self.lines)

    @property
    def flat(self) -> str:
        """The text without line breaks (what was said)."""
        return "".join(self.lines)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def shifted(self, delta_ms: int) -> Cue:
        return replace(self, start_ms=self.start_ms + delta_ms, end_ms=self.end_ms + delta_ms)

    def with_lines(self, lines: tuple[str, ...]) -> Cue:
        return replace(self, lines=lines)

    def with_times(self, start_ms: int, end_ms: int) -> Cue:
        return replace(self, start_ms=start_ms, end_ms=end_ms)

    @classmethod
    def from_text(cls, start_ms: int, end_ms: int, text: str) -> Cue:
        return cls(
            start_ms, end_ms, tuple(line.strip() for line in text.strip().splitlines() if line.strip())
        )
