"""The one escaping helper for user text, plus reportlab hardening.

Every piece of user-supplied text goes through :func:`esc` before it reaches a reportlab
``Paragraph``; markup in the PDF only ever comes from constants in this package.
Canvas ``drawString`` calls (headers, footers) use :func:`plain` instead. Dates are written the
long Dutch way ("3 maart 2026") with the one clock helper of ``questionnaire.values``.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from xml.sax.saxutils import escape as _xml_escape

from reportlab import rl_config

from ..questionnaire.values import format_date_long, to_local

# reportlab fetches <img src=...> and image URLs through rlUrlRead; with no trusted host and no
# trusted scheme every fetch raises (CVE-2020-28463 SSRF class). Set at import: before any render.
rl_config.trustedHosts = []
rl_config.trustedSchemes = []

# Glyphs missing from the embedded Vera fonts that have an exact plain-letter equivalent.
_SUBSTITUTE = str.maketrans({"\u0132": "IJ", "\u0133": "ij", "\u00a0": " "})

# C0/C1 control characters except \t and \n, lone surrogates, non-characters, and bidi
# embedding/override/isolate controls (they could visually reorder text in a signed document).
_STRIP = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


def clean(value: object) -> str:
    """Normalised, control-character-free text; no markup escaping."""
    if value is None:
        return ""
    s = value if isinstance(value, str) else str(value)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _STRIP.sub("", s)
    s = unicodedata.normalize("NFC", s).translate(_SUBSTITUTE)
    return s.replace("\t", "    ")


def _x(s: str) -> str:
    return _xml_escape(s, {'"': "&quot;", "'": "&#39;"})


def esc(value: object) -> str:
    """Escape user text for a reportlab Paragraph: literal text, newlines kept as <br/>.

    Characters the main font lacks are set in the fallback font (a constant <font> tag around the
    escaped run) or replaced by U+FFFD / '?'. Very long unbroken words are wrapped by the
    paragraph styles (``splitLongWords=1``).
    """
    s = clean(value)
    if not s.isascii():
        s = _with_fallback(s)
    else:
        s = _x(s)
    return s.replace("\n", "<br/>")


def _with_fallback(s: str) -> str:
    from . import styles as S

    S.register_fonts()
    main, fb = S.MAIN_CHARS, S.FALLBACK_CHARS
    if all(ord(ch) in main for ch in s):  # common case: Dutch text, euro sign, quotes
        return _x(s)
    out: list[str] = []
    plain_run: list[str] = []  # consecutive characters the main font has (escaped in one go)
    run: list[str] = []  # consecutive characters that need the fallback font
    repl = "\ufffd" if 0xFFFD in fb else "?"

    def flush_plain():
        if plain_run:
            out.append(_x("".join(plain_run)))
            plain_run.clear()

    def flush():
        if run:
            out.append(f'<font name="{S.FONT_FALLBACK}">{_x("".join(run))}</font>')
            run.clear()

    for ch in s:
        o = ord(ch)
        if o in main or ch == "\n":
            flush()
            plain_run.append(ch)
        elif o in fb:
            flush_plain()
            run.append(ch)
        elif unicodedata.category(ch) in ("Mn", "Cf"):  # combining marks / joiners without glyph
            continue
        elif repl == "?":
            flush()
            plain_run.append("?")
        else:
            flush_plain()
            run.append(repl)
    flush_plain()
    flush()
    return "".join(out)


def fits_main_font(s: str) -> bool:
    from . import styles as S

    S.register_fonts()
    return s.isascii() or all(ord(ch) in S.MAIN_CHARS for ch in s)


def one_line(value: object, limit: int | None = None) -> str:
    """Single-line clean text for PDF metadata and outline entries (any Unicode allowed)."""
    s = " ".join(clean(value).split())
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def plain(value: object, limit: int | None = None) -> str:
    """Single-line clean text for canvas.drawString, outline titles and PDF metadata.

    (drawString uses the main font only: characters it lacks become '?'.)"""
    s = " ".join(clean(value).split())
    if not fits_main_font(s):
        from . import styles as S

        s = "".join(ch if ord(ch) in S.MAIN_CHARS else "?" for ch in s)
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def nl_date(d: date | datetime | None, empty: str = "—") -> str:
    """'3 maart 2026' ('3 March 2026' in an English report; timestamps in Europe/Amsterdam time)."""
    from .i18n import current

    return format_date_long(d, empty, current())


def nl_datetime(dt: datetime | None, empty: str = "—") -> str:
    """'3 maart 2026 om 14:05' in Europe/Amsterdam time."""
    if not isinstance(dt, datetime):
        return nl_date(dt, empty)
    from .i18n import is_english

    return f"{nl_date(dt)} {'at' if is_english() else 'om'} {to_local(dt):%H:%M}"
