"""integrity_tool.xlsx: rows -> bytes, read back with openpyxl."""
import io
from datetime import date

from openpyxl import load_workbook

from integrity_tool import xlsx

COLUMNS = [xlsx.Column("Naam", 20), xlsx.Column("Aantal", 8), xlsx.Column("Datum", 12, is_date=True)]


def _read(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_cells_keep_their_type_and_text_is_never_a_formula():
    rows = [["=1+1", 3, date(2026, 3, 17)], ["Anna\x01\x0b Bakker", None, ""], [True, 2.5, "2026-03-17"]]
    ws = _read(xlsx.workbook("Blad", COLUMNS, iter(rows)))
    assert ws.title == "Blad" and [c.value for c in ws[1]] == ["Naam", "Aantal", "Datum"]
    first = [c for c in ws[2]]
    assert first[0].value == "=1+1" and first[0].data_type == "s"  # text, not a formula
    assert first[1].value == 3 and first[2].value.date() == date(2026, 3, 17)
    assert first[2].number_format == "DD-MM-YYYY"
    second = [c.value for c in ws[3]]
    assert second[0].startswith("Anna") and "Bakker" in second[0] and second[1:] == [None, None]
    assert [c.value for c in ws[4]] == ["True", 2.5, "2026-03-17"]
    assert ws.auto_filter.ref == "A1:C4" and ws.freeze_panes == "A2"


def test_no_rows_is_a_header_only_sheet():
    ws = _read(xlsx.workbook("Leeg", COLUMNS, []))
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:C1"
