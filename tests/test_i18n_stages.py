"""No unmarked message in the transcribe, subtitles, edit and review stages (and the shared preset,
resource, progress and error modules): every message a person reads goes through the catalogs.

The check reads the source: a string literal or f-string handed to a PipelineError subclass, to the
helpers that build one (a cut list's or template's `fail`), to a QC finding, to the review page's
proxy state or to ffmpeg's job label is a message nobody translated. `_()` and `ngettext()` take
literal text only (an f-string or a variable inside would never match the catalog).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from pipeline.errors import PipelineError

REPO = Path(__file__).resolve().parents[1]
FILES = sorted(
    [
        *(REPO / "pipeline" / "transcribe").glob("*.py"),
        *(REPO / "pipeline" / "subtitles").glob("*.py"),
        *(REPO / "pipeline" / "edit").glob("*.py"),
        *(REPO / "pipeline" / "review").glob("*.py"),
        *(REPO / "pipeline" / name for name in ("errors.py", "presets.py", "resources.py", "progress.py")),
    ]
)
TRANSLATE = {"_", "ngettext"}
# other callables whose argument is a message: name -> (positional index or "last", keyword)
SINKS = {
    "fail": ("last", None),  # cut_list.py and template.py build an error from a located problem
    "report": (3, None),  # qc.py: report(number, cue, rule, message)
    "Finding": (6, "message"),  # a QC finding's description, shown by `subs lint`
    "ProxyState": (1, "message"),  # the review page's note on a proxy that failed
    "run_ffmpeg": (None, "what"),  # names the job in ffmpeg's Error line
}
# deliberate exceptions, by (file, error class): why each is not translated
ALLOWED = {
    # the review page is Chinese in either interface language: its refusals are written in Chinese
    ("review/handler.py", "HttpRefusal"),
    ("review/wire.py", "InvalidCues"),
    # an HTTP 416 with an empty body; the text is only for the server's debug log
    ("review/ranges.py", "RangeNotSatisfiable"),
}


def module_of(path: Path):
    return importlib.import_module(".".join(path.relative_to(REPO).with_suffix("").parts))


def callee(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def is_error_class(module, node: ast.Call) -> bool:
    """The call constructs a PipelineError subclass (looked up in the module: `SubtitleError`, `wire.X`)."""
    parts = []
    func = node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return False
    target = getattr(module, func.id, None)
    for name in reversed(parts):
        target = getattr(target, name, None)
    return inspect.isclass(target) and issubclass(target, PipelineError)


def translated(node: ast.expr | None) -> bool:
    """Not literal text: `_()`/`ngettext()` (with `.format`), a variable or call that holds a message."""
    if node is None:
        return True
    if isinstance(node, ast.IfExp):
        return translated(node.body) and translated(node.orelse)
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return not (isinstance(node, ast.JoinedStr) or isinstance(node.value, str))
    if isinstance(node, ast.BinOp):  # "..." + x: pieces glued together are never one msgid
        return not any(isinstance(n, ast.Constant | ast.JoinedStr) for n in ast.walk(node))
    return True


def message_args(module, node: ast.Call) -> list[ast.expr | None]:
    name = callee(node)
    if is_error_class(module, node):
        keyword = next((k.value for k in node.keywords if k.arg == "message"), None)
        return [node.args[0] if node.args else keyword]
    if name not in SINKS:
        return []
    position, keyword = SINKS[name]
    found = []
    if position == "last" and node.args:
        found.append(node.args[-1])
    elif isinstance(position, int) and len(node.args) > position:
        found.append(node.args[position])
    found += [k.value for k in node.keywords if keyword and k.arg == keyword]
    return found


def problems(source: str, module, where: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = callee(node)
        if name in TRANSLATE and isinstance(node.func, ast.Name):
            count = 2 if name == "ngettext" else 1
            texts = node.args[:count]
            if len(texts) < count or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts
            ):
                out.append(f"{where}:{node.lineno}: {name}() must be given literal text")
            continue
        if (where, name) in ALLOWED:
            continue
        for arg in message_args(module, node):
            if not translated(arg):
                out.append(f"{where}:{node.lineno}: {name}(...) gets untranslated text; mark it with _()")
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO / "pipeline").as_posix())
def test_every_message_is_marked_for_translation(path):
    found = problems(path.read_text("utf-8"), module_of(path), path.relative_to(REPO / "pipeline").as_posix())
    assert not found, "\n".join(found)


PROBE = """
from pipeline.errors import SubtitleError
from pipeline.i18n import _, ngettext


def unmarked(path):
    raise SubtitleError(f"{path}: broken")


def f_string_inside(path):
    raise SubtitleError(_(f"{path}: broken"))


def glued(path):
    raise SubtitleError(_("broken: ") + str(path))


def a_variable(text):
    return _(text)


def plural_f_string(n):
    return ngettext(f"{n} cue", "{n} cues", n)


def marked(path, n):
    message = ngettext("{n} cue", "{n} cues", n).format(n=n)
    raise SubtitleError(_("{path}: broken ({message})").format(path=path, message=message))
"""


def test_the_check_finds_unmarked_messages(tmp_path, monkeypatch):
    (tmp_path / "probe_i18n_stages.py").write_text(PROBE, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("probe_i18n_stages")
    found = problems(PROBE, module, "probe.py")
    assert [line.split(":")[1] for line in sorted(found, key=lambda x: int(x.split(":")[1]))] == [
        "7",
        "11",
        "15",
        "19",
        "23",
    ], found
