"""What is installed is what the code needs: declared dependencies, every package, and a
non-editable `pip install .` that works from another folder with its presets and assets."""

from __future__ import annotations

import ast
import json
import os
import shutil
import site
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import tomli_w
from media import make_clip

from pipeline.project.footage import load_footage
from pipeline.project.model import load_project
from pipeline.subtitles import store
from pipeline.subtitles.cue import Cue
from pipeline.transcribe.transcript import Segment, Transcript, Word

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
# declared but never imported, and why
NOT_IMPORTED = {
    "dask": "the `dask scheduler` and `dask worker` commands of the README's cluster (the code imports distributed)",
    "otio-cmx3600-adapter": "OpenTimelineIO's CMX 3600 EDL adapter, found through its plugin manifest",
    "otio-fcpx-xml-adapter": "OpenTimelineIO's FCPX XML adapter, found through its plugin manifest",
}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _requirement_name(requirement: str) -> str:
    for stop in "[<>=!~; ":
        requirement = requirement.split(stop)[0]
    return _canonical(requirement)


def _imported_top_level_modules() -> set[str]:
    names = set()
    for path in (REPO / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"pipeline"}


def test_dependencies_are_what_the_code_imports():
    requirements = PYPROJECT["project"]["dependencies"]
    declared = {_requirement_name(r) for r in requirements}
    # "dask[distributed]" is how Dask's own docs say to install `distributed`
    declared |= {"distributed" for r in requirements if r.startswith("dask[distributed]")}
    distributions = metadata.packages_distributions()
    imported = set()
    for module in _imported_top_level_modules():
        assert module in distributions, f"{module} is imported by pipeline/ but not installed"
        imported.update(_canonical(d) for d in distributions[module])
    assert imported - declared == set(), "imported by pipeline/ but not declared in pyproject.toml"
    assert declared - imported - set(NOT_IMPORTED) == set(), "declared in pyproject.toml but never imported"
    assert "moviepy" in {_requirement_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["bench"]}


def test_every_package_is_listed_and_the_data_is_mapped():
    folders = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "pipeline").rglob("__init__.py")}
    setuptools = PYPROJECT["tool"]["setuptools"]
    mapped = setuptools["package-dir"]
    assert mapped == {"pipeline._data.presets": "presets", "pipeline._data.assets": "assets"}
    assert set(setuptools["packages"]) == folders | set(mapped), "a package is missing from pyproject.toml"
    assert not (REPO / "pipeline" / "_data").exists()  # in a checkout the repository's folders are read


def _copy_source(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, dest / name)
    for name in ("pipeline", "presets", "assets"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    return dest


def _fresh_venv(path: Path) -> Path:
    """A virtualenv with nothing installed, which sees this interpreter's libraries (the
    dependencies, pip and setuptools) through a .pth file, so installing needs no network."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # only paths: .pth files in these folders (an editable install of this checkout) are not run
    shared = [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(purelib, "_shared_dependencies.pth").write_text("\n".join(shared) + "\n", "utf-8")
    return python


def _draft_subtitles(root: Path) -> None:
    """What `pipeline transcribe` would leave (without running the speech model)."""
    project = load_project(root)
    clip_id = load_footage(project)[0].clip_id
    sentence = "我叫王建华"
    words = tuple(Word(200 + i * 150, 350 + i * 150, ch) for i, ch in enumerate(sentence))
    transcript = Transcript(
        clip_id=clip_id,
        language="zh",
        model="fake",
        segments=(Segment(words[0].start_ms, words[-1].end_ms, sentence + "。", words),),
    )
    path = project.transcripts_dir / f"{clip_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(transcript.to_dict(), ensure_ascii=False), "utf-8")
    store.write_draft(project, clip_id, [Cue(200, 1800, (sentence,))])


@pytest.mark.slow
def test_a_non_editable_install_works_from_another_folder(tmp_path, media_dir):
    python = _fresh_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIPELINE_PRESETS")}
    source = _copy_source(tmp_path / "source")
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            str(source),
        ],
        check=True,
        cwd=tmp_path,
        env=env,
    )
    shutil.rmtree(source)  # the installed pipeline must need nothing from the source tree
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pipeline = str(tmp_path / "venv" / "bin" / "pipeline")

    def run(*args: str) -> str:
        done = subprocess.run([*args], cwd=elsewhere, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    # the package data: every preset and asset of the repository, byte for byte, inside the package
    shipped = json.loads(
        run(
            str(python),
            "-c",
            "import json, pipeline, pipeline.resources as r; "
            "print(json.dumps([pipeline.__file__, str(r.shipped_presets_dir()), str(r.assets_dir())]))",
        )
    )
    package = Path(shipped[0]).parent
    assert package.is_relative_to(tmp_path / "venv")
    for name, folder in (("presets", shipped[1]), ("assets", shipped[2])):
        assert Path(folder) == package / "_data" / name
        files = sorted(p.relative_to(REPO / name) for p in (REPO / name).rglob("*") if p.is_file())
        assert (
            files and sorted(p.relative_to(folder) for p in Path(folder).rglob("*") if p.is_file()) == files
        )
        assert all((Path(folder) / f).read_bytes() == (REPO / name / f).read_bytes() for f in files)

    # the entry point, through every kind of resource: presets (template, platform, QC profile,
    # office glossary) and assets (the template's logo on the cards)
    assert "Ready." in run(pipeline, "doctor")
    run(
        pipeline,
        "init",
        "ep",
        "--title",
        "驻村路上",
        "--subject-name",
        "王建华",
        "--subject-role",
        "驻村工作队队员",
        "--template",
        "short-test",
    )
    toml = elsewhere / "ep" / "project.toml"
    data = tomllib.loads(toml.read_text("utf-8"))
    data["people"][0]["consent"] = True
    data["platforms"] = ["web"]
    toml.write_text(tomli_w.dumps(data), "utf-8")
    clip = make_clip(media_dir / "packaging-take.mp4", size="320x180", duration=3.0)
    run(pipeline, "ingest", "ep", str(clip), "--role", "interview")
    _draft_subtitles(elsewhere / "ep")
    run(pipeline, "subs", "lint", "ep")
    run(pipeline, "subs", "approve", "ep", "--by", "李编辑")
    run(pipeline, "cut", "ep")
    run(pipeline, "render", "ep", "--draft")
    manifest = json.loads((elsewhere / "ep" / "exports" / "manifest.json").read_text("utf-8"))
    (entry,) = manifest["outputs"]
    assert entry["platform"] == "web" and entry["problems"] == []
    assert (elsewhere / "ep" / entry["path"]).stat().st_size > 0
