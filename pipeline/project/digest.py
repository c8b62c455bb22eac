"""Content digests: the sha256 of a file, and the one recipe for a key from what made something.

Ingest checksums footage, the render records its outputs, the outbox lists its packages: all with
`sha256_file`. Every cache (transcripts, drawn graphics, probe facts, loudness, burn-in subtitles,
render fingerprints) is keyed by `content_key` of plain data, so equal content gets one key however
it was put together. It lives in `project`, the lowest stage that caches anything.

Inputs are identified by their content, never by where they are or when they were written: offices
copy finished projects to a shared drive (Explorer, `cp -r`, rsync), which changes every path and
modification time. `cached_sha256` keeps that cheap: the hash of each file is remembered in the
project's `.cache/hashes.json` against its stat (size, mtime, ctime, inode, as git's index does), so
an unchanged file costs a stat, and a copied or touched one a single re-hash. ctime is in the key
because `os.utime` can put an mtime back but not a ctime: a file replaced by one of the same size
with its old mtime forced is still re-hashed. Deleting the cache loses nothing but time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path, PurePath

from pipeline.project.files import atomic_write_json

HASH_CHUNK = 4 * 1024 * 1024
HASH_CACHE = Path(".cache") / "hashes.json"


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


def cached_sha256(path: Path, root: Path) -> str:
    """sha256 (hex) of a file, remembered in `root`/.cache/hashes.json against the file's stat.

    The entry is named by the path relative to `root` (a project moved elsewhere finds its entries),
    or by the absolute path for a file outside it (a system font). A stat that differs in any way
    (size, mtime, ctime, inode: a copy, a touch, a replacement) costs one re-hash, never a wrong
    answer. Raises OSError when the file cannot be read."""
    stat = os.stat(path)
    seen = _stat_key(stat)
    name = _cache_name(Path(path), Path(root))
    cache_file = Path(root) / HASH_CACHE
    entries = _read_hash_cache(cache_file)
    entry = entries.get(name)
    if isinstance(entry, dict) and entry.get("stat") == seen and isinstance(entry.get("sha256"), str):
        return str(entry["sha256"])
    digest = sha256_file(path)
    entries = _read_hash_cache(cache_file)  # re-read: another process may have added entries meanwhile
    entries[name] = {"stat": seen, "sha256": digest}
    _write_hash_cache(cache_file, entries, Path(root))
    return digest


def _stat_key(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def remember_sha256(path: Path, root: Path, sha256: str) -> None:
    """Record a hash already known for `path` as it is now (ingest hashed the footage it placed),
    so the first render reads a stat instead of the whole file again."""
    stat = os.stat(path)
    cache_file = Path(root) / HASH_CACHE
    entries = _read_hash_cache(cache_file)
    entries[_cache_name(Path(path), Path(root))] = {
        "stat": _stat_key(stat),
        "sha256": sha256,
    }
    _write_hash_cache(cache_file, entries, Path(root))


def _write_hash_cache(cache_file: Path, entries: dict[str, object], root: Path) -> None:
    """Write the entries of the project's files that still exist (a deleted clip's, an old draft
    proxy's, an old card's go), so the file does not grow with every render of the project's life.
    Files outside the project (system fonts) are kept: another machine sharing the project may
    have them where this one does not."""
    kept = {name: entry for name, entry in entries.items() if os.path.isabs(name) or (root / name).exists()}
    with contextlib.suppress(OSError):  # a read-only project still renders; it hashes again next time
        atomic_write_json(cache_file, kept)


def _cache_name(path: Path, root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return absolute.as_posix()


def _read_hash_cache(cache_file: Path) -> dict[str, object]:
    """The remembered hashes; empty when the cache is missing or unreadable (it is disposable)."""
    try:
        data = json.loads(cache_file.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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
