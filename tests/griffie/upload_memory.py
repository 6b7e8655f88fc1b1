"""Worst relation uploads we could build within the 10 MB request limit, and a memory probe.

Run as ``python -m tests.griffie.upload_memory <kind>``: builds the file, then reads it the way
``matching.replace_relations`` does (``iter_relations``, streamed) and prints one JSON line with the
peak growth of the process (VmHWM after minus VmRSS before, in MB), the outcome and the file size.
A separate process per file, so one file's peak is not hidden by an earlier one.
"""
from __future__ import annotations

import gc
import io
import json
import sys
import zipfile

LIMIT = 10 * 1024 * 1024  # MAX_CONTENT_LENGTH

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
                 'xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{extra}</Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
             '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Relaties" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
           '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><dimension ref="{dim}"/><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _istr(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header() -> str:
    return f'<row r="1">{_istr("A1", "naam")}{_istr("B1", "kvk")}{_istr("C1", "categorie")}</row>'


def workbook(rows, *, dim: str = "A1:C1", shared: list[str] | None = None, styles: str | None = None) -> bytes:
    """A minimal .xlsx that openpyxl reads; ``rows`` is an iterable of <row> XML strings."""
    buf = io.BytesIO()
    extra_types, extra_rels = "", ""
    if shared is not None:
        extra_types += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.sharedStrings+xml"/>')
        extra_rels += ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       'relationships/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        extra_types += ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.styles+xml"/>')
        extra_rels += ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       'relationships/styles" Target="styles.xml"/>')
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(extra=extra_types))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS.format(extra=extra_rels))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.format(dim=dim).encode())
            for row in rows:
                sheet.write(row.encode())
            sheet.write(SHEET_TAIL.encode())
        if shared is not None:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(shared)}" '
                           f'uniqueCount="{len(shared)}">'.encode())
                for text in shared:
                    part.write(f"<si><t>{text}</t></si>".encode())
                part.write(b"</sst>")
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
    return buf.getvalue()


def _name(i: int, width: int) -> str:
    base = f"Leverancier {i:06d} Installatietechniek en Onderhoud "
    return (base * (width // len(base) + 1))[:width]


# --- the files ---------------------------------------------------------------------------------

def xfd_padding() -> tuple[str, bytes]:
    """Issue 18's repro scaled up: every row has a name in A and one value in column XFD."""
    rows = (f'<row r="{r}">{_istr(f"A{r}", f"Aannemer {r}")}<c r="XFD{r}"><v>1</v></c></row>'
            for r in range(2, 100_002))
    return "lijst.xlsx", workbook([_header(), *rows], dim="A1:XFD100001")


def review_repro() -> tuple[str, bytes]:
    """The review's file exactly (16 KB, 3000 rows, one value in column XFD plus a name), read through
    ``parse_relations`` (the API that also exists before the fix: this is the run that failed on main)."""
    rows = (f'<row r="{r}">{_istr(f"A{r}", f"Aannemer {r}")}<c r="XFD{r}"><v>1</v></c></row>' for r in range(2, 3_002))
    return "lijst.xlsx", workbook([_header(), *rows], dim="A1:XFD3001")


def xfd_only() -> tuple[str, bytes]:
    """The exact shape of the review's file, as many rows as the sheet limit allows: one cell in XFD."""
    rows = (f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(2, 109_000))
    return "lijst.xlsx", workbook([_header(), *rows], dim="A1:XFD109000")


def wide_rows() -> tuple[str, bytes]:
    """Rows just under the cells-per-row limit (1000 cells each; memory is per row, so 2000 rows show it)."""
    cells = "<c/>" * 999
    rows = (f'<row r="{r}">{_istr(f"A{r}", f"Aannemer {r}")}{cells}</row>' for r in range(2, 2_000))
    return "lijst.xlsx", workbook([_header(), *rows], dim="A1:ALL2500")


def one_huge_row() -> tuple[str, bytes]:
    """A million empty cells in one row (no references): openpyxl would build a dict for each."""
    return "lijst.xlsx", workbook([_header(), '<row r="2">' + "<c/>" * 1_000_000 + "</row>"])


def shared_strings() -> tuple[str, bytes]:
    """Shared strings just under their limit, small and all distinct (the most Python objects per byte)."""
    strings = [f"{i:07d}" for i in range(150_000)]
    rows = (f'<row r="{r}"><c r="A{r}" t="s"><v>{r}</v></c></row>' for r in range(2, 100_002))
    return "lijst.xlsx", workbook([_header(), *rows], shared=strings)


def styles_bomb() -> tuple[str, bytes]:
    """A styles part at its limit full of cell formats (openpyxl builds an object per format)."""
    xfs = "<xf/>" * 50_000
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}"><cellXfs count="50000">{xfs}'
              f"</cellXfs></styleSheet>")
    return "lijst.xlsx", workbook([_header(), f'<row r="2">{_istr("A2", "Aannemer Pietersen")}</row>'],
                                  styles=styles)


def long_names() -> tuple[str, bytes]:
    """The largest valid list: 100 000 rows, 300-character names, a KvK number and a category each."""
    rows = (f'<row r="{r}">{_istr(f"A{r}", _name(r, 300))}{_istr(f"B{r}", f"{10_000_000 + r}")}'
            f'{_istr(f"C{r}", "leverancier")}</row>' for r in range(2, 100_002))
    return "lijst.xlsx", workbook([_header(), *rows], dim="A1:C100001")


def huge_cell() -> tuple[str, bytes]:
    """One cell holding as much text as the sheet limit allows."""
    return "lijst.xlsx", workbook([_header(), f'<row r="2">{_istr("A2", "A" * 60_000_000)}</row>'])


def csv_wide_and_wide_chars() -> tuple[str, bytes]:
    """10 MB of CSV: ASCII with one character outside the BMP per line (4 bytes per character in
    memory), many short rows."""
    line = ("Leverancier 😀 " + "x" * 60 + ";12345678;leverancier\r\n").encode()
    return "lijst.csv", b"naam;kvk;categorie\r\n" + line * (LIMIT // len(line) - 1)


def csv_one_line() -> tuple[str, bytes]:
    """One 10 MB line of separators."""
    return "lijst.csv", b"naam;kvk;categorie\r\n" + b";" * (LIMIT - 100)


KINDS = {f.__name__: f for f in (review_repro, xfd_padding, xfd_only, wide_rows, one_huge_row, shared_strings, styles_bomb,
                                 long_names, huge_cell, csv_wide_and_wide_chars, csv_one_line)}


def _status(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(field)


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM to the current RSS (Linux >= 4.0)
        f.write("5")


def measure(kind: str) -> dict:
    from integrity_tool.services import matching

    filename, data = KINDS[kind]()
    # warm up: imports and openpyxl's/csv's one-time structures are not the upload's cost
    warm = workbook([_header(), f'<row r="2">{_istr("A2", "Aannemer Pietersen")}</row>'], dim="A1:C2")
    matching.parse_relations("lijst.xlsx", warm)
    gc.collect()
    _reset_peak()
    before = _status("VmRSS")
    errors: list[str] = []
    rows = 0
    outcome = "ok"
    try:
        if kind == "review_repro":
            rows = len(matching.parse_relations(filename, data))
        else:
            for _relation in matching.iter_relations(filename, data, errors):
                rows += 1
    except matching.UploadError as exc:
        errors = exc.errors
    if errors:
        outcome = "refused: " + errors[0]
    peak = _status("VmHWM")
    return {"kind": kind, "bytes": len(data), "rows": rows, "growth_mb": round(peak - before, 1), "outcome": outcome}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
    sys.stdout.flush()
