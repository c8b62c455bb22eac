"""Times as people write them in the cut list and on the command line, converted to integer ms.

`00:01.20` (minutes:seconds.centiseconds; a third decimal is kept when given, hours are optional)
is the cut list's clock; `4m`, `3m30s`, `240s`, `240` are durations for `--target`; `3:05` is
how lengths appear in messages.
"""

from __future__ import annotations

import re

CLOCK_RE = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,3}):(?P<s>\d{2})(?:\.(?P<frac>\d{1,3}))?$")
DURATION_RE = re.compile(r"^(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s?)?$")


def format_clock(ms: int) -> str:
    """`00:01.20`; three decimals only when the time is not a whole number of centiseconds."""
    if ms < 0:
        raise ValueError(f"negative time {ms}")
    minutes, rest = divmod(ms, 60_000)
    seconds, millis = divmod(rest, 1000)
    frac = f"{millis // 10:02d}" if millis % 10 == 0 else f"{millis:03d}"
    return f"{minutes:02d}:{seconds:02d}.{frac}"


def parse_clock(text: str) -> int | None:
    """The inverse of `format_clock` (also `1:02:03.5`); None when `text` is not a clock time."""
    match = CLOCK_RE.match(text.strip())
    if not match:
        return None
    seconds = int(match["s"])
    if seconds >= 60 or (match["h"] is not None and int(match["m"]) >= 60):
        return None
    frac = match["frac"] or "0"
    millis = int(frac.ljust(3, "0"))
    hours = int(match["h"] or 0)
    return ((hours * 60 + int(match["m"])) * 60 + seconds) * 1000 + millis


def parse_duration(text: str) -> int | None:
    """`4m`, `3m30s`, `240s`, `240`, `3.5m` or `4:00` in ms; None when it is none of these."""
    text = text.strip().lower().replace(" ", "")
    if not text:
        return None
    if ":" in text:
        match = re.match(r"^(\d+):(\d{2})$", text)
        if not match or int(match[2]) >= 60:
            return None
        return (int(match[1]) * 60 + int(match[2])) * 1000
    match = DURATION_RE.match(text)
    if not match or (match["m"] is None and match["s"] is None):
        return None
    minutes = float(match["m"] or 0)
    seconds = float(match["s"] or 0)
    return round((minutes * 60 + seconds) * 1000)


def format_length(ms: int) -> str:
    """A length for messages, to the second: `2:41`, `1:02:03`."""
    total = round(ms / 1000)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"
