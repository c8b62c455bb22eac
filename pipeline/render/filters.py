"""A small pure builder for ffmpeg `-filter_complex` graphs and their inputs.

Why not ffmpeg-python: its automatic labels (`s0`, `s1`, ...) make golden argument lists unreadable,
and its argument escaping has tripped many users (kkroening/ffmpeg-python#124, #646: `:` escaped
twice). Here every pad has a readable name (`[seg3]`, `[prog]`, `[web_v]`) and values are escaped
exactly as ffmpeg's two parsing levels expect ("Notes on filtergraph escaping" in ffmpeg-filters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

# level 1: characters special inside one filter's `key=value:key=value` argument string
_OPTION_SPECIAL = "\\':"
# level 2: characters special in the filtergraph description around the filter's arguments
_GRAPH_SPECIAL = "\\'[],;"


def escape_value(value: object) -> str:
    """`value` written so that it reaches the filter exactly as given (paths, free text)."""
    text = str(value)
    for char in _OPTION_SPECIAL:
        text = text.replace(char, "\\" + char)
    escaped = "".join("\\" + c if c in _GRAPH_SPECIAL else c for c in text)
    return escaped


def number(value: float | int | Fraction) -> str:
    """A number as ffmpeg reads it, without float noise: 4 -> "4", 0.3 -> "0.3", 1/3 -> "0.333333"."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    if isinstance(value, int):
        return str(value)
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def seconds(ms: int) -> str:
    """Integer milliseconds as ffmpeg seconds: 12345 -> "12.345"."""
    return number(Fraction(ms, 1000))


def rate(fps: Fraction) -> str:
    """A frame rate as ffmpeg writes it: 25 -> "25", 30000/1001 -> "30000/1001"."""
    return str(fps.numerator) if fps.denominator == 1 else f"{fps.numerator}/{fps.denominator}"


def f(name: str, *positional: object, **options: object) -> str:
    """One filter: `f("scale", w=1920, h=1080)` -> "scale=w=1920:h=1080".

    Option values are used as written (expressions, numbers); wrap free text and paths in `text()`.
    Options whose value is None are left out.
    """
    parts = [str(p) for p in positional]
    parts += [f"{key}={value}" for key, value in options.items() if value is not None]
    return f"{name}={':'.join(parts)}" if parts else name


def text(value: object) -> str:
    """Mark a filter option value as literal text (a path): escaped for both parsing levels."""
    return escape_value(value)


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One `-i`: the options placed before it (seeking, looping) and the file."""

    path: Path
    options: tuple[str, ...] = ()

    def args(self) -> list[str]:
        return [*self.options, "-i", str(self.path)]


class FilterGraph:
    """Collects inputs and labelled filter chains; `args()` gives `-i ... -filter_complex ...`.

    Building is done by the compile functions of the render stage; the object only keeps names
    unique and the text in order, so the same Timeline always gives the same arguments.
    """

    def __init__(self) -> None:
        self._inputs: list[InputSpec] = []
        self._sections: list[list[str]] = [[]]
        self._used: set[str] = set()

    # inputs
    def input(self, spec: InputSpec) -> int:
        """The index of `spec` among the inputs, adding it once (the same file span is opened once)."""
        if spec in self._inputs:
            return self._inputs.index(spec)
        self._inputs.append(spec)
        return len(self._inputs) - 1

    @property
    def inputs(self) -> tuple[InputSpec, ...]:
        return tuple(self._inputs)

    # pads
    def label(self, stem: str) -> str:
        """A new pad name based on `stem`: "prog", then "prog1", "prog2" if taken."""
        name, n = stem, 0
        while name in self._used:
            n += 1
            name = f"{stem}{n}"
        self._used.add(name)
        return name

    def chain(self, sources: Sequence[str], filters: Sequence[str], stem: str) -> str:
        """Append `[sources]filter,filter[out]` and return the output pad's name."""
        out = self.label(stem)
        self._append(sources, filters, (out,))
        return out

    def fan_out(
        self, source: str, count: int, stems: Sequence[str], *, audio: bool = False
    ) -> tuple[str, ...]:
        """`count` copies of `source` (a `split`/`asplit`); the source itself when count is 1."""
        if count == 1:
            return (source,)
        outs = tuple(self.label(stems[i] if i < len(stems) else stems[-1]) for i in range(count))
        self._append((source,), (f("asplit" if audio else "split", count),), outs)
        return outs

    def _append(self, sources: Sequence[str], filters: Sequence[str], outs: Sequence[str]) -> None:
        pads_in = "".join(f"[{s}]" for s in sources)
        pads_out = "".join(f"[{o}]" for o in outs)
        self._sections[-1].append(f"{pads_in}{','.join(filters)}{pads_out}")

    def new_section(self) -> None:
        """Start a separate filtergraph (its own `-filter_complex`, run by its own thread).

        The picture and the sound go in separate graphs: ffmpeg pauses a whole graph while one of
        its outputs is ahead of the others in the file, so in one shared graph the sound (ahead of
        the encoder-delayed picture) would stall the picture every few frames and leave the
        encoder's threads idle: the same work took twice the wall time.
        """
        if self._sections[-1]:
            self._sections.append([])

    def description(self) -> str:
        """All chains as one graph description (for reading; `args` keeps the sections apart)."""
        return ";".join(chain for section in self._sections for chain in section)

    def args(self) -> list[str]:
        out: list[str] = []
        for spec in self._inputs:
            out += spec.args()
        for section in self._sections:
            if section:
                out += ["-filter_complex", ";".join(section)]
        return out


def stream(index: int, kind: str) -> str:
    """The pad name of an input's first stream of `kind` ("v" or "a"): "3:v"."""
    return f"{index}:{kind}"
