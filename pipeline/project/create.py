"""`pipeline init`: a new project folder with a commented project.toml."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from pipeline.errors import ProjectError
from pipeline.i18n import _
from pipeline.project.files import atomic_write_text
from pipeline.project.model import PROJECT_FILE, WEEK_RE, Project, load_project

SUBFOLDERS = ("footage", "transcripts", "subtitles", "exports")

HEADER = """\
# project.toml: one episode. Edit freely; `pipeline` reads it at every command.
#
# [[people]]        everyone who appears on screen; consent = true once their consent is recorded:
#                   `pipeline consent DIR NAME --form SCAN` sets it with consent_at, consent_by and
#                   consent_form (the signed form, copied under consent/); render refuses publishable
#                   files while anyone lacks it (`render --draft` still makes marked previews)
# [glossary]        names, places and party terms: prompt the transcriber, checked by `subs lint`
#   wrong_forms     the transcriber's known mistakes: "wrong" = "right"
# credits           the outro card, in order: {role = "出品", name = "..."}
# [assets]          logo, music... paths relative to this folder (or the repository's assets/)
# [overrides]       any preset value, e.g. [overrides.platforms.web] crf = 21
# [publish]         the WeChat article's comments: comments = true, comments_fans_only = false
# [audio.<clip id>] which sound of an interview clip is the speech, for transcription and render:
#                   stream = 1 (1 = the first audio stream), channel = 2 (1-based; 0 or absent = all
#                   channels mixed, 5.1 with the centre at full level). `ingest --audio-stream K
#                   --audio-channel N` writes it; changing it re-transcribes and re-renders the clip
# [transcribe]      model = "small" (or a model folder); corrections = false turns the homophone
#                   corrections off (on by default)

"""


def create_project(
    root: Path,
    *,
    title: str,
    subject_name: str,
    subject_role: str,
    series: str = "我是党员",
    episode: int = 1,
    week: str | None = None,
    template: str = "first-person",
    subject_unit: str = "",
    extra: dict | None = None,
) -> Project:
    """Create `root` (or use an empty existing folder) and write project.toml; returns the loaded project."""
    root = Path(root)
    file = root / PROJECT_FILE
    if file.exists():
        raise ProjectError(
            _("{file}: a project already exists here; choose another folder or edit it").format(file=file)
        )
    if week is not None and not WEEK_RE.match(week):
        raise ProjectError(_('--week "{week}" is not an ISO week; write it like 2026-W48').format(week=week))
    for value, name in (
        (title, "--title"),
        (subject_name, "--subject-name"),
        (subject_role, "--subject-role"),
    ):
        if not value.strip():
            raise ProjectError(_("{name} is empty; give a value").format(name=name))
    data: dict = {
        "template": template,
        "platforms": ["web", "wechat", "channels"],
        "episode": {"series": series, "number": episode, "title": title},
        "subject": {"name": subject_name, "role": subject_role, "unit": subject_unit},
        "people": [{"name": subject_name, "consent": False}],
        "glossary": {"terms": [subject_name], "wrong_forms": {}},
        "credits": [],
    }
    if week:
        data["episode"]["week"] = week
    if extra:
        data.update(extra)
    try:
        root.mkdir(parents=True, exist_ok=True)
        for sub in SUBFOLDERS:
            (root / sub).mkdir(exist_ok=True)
        atomic_write_text(file, HEADER + tomli_w.dumps(data))
    except PermissionError as exc:
        raise ProjectError(
            _("{root}: cannot write the project folder ({strerror}); check its permissions").format(
                root=root, strerror=exc.strerror
            )
        ) from None
    return load_project(root)
