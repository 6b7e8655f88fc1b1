"""Issue 13.9, the small things a person notices: a favicon, the declaration asked once, and the
signed PDFs' verification URL and table headers that do not break inside a word."""
from __future__ import annotations

import dataclasses
import io

from pypdf import PdfReader

from integrity_tool.pdf import render_confidential, render_summary
from integrity_tool.pdf.layout import url_lines
from integrity_tool.pdf.sample import sample_report_data
from integrity_tool.pdf import styles as S
from integrity_tool.questionnaire import default_catalog


def test_favicon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in resp.data
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def test_declaration_is_asked_only_at_submission():
    for q in default_catalog().latest():
        labels = [question.label.lower() for question in q.top_questions()]
        assert not any("naar waarheid" in label for label in labels), q.id


def test_verification_url_breaks_only_after_a_slash():
    S.register_fonts()
    url = "http://127.0.0.1:5178/verificatie/RI-2026-000002-S"
    lines = url_lines(url, 60, S.FONT_BOLD, 7).replace("<b>", "").replace("</b>", "").split("<br/>")
    lines = [line for line in lines if line]
    assert "".join(lines) == url and len(lines) > 1
    assert all(line.endswith("/") for line in lines[:-1])


def _words(pdf: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_headers_and_url_do_not_split_words():
    data = dataclasses.replace(sample_report_data(), verify_url="http://127.0.0.1:5178/verificatie/RI-2026-000042-V")
    confidential = _words(render_confidential(data))
    assert "Openbaar" in confidential and "Openbaa\n" not in confidential
    summary = _words(render_summary(data))
    assert "RI-2026-000042-V" in summary.replace("\n", "")
    assert "127.0.0.1:5178/" in summary and "verificatie/" in summary  # whole segments per line
