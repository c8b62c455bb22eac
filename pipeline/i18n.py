"""The interface language: Simplified Chinese or English, for every message a person reads.

The language comes from `PIPELINE_LANG` (`zh` or `en`), else from the locale as POSIX orders it
(`LC_ALL`, then `LC_MESSAGES`, then `LANG`: a value starting with `zh` means Chinese); with nothing
set it is English. It is looked up each time a message is translated, so one process (a test, a
batch worker) follows the environment it runs in; `speaking(language)` overrides it for the code
it wraps (a Dask worker encoding a chunk for an editor who reads Chinese).

Messages are marked for the catalogs in the source, in one of two ways:

- `_("素材 {path} is missing; ...").format(path=...)`: text made at run time. The placeholders are
  named (`{path}`, never an f-string), so a translation can put them in its own order, and a test
  checks that every translation keeps them all.
- `N_("...")`: text fixed at import time (click's help texts); it only marks the text for
  extraction, and the CLI translates it when it is shown.

The catalogs are gettext catalogs kept with Babel: `pipeline/locale/<lang>/LC_MESSAGES/pipeline.po`
is the translators' file, the compiled `.mo` beside it ships with the package. CONTRIBUTING.md says
how to extract, update and compile them.
"""

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import cache
from importlib import resources

DOMAIN = "pipeline"
# the interface languages and the catalog each reads (English is the source text itself)
CATALOGS = {"zh": "zh_CN", "en": None}


_SPOKEN: ContextVar[str | None] = ContextVar("pipeline_interface_language", default=None)


@contextlib.contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Messages in `language` (`zh`, `en`) inside the block, in this thread; None: as set."""
    token = _SPOKEN.set(language if language in CATALOGS else None)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def interface_language(environ: Mapping[str, str] | None = None) -> str:
    """`zh` or `en`: `speaking`'s, else from PIPELINE_LANG or the locale; see the module doc."""
    spoken = _SPOKEN.get() if environ is None else None
    if spoken is not None:
        return spoken
    env = os.environ if environ is None else environ
    chosen = env.get("PIPELINE_LANG", "").strip().lower()
    if chosen in CATALOGS:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:  # the first one set decides, as in POSIX
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language` (English: the source text, untranslated)."""
    name = CATALOGS.get(language)
    if name is None:
        return gettext.NullTranslations()
    localedir = resources.files("pipeline") / "locale"
    with resources.as_file(localedir) as folder:
        return gettext.translation(DOMAIN, localedir=str(folder), languages=[name], fallback=True)


def _(message: str) -> str:
    """`message` in the interface language."""
    return catalog(interface_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the interface language."""
    return catalog(interface_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks `message` for the catalogs without translating it (it is translated where shown)."""
    return message
