"""The report's language: Dutch source strings (msgids, like the web interface) translated with the
same catalogue (integrity_tool/translations), without Flask, so rendering also works in the report
process pool. ``with language(data.language): ...`` sets it for one render; ``_()`` translates."""
from __future__ import annotations

import contextlib
import contextvars
import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("report_language", default="nl")
_DIR = Path(__file__).resolve().parents[1] / "translations"


@functools.lru_cache(maxsize=4)
def _catalogue(lang: str):
    if lang == "nl":
        return NullTranslations()
    return Translations.load(str(_DIR), [lang])


def current() -> str:
    return _LANG.get()


def is_english() -> bool:
    return current().startswith("en")


@contextlib.contextmanager
def language(lang: str | None):
    token = _LANG.set("en" if lang and str(lang).lower().startswith("en") else "nl")
    try:
        yield
    finally:
        _LANG.reset(token)


def _(msgid: str, /, **params) -> str:
    """``msgid`` (Dutch) in the report's language; ``%(name)s`` filled from ``params``."""
    out = _catalogue(current()).ugettext(msgid) if msgid else msgid
    return out % params if params else out


def pdf_lang() -> str:
    """The document language for the PDF catalogue (/Lang)."""
    return "en-GB" if is_english() else "nl-NL"
