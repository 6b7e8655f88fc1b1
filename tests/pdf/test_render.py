"""Text, structure and metadata of the two rendered reports."""
from __future__ import annotations

import dataclasses
import io
import re

from pypdf import PdfReader

from integrity_tool.pdf import MeasureView, render_confidential, render_summary
from integrity_tool.pdf.sample import sample_report_data

from tests.pdf.pdf_test_helpers import flat, pages_text


def test_confidential_contains_the_dossier(data, confidential_pdf):
    text = "\n".join(pages_text(confidential_pdf))
    f = flat(text)
    for needle in (data.candidate_name, data.organisation_name, data.document_number, "Conclusie",
                   "Bevindingen per thema", "Beheersmaatregelen", "Antwoorden", "Ondertekening",
                   "Verduidelijkingsvragen", data.questionnaire_version):
        assert flat(needle) in f, needle
    for finding in data.findings:
        assert flat(finding.theme_title) in f
        assert flat(finding.explanation) in f
    for section in data.sections:
        assert flat(section.title) in f
        for row in section.rows:
            assert flat(row.value) in f
    for m in data.measures:
        assert flat(m.title) in f
    assert "Niveau gewijzigd" in text and "Motivering" in text
    assert flat("Blokkerend") in f and "Aandachtspunt" in text


def test_confidential_every_page_marked_and_numbered(confidential_pdf):
    pages = pages_text(confidential_pdf)
    n = len(pages)
    assert n >= 3
    for i, t in enumerate(pages, 1):
        assert "VERTROUWELIJK" in t, f"page {i}"
        assert f"pagina {i} van {n}" in t
        assert "RI-2026-000042-V" in t


def test_metadata_and_outline(confidential_pdf, summary_pdf):
    r = PdfReader(io.BytesIO(confidential_pdf))
    assert r.metadata.title.startswith("Risicoanalyse integriteit")
    assert r.metadata.author == "Gemeente Súdwest-Fryslân"
    assert "RI-2026-000042-V" in r.metadata.subject
    assert r.metadata.get("/DocumentNumber") == "RI-2026-000042-V"
    assert r.trailer["/Root"]["/Lang"] == "nl-NL"
    titles = [o.title for o in r.outline if not isinstance(o, list)]
    assert "1. Conclusie" in titles and "4. Antwoorden" in titles and "7. Ondertekening" in titles
    s = PdfReader(io.BytesIO(summary_pdf))
    assert s.metadata.title.startswith("Samenvatting voor de gemeenteraad")
    assert s.trailer["/Root"]["/Lang"] == "nl-NL"


def test_fonts_are_embedded_truetype(confidential_pdf):
    r = PdfReader(io.BytesIO(confidential_pdf))
    fonts = r.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] in ("/TrueType", "/Type0"), font
        desc = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in desc.get_object()


def test_dutch_diacritics_and_euro_extract(data):
    pdf = render_confidential(sample_report_data(hostile=True))
    f = flat("\n".join(pages_text(pdf)))
    for needle in ("€1.234,56", "café", "naïef", "coördinatie", "IJsselmeer", "ijs", "IJmuiden", "Súdwest-Fryslân"):
        assert flat(needle) in f, needle


def test_summary_contains_only_public_information(data, summary_pdf):
    text = "\n".join(pages_text(summary_pdf))
    f = flat(text)
    assert flat(data.conclusion) in f
    assert flat(data.candidate_name) in f and "wethouder" in text
    assert flat(data.outcome_label) in f
    assert flat("24 maart 2026") in f  # when the analysis was completed
    for m in data.measures:
        assert (flat(m.title) in f) == m.mentionable, m.title
    for row in data.public_nevenfuncties:
        assert flat(row[0]) in f
    # nothing confidential
    for finding in data.findings:
        assert flat(finding.explanation) not in f
        assert flat(finding.legal) not in f
    for section in data.sections:
        for row in section.rows:
            if len(row.value) > 4:
                assert flat(row.value) not in f, row.value
            assert flat(row.label) not in f, row.label
    assert flat(data.gesprek_notes) not in f
    assert "VERTROUWELIJK" not in text
    for c in data.comments:
        assert flat(c.body) not in f


def test_summary_filters_non_mentionable_measures_defensively(data):
    secret = MeasureView(title="GeheimeMaatregelXYZ", mentionable=False)
    pdf = render_summary(dataclasses.replace(data, measures=data.measures + (secret,)))
    assert "GeheimeMaatregelXYZ" not in "\n".join(pages_text(pdf))


def test_summary_labels_per_organisation_kind(data):
    d = dataclasses.replace(data, organisation_kind="kabinetsformatie", organisation_name="Kabinetsformatie 2026",
                            labels={"reviewer_title": "formateur", "body": "Tweede Kamer",
                                    "summary_title": "Samenvatting voor de Tweede Kamer"})
    text = "\n".join(pages_text(render_summary(d)))
    assert "Samenvatting voor de Tweede Kamer" in text and "op hoofdlijnen" in text
    assert "formateur" in text


def test_heavy_fixture_lays_out():
    d = sample_report_data(heavy=True)
    assert len(d.findings) == 30 and len(d.measures) == 20
    pdf = render_confidential(d)
    pages = pages_text(pdf)
    n = len(pages)
    assert n > 10
    assert all(f"pagina {i} van {n}" in t for i, t in enumerate(pages, 1))
    f = flat("\n".join(pages))
    assert flat("30. ") in f
    # repeat tables: header row is repeated on continuation pages
    header_pages = [t for t in pages if "Nevenfunctie" in t or "Bezoldiging" in t]
    assert len(header_pages) >= 1
    render_summary(d)


def test_fifty_repeat_items_repeat_header_rows():
    d = sample_report_data()
    rows = tuple((f"Functie nummer {i}", "onbezoldigd", "ja", "x " * (i % 40)) for i in range(50))
    sections = list(d.sections)
    from integrity_tool.pdf import RepeatTable, SectionView
    sections.append(SectionView("Vijftig items", repeats=(RepeatTable("Lange lijst", ("KolomA", "KolomB", "KolomC", "KolomD"), rows),)))
    pages = pages_text(render_confidential(dataclasses.replace(d, sections=tuple(sections))))
    with_items = [t for t in pages if "Functie nummer" in t]
    assert len(with_items) >= 2
    assert all("KolomA" in t for t in with_items)  # repeatRows=1
    f = flat("\n".join(pages))
    assert all(flat(f"Functie nummer {i}") in f for i in range(50))


def test_rendering_is_deterministic(data):
    assert render_confidential(data) == render_confidential(data)
    assert render_summary(data) == render_summary(data)
    assert re.search(rb"/CreationDate \(D:20260324", render_confidential(data))
