"""Page templates, header/footer, outline and small flowables shared by both reports."""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

import qrcode
import qrcode.constants

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, PageTemplate, Table, TableStyle,
)
from reportlab.platypus import Paragraph as _RLParagraph

from . import styles as S
from .i18n import _, pdf_lang
from .text import clean, esc, fits_main_font, one_line, plain


class Paragraph(_RLParagraph):
    """A reportlab Paragraph that remembers its last line breaking.

    Platypus wraps most paragraphs two or three times at the same width (keepWithNext groups,
    table row heights and again when the table is drawn or split); line breaking is the single
    most expensive step of a build, and its result depends only on the width.
    """

    _memo_width = None

    def wrap(self, availWidth, availHeight):
        d = self.__dict__
        if availWidth == d.get("_memo_width") and "blPara" in d:
            self.width = availWidth
            return availWidth, self.height
        w, h = _RLParagraph.wrap(self, availWidth, availHeight)
        self._memo_width = availWidth if "blPara" in d and d.get("width") == availWidth else None
        return w, h


@dataclass(frozen=True)
class DocMeta:
    title: str
    subject: str
    author: str  # organisation
    document_number: str
    header_left: str  # organisation name
    header_right: str  # document kind
    confidential: bool
    created: datetime | None


class _Info(PDFInfo):
    """PDF /Info with an extra /DocumentNumber key read back by signing.verify_pdf."""

    document_number = ""

    def format(self, document):
        # PDFInfo.format builds its own dict; rebuild it with our extra key.
        D = PDFInfo.format(self, document)
        extra = PDFDictionary({"DocumentNumber": PDFString(self.document_number)}).format(document)
        # both are b"<< ... >>": splice the extra entry in before the closing ">>"
        return D.rstrip()[:-2] + extra.strip()[2:]


def _pdf_date_formatter(created: datetime | None):
    dt = created or datetime(2000, 1, 1, tzinfo=timezone.utc)
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc)
    fixed = f"D:{dt:%Y%m%d%H%M%S}+00'00'"
    return lambda *_a: fixed


