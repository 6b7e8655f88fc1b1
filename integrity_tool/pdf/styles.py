"""Layout constants, fonts and paragraph styles shared by both reports (render_pool passes SIGNATURE_BOX to signing)."""
from __future__ import annotations

import os
import threading

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..vocabulary import Level, Outcome

PAGE_SIZE = A4
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 22 * mm
MARGIN_TOP = 30 * mm
MARGIN_BOTTOM = 24 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

# Visible signature stamp on the LAST page, in PDF user space (x1, y1, x2, y2), points.
# The renderers keep this rectangle free on the last page; render_pool has signing put the stamp there.
SIGNATURE_BOX = (int(MARGIN_LEFT), int(MARGIN_BOTTOM + 6), int(MARGIN_LEFT + 95 * mm), int(MARGIN_BOTTOM + 6 + 62))

# Colours: a sober government palette.
INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#5b6770")
ACCENT = colors.HexColor("#154273")  # Rijkshuisstijl-like dark blue
RULE = colors.HexColor("#c7d0d8")
SHADE = colors.HexColor("#eef2f6")
CONFIDENTIAL = colors.HexColor("#a01c1c")

LEVEL_COLOURS = {
    Level.blokkerend: colors.HexColor("#a01c1c"),
    Level.hoog: colors.HexColor("#c2570c"),
    Level.aandachtspunt: colors.HexColor("#8a6d00"),
}
OUTCOME_COLOURS = {
    Outcome.geen_bijzonderheden: colors.HexColor("#2e6b30"),
    Outcome.aandachtspunten: colors.HexColor("#8a6d00"),
    Outcome.beheersbaar_met_afspraken: colors.HexColor("#c2570c"),
    Outcome.ernstige_risicos: colors.HexColor("#a01c1c"),
}
NEUTRAL_BADGE = colors.HexColor("#6b7780")

FONT = "IT-Sans"
FONT_BOLD = "IT-Sans-Bold"
FONT_ITALIC = "IT-Sans-Oblique"
FONT_BOLD_ITALIC = "IT-Sans-BoldOblique"

FONT_FALLBACK = "IT-Fallback"  # DejaVu Sans, when the system has it: Arabic, Hebrew, symbols
FONT_FALLBACK_BOLD = "IT-Fallback-Bold"
_FALLBACK_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)

_font_lock = threading.Lock()
_fonts_registered = False
MAIN_CHARS: frozenset[int] = frozenset()
FALLBACK_CHARS: frozenset[int] = frozenset()


def register_fonts() -> None:
    """Register the embedded TrueType fonts once per process.

    Bitstream Vera ships inside the reportlab wheel (no download, no system dependency) and
    covers Dutch diacritics and the euro sign; the one missing Dutch glyph (the ĳ ligature) is
    substituted by ``text.clean``.
    """
    global _fonts_registered
    if _fonts_registered:
        return
    with _font_lock:
        if _fonts_registered:
            return
        base = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
        for name, file in (
            (FONT, "Vera.ttf"), (FONT_BOLD, "VeraBd.ttf"),
            (FONT_ITALIC, "VeraIt.ttf"), (FONT_BOLD_ITALIC, "VeraBI.ttf"),
        ):
            pdfmetrics.registerFont(TTFont(name, os.path.join(base, file)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        global MAIN_CHARS, FALLBACK_CHARS
        MAIN_CHARS = frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)
        if all(os.path.exists(f) for f in _FALLBACK_FILES):
            regular = TTFont(FONT_FALLBACK, _FALLBACK_FILES[0])
            pdfmetrics.registerFont(regular)
            pdfmetrics.registerFont(TTFont(FONT_FALLBACK_BOLD, _FALLBACK_FILES[1]))
            pdfmetrics.registerFontFamily(FONT_FALLBACK, normal=FONT_FALLBACK, bold=FONT_FALLBACK_BOLD,
                                          italic=FONT_FALLBACK, boldItalic=FONT_FALLBACK_BOLD)
            FALLBACK_CHARS = frozenset(regular.face.charToGlyph)
        _fonts_registered = True


def _style(name: str, **kw) -> ParagraphStyle:
    base = dict(
        fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, alignment=TA_LEFT,
        splitLongWords=1, allowWidows=0, allowOrphans=0,
    )
    base.update(kw)
    return ParagraphStyle(name, **base)


BODY = _style("body", spaceAfter=5)
BODY_SMALL = _style("small", fontSize=8.5, leading=11.5)
MUTED_SMALL = _style("muted", fontSize=8, leading=10.5, textColor=MUTED)
LABEL = _style("label", fontName=FONT_BOLD, fontSize=8, leading=10.5, textColor=MUTED, spaceBefore=5)
ANSWER = _style("answer", spaceBefore=3, spaceAfter=3)
ANSWER_CONT = _style("answer_cont", spaceBefore=0, spaceAfter=3)
# markup constant for the label line of an answer paragraph (label text itself is escaped)
ANSWER_LABEL_OPEN = '<font name="IT-Sans-Bold" size="8" color="#5b6770">'
ANSWER_LABEL_CLOSE = "</font><br/>"
CELL = _style("cell", fontSize=8.5, leading=11)
CELL_HEAD = _style("cellhead", fontName=FONT_BOLD, fontSize=8, leading=10, textColor=colors.white)
H1 = _style("h1", fontName=FONT_BOLD, fontSize=16, leading=20, textColor=ACCENT, spaceBefore=4, spaceAfter=10, keepWithNext=1)
H2 = _style("h2", fontName=FONT_BOLD, fontSize=11.5, leading=15, textColor=ACCENT, spaceBefore=12, spaceAfter=5, keepWithNext=1)
H3 = _style("h3", fontName=FONT_BOLD, fontSize=9.5, leading=13, textColor=INK, spaceBefore=8, spaceAfter=3, keepWithNext=1)
H3_FINDING = _style("h3f", fontName=FONT_BOLD, fontSize=10, leading=13, textColor=INK, spaceBefore=10)
COVER_ORG = _style("cover_org", fontName=FONT_BOLD, fontSize=13, leading=17, textColor=ACCENT)
COVER_TITLE = _style("cover_title", fontName=FONT_BOLD, fontSize=24, leading=29, textColor=INK, spaceBefore=6)
COVER_SUB = _style("cover_sub", fontSize=13, leading=17, textColor=MUTED, spaceAfter=4)
COVER_KEY = _style("cover_key", fontName=FONT_BOLD, fontSize=8.5, leading=12, textColor=MUTED)
COVER_VAL = _style("cover_val", fontSize=10, leading=13)
BADGE = _style("badge", fontName=FONT_BOLD, fontSize=7.5, leading=9, textColor=colors.white)
TABLE_FONT = ("FONT", (0, 0), (-1, -1), FONT, 8.5)  # tables otherwise emit a Helvetica (Type1) default
