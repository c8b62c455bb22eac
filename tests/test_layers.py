"""The stages import downward only, and no module imports itself back through others.

Every `import` counts, including those inside functions: a lazy import hides a cycle from the
interpreter but not from the next reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pipeline

ROOT = Path(pipeline.__file__).parent
# A stage may import its own rank or lower ones; transcribe and subtitles share a rank (a draft
# is built from a transcript's words, a transcript is corrected with the subtitles' rules).
RANK = {
    "errors": 0,
    "i18n": 0,  # every stage translates its messages
    "media": 1,
    "presets": 1,
    "resources": 0.5,  # finds the shipped files; presets and project read through it
    "progress": 1,
    "project": 2,
    "transcribe": 3,
    "subtitles": 3,
    "edit": 4,
    "render": 5,
    "review": 6,
    "batch": 6,
    "publish": 6,
    "doctor": 7,
    "demo": 7,
    "cli": 8,
    "__main__": 9,
    "__init__": 0,
}
SAME_RANK_ALLOWED = {("transcribe", "subtitles"), ("subtitles", "transcribe")}


def _module_name(path: Path) -> str:
    parts = ("pipeline", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("pipeline")]
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = found
    return graph


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_stage_has_a_rank():
    assert {_stage(m) for m in _imports()} <= set(RANK)


def test_stages_import_only_downward():
    wrong = []
    for module, targets in _imports().items():
        for target in targets:
            source, dest = _stage(module), _stage(target)
            if source == dest or dest == "__init__":
                continue
            higher = RANK[dest] > RANK[source]
            sideways = RANK[dest] == RANK[source] and (source, dest) not in SAME_RANK_ALLOWED
            if higher or sideways:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_media_is_a_leaf():
    for module, targets in _imports().items():
        if _stage(module) == "media":
            assert {_stage(t) for t in targets} <= {"media", "errors", "i18n"}, module


def test_no_module_imports_itself_back():
    graph = _imports()
    cycles = []

    def visit(module: str, path: list[str], on_path: set[str], done: set[str]) -> None:
        for target in sorted(graph[module]):
            if target in on_path:
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in done:
                on_path.add(target)
                visit(target, path + [target], on_path, done)
                on_path.discard(target)
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module], {module}, done)
    assert cycles == []
