"""One place that says which text and which numbers the app accepts from a user.

Every free-text field (questionnaire answers, names, comments, measure texts, conclusions, ...) goes
through :func:`text_error` (directly, or via ``services.guards.clean_text`` / ``clean_line``), every
hidden or free integer that reaches the database through :func:`bounded_int`, and every redirect
target through :func:`has_control_chars`.

Control characters: C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F) never belong in text a
person typed. They break PDFs, CSV/XLSX exports, mail headers and log lines, and NUL cannot be stored
by PostgreSQL at all. Tab, line feed and carriage return are allowed in multi-line text only.
This module imports nothing from the rest of the app, so the questionnaire, the services and the
web layer can all use it.
"""
from __future__ import annotations

import re

# A signed 32-bit integer fits every integer column on SQLite and PostgreSQL.
MAX_DB_INT = 2**31 - 1

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROL_MESSAGE = "De tekst bevat onzichtbare stuurtekens die niet zijn toegestaan. Verwijder ze en probeer het opnieuw."
LINE_MESSAGE = "Gebruik één regel tekst, zonder tabs of regeleinden en zonder onzichtbare stuurtekens."


def has_control_chars(text: str, *, multiline: bool = False) -> bool:
    """True if ``text`` holds a control character (with ``multiline``: other than tab/CR/LF)."""
    return bool((_CONTROL_MULTILINE if multiline else _CONTROL).search(text))


def text_error(text: str, *, multiline: bool = True) -> str | None:
    """The Dutch message for text that may not be stored, or None if it is fine."""
    if has_control_chars(text, multiline=multiline):
        return CONTROL_MESSAGE if multiline else LINE_MESSAGE
    return None


def bounded_int(value: object, lo: int = 0, hi: int = MAX_DB_INT) -> int | None:
    """``value`` (a form string or an int) as an int in [lo, hi], else None. Never raises, and never
    lets a number through that the database cannot bind (a huge value would be a 500 or a 503)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 12 or not re.fullmatch(r"-?[0-9]+", text):
            return None
        number = int(text)
    else:
        return None
    return number if lo <= number <= hi else None

