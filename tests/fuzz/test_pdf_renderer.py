"""Fuzzing the PDF renderer: random user text in every ReportData string field gives PDF bytes,
never an exception; printable ASCII comes out literally (pypdf extraction), markup stays text."""
from __future__ import annotations

import dataclasses
import io
import socket

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from integrity_tool.pdf import (AnswerRow, ClarificationView, CommentView, FindingView, MeasureView, RepeatTable,
                                SectionView, render_confidential, render_summary)
from integrity_tool.pdf.sample import sample_report_data

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

BASE = sample_report_data()
BASE_IMAGES = {r.__name__: r(BASE).count(b"/Subtype /Image") for r in (render_confidential, render_summary)}

any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
markup = st.sampled_from([
    "<b>vet</b>", "<img src=\"http://127.0.0.1:9/x\"/>", "<font color='red'>x</font>", "&amp;", "&#x41;",
    "<para>", "]]>", "<br/>", "<a href=\"javascript:alert(1)\">x</a>", "{{7*7}}", "<script>alert(1)</script>",
    "\x00\x01\x1b[31m", "\u202e", "&", "<", ">", "%PDF-1.7", ") Tj ET (", "\\", "\t\n\r",
])
hostile = st.lists(st.one_of(any_text, markup), min_size=1, max_size=6).map("".join)
huge = st.integers(2000, 8000).map(lambda n: ("Ⅻ lange tekst & <x> " * (n // 20 + 1))[:n])
field_text = st.one_of(hostile, any_text)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def pdf_text(pdf: bytes) -> str:
    return "".join("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split())


def fill(data, value: str):
    """Replace every user string in the view-model (top level and nested) by ``value``."""
    top = {f.name: value for f in dataclasses.fields(data)
           if isinstance(getattr(data, f.name), str) and f.name not in ("outcome", "organisation_kind", "language")}
    comment = CommentView(author=value, at=None, target_label=value, body=value)
    return dataclasses.replace(
        data, **top,
        labels={k: value for k in (data.labels or {})},
        findings=(FindingView(theme_title=value, level="hoog", explanation=value, legal=value, original_level="hoog",
                              level_justification=value, answers=((value, value),), comments=(comment,)),),
        measures=(MeasureView(title=value, description=value, owner_label=value, status_label=value,
                              mentionable=True),),
        sections=(SectionView(title=value, rows=(AnswerRow(value, value),),
                              repeats=(RepeatTable(value, (value, value), ((value, value),)),)),),
        clarifications=(ClarificationView(asked_at=None, question=value, answer=value),),
        comments=(comment,),
        public_nevenfuncties=((value, value, value),),
    )


@FUZZ
@given(value=field_text)
def test_any_text_in_every_field_renders(no_network, value):
    data = fill(BASE, value)
    for render in (render_confidential, render_summary):
        pdf = render(data)
        assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
        # No image was fetched/embedded because of user text (the layout itself may have a QR code).
        assert pdf.count(b"/Subtype /Image") == BASE_IMAGES[render.__name__]


@FUZZ
@given(value=huge, where=st.sampled_from(["conclusion", "candidate_name", "gesprek_notes", "answer", "table"]))
def test_huge_value_in_one_field_renders(no_network, value, where):
    if where == "answer":
        data = dataclasses.replace(BASE, sections=(SectionView(title="x", rows=(AnswerRow("Vraag", value),)),))
    elif where == "table":
        data = dataclasses.replace(BASE, sections=(SectionView(title="x", repeats=(
            RepeatTable("t", ("a", "b"), ((value, value[:100]),)),)),))
    else:
        data = dataclasses.replace(BASE, **{where: value})
    pdf = render_confidential(data)
    assert pdf.startswith(b"%PDF-")


@FUZZ
@given(value=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=3, max_size=60))
def test_printable_ascii_is_extracted_literally(no_network, value):
    assume(value.strip())
    data = dataclasses.replace(BASE, conclusion=value,
                               sections=(SectionView(title="Fuzz", rows=(AnswerRow("Vraag", value),)),))
    text = pdf_text(render_confidential(data))
    assert "".join(value.split()) in text


@pytest.mark.parametrize("value", [
    '<img src="http://127.0.0.1:9/x">', "<b>niet vet</b> & <i>niet schuin</i>", "a < b > c && d",
    "<font color=\"[[[getattr(pow,Word('__globals__'))]]]\">exploit</font>", "{{7*7}} ${7*7} <%= 7*7 %>",
])
def test_markup_is_literal_text(no_network, value):
    data = dataclasses.replace(BASE, conclusion=value)
    text = pdf_text(render_confidential(data))
    assert "".join(value.split()) in text
    assert "49" not in text.split("".join(value.split()))[0][-5:]
