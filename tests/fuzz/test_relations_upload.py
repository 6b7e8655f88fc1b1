"""Fuzzing the relations upload: arbitrary workbooks (cells anywhere up to column XFD, any text,
numbers, control characters, lying dimensions) and CSV bytes are either read or refused with
UploadError (a Dutch message); nothing else escapes, and an accepted name holds no control character."""
from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from integrity_tool.services import matching
from integrity_tool.textcheck import has_control_chars
from tests.griffie import upload_memory

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

xml_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"],
                                          exclude_characters="\x00\ufffe\uffff"), max_size=60)
value = st.one_of(xml_text, st.integers(-10**12, 10**12).map(str), st.sampled_from(
    ["naam", "kvk", "categorie", "leverancier", "12345678", "Aannemer Pietersen", "a\tb", "x\u0085y", ""]))
column = st.one_of(st.integers(1, 5), st.integers(1, 16_384))


def _cell(ref: str, text: str, numeric: bool) -> str:
    if numeric and text.lstrip("-").isdigit():
        return f'<c r="{ref}"><v>{text}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


@st.composite
def workbooks(draw):
    rows = ['<row r="1">' + "".join(_cell(f"{get_column_letter(c)}1", h, False)
                                    for c, h in enumerate(draw(st.permutations(["naam", "kvk", "categorie"])), 1))
            + "</row>"]
    for r in range(2, draw(st.integers(2, 12))):
        cols = sorted(set(draw(st.lists(column, max_size=5))))
        rows.append(f'<row r="{r}">' + "".join(_cell(f"{get_column_letter(c)}{r}", draw(value), draw(st.booleans()))
                                              for c in cols) + "</row>")
    dim = draw(st.sampled_from(["A1:C1", "A1:XFD1048576", f"A1:C{len(rows)}", "A1"]))
    return upload_memory.workbook(rows, dim=dim)


def _check(filename: str, data: bytes) -> None:
    try:
        rows = matching.parse_relations(filename, data)
    except matching.UploadError as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        return
    for r in rows:
        assert r.name and len(r.name) <= 300 and not has_control_chars(r.name)


@FUZZ
@given(data=workbooks())
def test_any_workbook_is_read_or_refused(data):
    _check("lijst.xlsx", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), workbooks().map(lambda b: b[: len(b) // 2])))
def test_any_bytes_as_xlsx_or_csv_are_read_or_refused(data):
    _check("lijst.xlsx", data)
    _check("lijst.csv", b"naam;kvk;categorie\n" + data)
