"""Content digests: the sha256 of a file, and the one recipe for a key from what made something.

Ingest checksums footage, the render records its outputs, the outbox lists its packages: all with
`sha256_file`. Every cache (transcripts, drawn graphics, probe facts, loudness, burn-in subtitles,
render fingerprints) is keyed by `content_key` of plain data, so equal content gets one key however
it was put together. It lives in `project`, the lowest stage that caches anything.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path, PurePath

HASH_CHUNK = 4 * 1024 * 1024


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """sha256 (hex) of a file's bytes, read in chunks; `progress(bytes done)` after each one."""
    digest = hashlib.sha256()
    done = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done)
    return digest.hexdigest()


def canonical_json(parts: object) -> str:
    """One spelling for equal content: sorted keys, no spaces, dataclasses as objects, paths as
    POSIX strings, fractions as "n/d", tuples and lists alike, sets sorted."""
    return json.dumps(_plain(parts), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_key(parts: object) -> str:
    """sha256 (hex) of `parts`' canonical JSON: the key of anything cached by what made it."""
    return hashlib.sha256(canonical_json(parts).encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    """`value` as JSON-ready data, the same for equal content whatever container types hold it."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(
        f"cannot fingerprint a {type(value).__name__!r} value; pass plain data, dataclasses or paths"
    )