def canvas_maker(meta: DocMeta):
    """A canvas class that defers page furniture until the page count is known."""

    class ReportCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["invariant"] = 1  # deterministic /ID and no wall-clock dates
            kwargs["lang"] = pdf_lang()
            kwargs["initialFontName"] = S.FONT
            super().__init__(*args, **kwargs)
            info = _Info()
            info.document_number = one_line(meta.document_number, 64)
            self._doc.info = info
            self.setDateFormatter(_pdf_date_formatter(meta.created))
            self.setTitle(one_line(meta.title, 200))
            self.setAuthor(one_line(meta.author, 200))
            self.setSubject(one_line(meta.subject, 300))
            self.setCreator("integrity_tool")
            self.setProducer("integrity_tool (ReportLab)")
            self.setKeywords(one_line(f"{_('risicoanalyse integriteit')}, {meta.document_number}", 200))
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _furniture(self, meta, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return ReportCanvas


def _furniture(c: Canvas, meta: DocMeta, total: int) -> None:
    page = c.getPageNumber()
    w, h = S.PAGE_WIDTH, S.PAGE_HEIGHT
    top = h - S.MARGIN_TOP + 10 * 2.835
    c.saveState()
    c.setFont(S.FONT_BOLD, 8.5)
    c.setFillColor(S.ACCENT)
    c.drawString(S.MARGIN_LEFT, top, plain(meta.header_left, 70))
    c.setFont(S.FONT, 8)
    c.setFillColor(S.MUTED)
    c.drawString(S.MARGIN_LEFT, top - 11, plain(meta.header_right, 90))
    if meta.confidential:
        c.setFillColor(S.CONFIDENTIAL)
        c.setFont(S.FONT_BOLD, 9)
        c.drawRightString(w - S.MARGIN_RIGHT, top, _("VERTROUWELIJK"))
    c.setStrokeColor(S.RULE)
    c.setLineWidth(0.6)
    c.line(S.MARGIN_LEFT, top - 17, w - S.MARGIN_RIGHT, top - 17)
    bottom = S.MARGIN_BOTTOM - 12
    c.line(S.MARGIN_LEFT, bottom + 10, w - S.MARGIN_RIGHT, bottom + 10)
    c.setFont(S.FONT, 7.5)
    c.setFillColor(S.MUTED)
    c.drawString(S.MARGIN_LEFT, bottom, _("Documentnummer %(number)s", number=plain(meta.document_number, 40)))
    if meta.confidential:
        c.setFillColor(S.CONFIDENTIAL)
        c.setFont(S.FONT_BOLD, 7.5)
        c.drawCentredString(w / 2, bottom, _("VERTROUWELIJK"))
        c.setFont(S.FONT, 7.5)
        c.setFillColor(S.MUTED)
    c.drawRightString(w - S.MARGIN_RIGHT, bottom, _("pagina %(page)s van %(total)s", page=page, total=total))
    c.restoreState()


class ReportDoc(BaseDocTemplate):
    """Doc template that turns Heading flowables into bookmarks / outline entries."""

    def __init__(self, buf: io.BytesIO, meta: DocMeta):
        super().__init__(
            buf, pagesize=S.PAGE_SIZE,
            leftMargin=S.MARGIN_LEFT, rightMargin=S.MARGIN_RIGHT,
            topMargin=S.MARGIN_TOP, bottomMargin=S.MARGIN_BOTTOM,
            title=one_line(meta.title, 200), author=one_line(meta.author, 200),
            subject=one_line(meta.subject, 300), creator="integrity_tool",
            invariant=1, lang=pdf_lang(), initialFontName=S.FONT,
            keywords=[one_line(meta.document_number, 64), _("risicoanalyse integriteit")],
            producer="integrity_tool (ReportLab)",
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self._outline_seq = 0
        self.signature_page: int | None = None

    def afterFlowable(self, flowable):
        title = getattr(flowable, "outline_title", None)
        if title is None:
            return
        self._outline_seq += 1
        key = f"s{self._outline_seq}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=flowable.outline_level, closed=False)


def heading(text: str, style, level: int = 0, outline: bool = True) -> Paragraph:
    p = Paragraph(esc(text), style)
    if outline:
        p.outline_title = one_line(text, 120)
        p.outline_level = level
    return p


def table_heading(text: str, style, level: int = 0, room=None) -> list:
    """A heading directly above a long table: not kept together with the whole table (that would push
    a table shorter than a page, heading and all, to the next page and leave a nearly empty page),
    only never left alone at the bottom of a page."""
    p = heading(text, style, level)
    p.keepWithNext = 0
    return [CondPageBreak(room if room is not None else 35 * S.mm), p]


class Badge(Flowable):
    """A coloured label (level / outcome) drawn directly on the canvas: cheap and crisp."""

    PAD_X, HEIGHT = 5.5, 12.5

    def __init__(self, text: str, colour, h_align: str = "LEFT"):
        super().__init__()
        self.label = plain(text, 60)
        self.colour = colour
        self.hAlign = h_align
        self.width = stringWidth(self.label, S.FONT_BOLD, S.BADGE.fontSize) + 2 * self.PAD_X
        self.height = self.HEIGHT

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(self.colour)
        c.roundRect(0, 0, self.width, self.height, 2, stroke=0, fill=1)
        c.setFillColor(S.colors.white)
        c.setFont(S.FONT_BOLD, S.BADGE.fontSize)
        c.drawString(self.PAD_X, 3.6, self.label)
        c.restoreState()


def badge(text: str, colour, h_align: str = "LEFT") -> Badge:
    return Badge(text, colour, h_align)


class TitleWithBadge(Flowable):
    """A heading paragraph with a badge right-aligned on its first line, and a rule below."""

    def __init__(self, title_markup: str, style, badge_: Badge, outline_title: str, outline_level: int):
        super().__init__()
        self.para = Paragraph(title_markup, style)
        self.badge = badge_
        self.outline_title = outline_title
        self.outline_level = outline_level
        self.keepWithNext = 1

    def wrap(self, aw, ah):
        self.width = aw
        _w, ph = self.para.wrap(aw - self.badge.width - 8, ah)
        self.height = max(ph, self.badge.height) + 4
        return aw, self.height

    def draw(self):
        c = self.canv
        self.para.drawOn(c, 0, self.height - self.para.height - 1)
        self.badge.drawOn(c, self.width - self.badge.width, self.height - self.badge.height - 1)
        c.saveState()
        c.setStrokeColor(S.RULE)
        c.setLineWidth(0.5)
        c.line(0, 0, self.width, 0)
        c.restoreState()

    def getSpaceBefore(self):
        return self.para.style.spaceBefore

    def getSpaceAfter(self):
        return 3


CHUNK = 1800


def chunk_text(text: str, size: int = CHUNK) -> list[str]:
    """Split long text into pieces of about ``size`` characters at line, sentence or word ends.

    A single huge Paragraph is re-wrapped on every page it is split over (quadratic); several
    medium ones lay out in linear time and still flow across pages.
    """
    out: list[str] = []
    rest = text
    while len(rest) > size:
        window = rest[: size]
        cut = max(window.rfind("\n"), window.rfind(". ") + 1, size // 2 if " " not in window else window.rfind(" "))
        if cut < size // 3:
            cut = size
        out.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n ")
    if rest or not out:
        out.append(rest)
    return out


def answer_paragraphs(label: str, value: str) -> list:
    """An answer: small muted label line plus the (escaped) value, as one or more paragraphs."""
    pieces = chunk_text(clean(value)) if value else ["—"]
    first = Paragraph(S.ANSWER_LABEL_OPEN + esc(label) + S.ANSWER_LABEL_CLOSE + esc(pieces[0]), S.ANSWER)
    return [first, *(Paragraph(esc(p), S.ANSWER_CONT) for p in pieces[1:])]


def long_paragraphs(text: str, style) -> list:
    return [Paragraph(esc(p), style) for p in chunk_text(clean(text))]


def _cell(value, width: float):
    """Short single-line text becomes a plain string cell (drawn with drawString, no markup
    parsing, no wrapping: much cheaper); anything else an escaped, wrapping Paragraph."""
    if isinstance(value, Flowable):
        return value
    text = clean(value)
    if "\n" not in text and len(text) < 80 and fits_main_font(text) and stringWidth(text, S.FONT, S.CELL.fontSize) <= width - 9:
        return text
    return Paragraph(esc(text), S.CELL)


@lru_cache(maxsize=64)
def _head_style(size: float):
    return S.CELL_HEAD.clone(f"cellhead-{size}", fontSize=size, leading=size + 2)


def _head_cell(text: str, width: float):
    """A header cell whose longest word fits its column: the font shrinks (down to 6 pt) rather than
    breaking a word in two ("Openbaa / r")."""
    words = clean(text).split() or [""]
    longest = max(stringWidth(w, S.FONT_BOLD, S.CELL_HEAD.fontSize) for w in words)
    room = width - 9
    size = S.CELL_HEAD.fontSize
    if longest > room > 0:
        size = max(6.0, round(S.CELL_HEAD.fontSize * room / longest - 0.05, 1))
    return Paragraph(esc(text), S.CELL_HEAD if size == S.CELL_HEAD.fontSize else _head_style(size))


def data_table(headers, rows, col_widths, head_colour=S.ACCENT) -> Table:
    """A zebra table whose header row repeats on every page; cells may split across pages."""
    data = [[_head_cell(h, w) for h, w in zip(headers, col_widths)]]
    for r in rows:
        cells = list(r)[: len(headers)] + [""] * max(0, len(headers) - len(r))
        data.append([_cell(c, w) for c, w in zip(cells, col_widths)])
    t = Table(data, colWidths=col_widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    style = [S.TABLE_FONT,
        ("BACKGROUND", (0, 0), (-1, 0), head_colour),
        ("FONT", (0, 1), (-1, -1), S.FONT, S.CELL.fontSize, S.CELL.leading),
        ("TEXTCOLOR", (0, 1), (-1, -1), S.INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, S.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for i in range(2, len(data), 2):
        style.append(("BACKGROUND", (0, i), (-1, i), S.SHADE))
    t.setStyle(TableStyle(style))
    return t


def key_value_table(pairs, key_width, value_width, key_style=S.COVER_KEY, val_style=S.COVER_VAL) -> Table:
    data = [[Paragraph(esc(k), key_style), Paragraph(esc(v), val_style)] for k, v in pairs]
    t = Table(data, colWidths=(key_width, value_width), hAlign="LEFT", splitInRow=1)
    t.setStyle(TableStyle([S.TABLE_FONT, 
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, S.RULE),
    ]))
    return t


@lru_cache(maxsize=64)
def _qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """QR modules as (row, col, run length) of dark runs; cached because mask selection is slow.

    Encoded with ``qrcode`` (error correction M, best mask by the standard's penalty rules): about
    twice as fast as reportlab's encoder, which matters because every document has its own URL.
    """
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(url)
    qr.make(fit=True)
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, group in itertools.groupby(bool(v) for v in row):
            n = len(list(group))
            if dark:
                runs.append((r, c, n))
            c += n
    return qr.modules_count, tuple(runs)


class _FixedPath:
    """An immutable, pre-formatted path for ``Canvas.drawPath`` (shared between threads)."""

    __slots__ = ("_code",)
    _fillMode = FILL_NON_ZERO

    def __init__(self, code: str):
        self._code = code

    def getCode(self) -> str:
        return self._code


@lru_cache(maxsize=64)
def _qr_path(url: str, border: int) -> tuple[int, _FixedPath | None]:
    """(modules incl. border, path) of the QR code in module units with the origin lower left:
    computed once per URL; every draw is then one transform plus one cached filled path."""
    count, runs = _qr_runs(url)
    top = count + border - 1
    ops = " ".join(f"{col + border} {top - r} {n} 1 re" for r, col, n in runs)
    return count + 2 * border, (_FixedPath(ops) if ops else None)


def draw_qr(c, url: str, x: float, y: float, size: float, border: int = 2) -> None:
    """Draw a QR code for ``url`` with its lower-left corner at (x, y) as one filled path."""
    modules, path = _qr_path(plain(url, 500), border)
    if path is None:
        return
    box = size / modules
    c.saveState()
    c.transform(box, 0, 0, box, x, y)
    c.setFillColor(S.INK)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


class QrFlowable(Flowable):
    def __init__(self, url: str, size: float):
        super().__init__()
        self.url, self.size = url, size
        self.width = self.height = size

    def wrap(self, aw, ah):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.url, 0, 0, self.size)


class SignatureReservation(Flowable):
    """Last flowable: claims the rest of the frame if SIGNATURE_BOX (plus caption) is free on
    this page, otherwise forces a new page. Draws the caption and frame; pyHanko fills the box."""

    CAPTION_GAP = 14

    def __init__(self, caption: str, verify_url: str = "", verify_text: str = ""):
        super().__init__()
        self.caption = caption
        self.verify_url = verify_url
        self.verify_text = verify_text
        self._needed = S.SIGNATURE_BOX[3] + self.CAPTION_GAP + 4 - S.MARGIN_BOTTOM

    def wrap(self, aw, ah):
        self.width = aw
        self.height = self._needed if ah >= self._needed else ah + 1
        if ah >= self._needed:
            self.height = ah  # consume the rest of the page: nothing can follow the box
        return aw, self.height

    def split(self, aw, ah):
        return []

    def draw(self):
        c = self.canv
        x1, y1, x2, y2 = S.SIGNATURE_BOX
        c.saveState()
        # Flowable origin is the frame bottom (we consumed the whole remaining height).
        oy = -S.MARGIN_BOTTOM
        ox = -S.MARGIN_LEFT
        c.setFont(S.FONT_BOLD, 8)
        c.setFillColor(S.MUTED)
        c.drawString(ox + x1, oy + y2 + 5, plain(self.caption, 100))
        c.setStrokeColor(S.RULE)
        c.setDash(2, 2)
        c.setLineWidth(0.6)
        c.rect(ox + x1, oy + y1, x2 - x1, y2 - y1, stroke=1, fill=0)
        c.restoreState()
        if self.verify_url:
            size = y2 - y1 + 14
            qx = ox + S.PAGE_WIDTH - S.MARGIN_RIGHT - size
            draw_qr(c, self.verify_url, qx, oy + y1, size)
            tw = qx - (ox + x2) - 16
            text = self.verify_text.replace(URL_MARK, url_lines(self.verify_url, tw, S.FONT_BOLD,
                                                                S.MUTED_SMALL.fontSize))
            p = Paragraph(text, S.MUTED_SMALL)
            _w, th = p.wrap(tw, size)
            p.drawOn(c, ox + x2 + 10, oy + y1 + (size - th) / 2)
        doc = getattr(c, "_doctemplate", None)
        if doc is not None:
            doc.signature_page = c.getPageNumber()


URL_MARK = "\x00url\x00"  # where SignatureReservation puts the verification URL, wrapped to its width


def url_lines(url: str, width: float, font: str, size: float) -> str:
    """The URL in bold on lines of its own, broken only after a "/" (never inside a segment), so a
    reader can type it over; a segment wider than the line keeps a line to itself."""
    parts = [p for p in plain(url, 200).replace("/", "/\n").split("\n") if p]
    lines: list[str] = []
    for part in parts:
        if lines and stringWidth(lines[-1] + part, font, size) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return "<br/>" + "<br/>".join(f"<b>{esc(line)}</b>" for line in lines) + "<br/>"


def verify_text(d) -> str:
    return (_("Controleer de echtheid: scan de QR-code of ga naar")
            + (URL_MARK if d.verify_url else _(" het verificatieadres"))
            + _("(documentnummer %(number)s).", number=esc(plain(d.document_number, 60))))


def build(story, meta: DocMeta) -> bytes:
    S.register_fonts()
    buf = io.BytesIO()
    doc = ReportDoc(buf, meta)
    doc.build(story, canvasmaker=canvas_maker(meta))
    return buf.getvalue()

