"""The reports follow the reader's language: with an English-speaking candidate or reviewer, sign-off
also makes (and signs) English versions of both documents; the Dutch ones stay as they were."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from integrity_tool import signing
from integrity_tool.models import db
from integrity_tool.services import orgsetup, reports
from tests.conftest import login
from tests.factories import CONCLUSION, advance
from tests.review.helpers import base_answers, new_client

# Dutch words that may not appear in an English report (names, typed text and citations excluded).
DUTCH = re.compile(r"\b(Vertrouwelijk|Conclusie|Bevindingen|thema|Relevante antwoorden|Samenvatting|pagina|van de|"
                   r"Documentnummer|Uitkomst|Gesprek|Kandidaat|Maatregel|Eigenaar|Uiterlijk|Nevenfunctie|"
                   r"Ondertekening|Digitale handtekening|Ja|Nee|kandidaat|bevinding|maart|april|[Gg]eaccepteerd|[Uu]itgevoerd)\b")


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def english(make_dossier):
    world = make_dossier.world("ingediend", answers=base_answers())
    world.candidate.language = "en"
    db.session.commit()
    advance(world.dossier, "afgerond")
    return world


def _without_user_data(text: str) -> str:
    for data in ("Anna de Vries", "Stichting Dorpshuis De Linde", "Voetbalclub SV Vooruit", "Voorzitter",
                 "Penningmeester", "Adviesbureau Zilvermeeuw Geheim", "Wethouder", "Financiën",
                 "Nevenfunctie bij Stichting Dorpshuis neerleggen", "Vertrouwelijke afspraak over familiezaken",
                 "Voor de installatie.", "Niet openbaar.", "Burgemeester en kandidaat", "Goed gesprek.",
                 "Leveringen worden voor de installatie beëindigd."):
        text = text.replace(data, " ")
    text = re.sub(r"(Gemeente \w+|Gemeentewet[^.;]*|Algemene wet bestuursrecht[^.;]*|artikel 41b Gemeentewet)", " ",
                  text)
    return text.replace(CONCLUSION, " ")


def test_sign_off_makes_english_versions_of_both_reports(app, english):
    stored = reports.reports_of(english.dossier)
    assert set(stored) == {"vertrouwelijk", "samenvatting", "vertrouwelijk-en", "samenvatting-en"}
    assert stored["vertrouwelijk-en"].document_number.endswith("-VE")
    assert stored["samenvatting-en"].document_number.endswith("-SE")
    roots = [orgsetup.ensure_org_keys(english.org).ca_cert_pem]
    for report in stored.values():  # all four signed with the organisation's key
        assert signing.verify_pdf(report.content, roots).ok, report.kind
    confidential = _text(stored["vertrouwelijk-en"].content)
    assert "Confidential report" in confidential and "1. Conclusion" in confidential
    assert "2. Findings by theme" in confidential and "Relevant answers" in confidential
    assert "Secondary positions" in confidential                           # theme title from title_en
    assert "Does the organisation have a relationship with the municipality?" in confidential
    assert "Give up the secondary position before taking office" not in confidential  # reviewer's own title kept
    assert "page 1 of" in confidential and "Document number" in confidential
    assert "Accepted" in confidential and "?:" not in confidential  # measure status translated; no "?:" after a question
    found = DUTCH.findall(_without_user_data(confidential))
    assert not found, found
    summary = _text(stored["samenvatting-en"].content)
    assert "Agreed measures" in summary and "Public secondary positions" in summary
    assert not DUTCH.findall(_without_user_data(summary)), DUTCH.findall(_without_user_data(summary))
    # the Dutch versions are still Dutch
    assert "Vertrouwelijk rapport" in _text(stored["vertrouwelijk"].content)
    assert "Afgesproken maatregelen" in _text(stored["samenvatting"].content)
    out = os.environ.get("INTEGRITY_TOOL_PDF_OUT")  # to look at them: pdftoppm -png
    if out:
        for report in stored.values():
            Path(out, f"{report.kind}.pdf").write_bytes(report.content)


def test_each_reader_gets_their_language(app, english):
    pid = english.dossier.public_id
    c = new_client(app)
    login(c, english.candidate)
    mine = c.get(f"/kandidaat/maatregelen/{pid}/rapport") if False else None  # noqa: F841 (route below)
    stored = reports.reports_of(english.dossier)
    _name, content = reports.download(english.candidate, pid, "vertrouwelijk", lang="en")
    assert content == stored["vertrouwelijk-en"].content
    _name, content = reports.download(english.reviewer, pid, "samenvatting", lang="nl")
    assert content == stored["samenvatting"].content  # the raad's summary: Dutch by default
    _name, content = reports.download(english.reviewer, pid, "samenvatting-en", lang="nl")
    assert content == stored["samenvatting-en"].content  # and the English one on request
    _name, content = reports.download(english.griffier, pid, "samenvatting", lang="en")
    assert content == stored["samenvatting-en"].content
    with pytest.raises(Exception):
        reports.download(english.griffier, pid, "vertrouwelijk-en", lang="en")  # still scoped by role


def test_dutch_only_readers_get_no_english_versions(app, make_dossier):
    world = make_dossier.world("afgerond", answers=base_answers())
    assert set(reports.reports_of(world.dossier)) == {"vertrouwelijk", "samenvatting"}


def test_raad_summary_in_english_on_request(app, make_dossier):
    """Dutch readers only: the summary is Dutch; the reviewer (or griffier) can have it made in English as
    well, signed with the organisation's key; once; the Dutch one stays the default download."""
    world = make_dossier.world("afgerond", answers=base_answers())
    pid = world.dossier.public_id
    assert set(reports.reports_of(world.dossier)) == {"vertrouwelijk", "samenvatting"}
    c = new_client(app)
    login(c, world.reviewer)
    page = c.get(f"/beoordeling/dossier/{pid}").get_data(as_text=True)
    assert "Samenvatting ook in het Engels maken en ondertekenen" in page
    response = c.post(f"/beoordeling/dossier/{pid}/samenvatting-engels")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/beoordeling/dossier/{pid}")
    stored = reports.reports_of(world.dossier)
    assert set(stored) == {"vertrouwelijk", "samenvatting", "samenvatting-en"}
    english = stored["samenvatting-en"]
    assert english.document_number.endswith("-SE")
    roots = [orgsetup.ensure_org_keys(world.org).ca_cert_pem]
    assert signing.verify_pdf(english.content, roots).ok
    text = _text(english.content)
    assert "Summary for the municipal council" in text and "Agreed measures" in text
    assert not DUTCH.findall(_without_user_data(text)), DUTCH.findall(_without_user_data(text))
    assert "Article 41b of the Municipalities Act (Gemeentewet)" in text
    out = os.environ.get("INTEGRITY_TOOL_PDF_OUT")  # to look at it: pdftoppm -png
    if out:
        Path(out, "samenvatting-en-op-verzoek.pdf").write_bytes(english.content)
    # asked again (a double click, or the griffier): the same document, no second one
    assert c.post(f"/beoordeling/dossier/{pid}/samenvatting-engels").status_code == 302
    assert reports.reports_of(world.dossier)["samenvatting-en"].id == english.id
    # Dutch stays the default; the English one on request; the griffier's page links it
    assert reports.download(world.reviewer, pid, "samenvatting", lang="nl")[1] == stored["samenvatting"].content
    g = new_client(app)
    login(g, world.griffier)
    assert "Samenvatting in het Engels (PDF)" in g.get(f"/griffie/dossiers/{pid}").get_data(as_text=True)
    pdf = g.get(f"/griffie/dossiers/{pid}/rapport/samenvatting-en.pdf")
    assert pdf.status_code == 200 and pdf.data == english.content
    # the candidate cannot make it
    k = new_client(app)
    login(k, world.candidate)
    assert k.post(f"/beoordeling/dossier/{pid}/samenvatting-engels").status_code == 404
