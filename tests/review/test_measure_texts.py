"""Issue 13.1 and 13.2: no placeholder reaches signed text; measures name their subject, their owner by
office and "doorlopend" for standing obligations, in the reviewer's form, the candidate's view and both PDFs."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from integrity_tool.models import MeasureAgreement, MeasureStatus, Report, db
from integrity_tool.services import measures, review, signoff
from integrity_tool.services.errors import InvalidInput
from tests.conftest import login
from tests.pdf.pdf_test_helpers import flat

from tests.factories import fresh_code

from .helpers import base_answers, new_client

COMPANY = "Bouwbedrijf De Rivier B.V."


def _answers():
    return base_answers(heeft_ondernemingen=True, ondernemingen=[
        {"naam": COMPANY, "rechtsvorm": "bv", "belang_percentage": 100, "zaken_met_overheid": True}],
        ontwikkelgebied=True)


@pytest.fixture
def rich(make_dossier):
    world = make_dossier.world("ingediend", answers=_answers())
    review.open_dossier(world.reviewer, world.dossier.public_id)
    return world


def _company_key(world) -> str:
    """The company is one fact: its own rule, "levert aan de gemeente" and the fact rule (an own bv that
    supplies) are one merged finding (issue 12), under the fact rule's key."""
    from integrity_tool.services import snapshot

    found = snapshot.submission_findings(snapshot.latest_submission(world.dossier))
    return next(f.key for f in found if {"onderneming_zaken", "levert_aan_overheid"} <= set(f.rules))


def _text(pdf: bytes) -> str:
    return flat(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


def test_suggestions_never_carry_a_placeholder(rich):
    found = measures.suggestions(rich.dossier)
    assert found and all(not measures.unfilled(s.title, s.subject, s.description) for s in found)
    by_key = {(s.catalogue_id, s.finding_key): s for s in found}
    # {organisatie} is missing for a company: its name fills in
    key = _company_key(rich)
    company = by_key[("verschoning", key)]
    assert company.subject == COMPANY and f"dossiers die {COMPANY} raken" in company.description
    # a finding without an item: its own subject, never "(onbekend)"
    area = by_key[("verschoning", "ontwikkelgebied")]
    assert area.subject and "ontwikkelgebied" not in area.subject  # the (confidential) explanation stays out
    assert "ontwikkelgebied" in area.description and "(onbekend)" not in area.description
    # a standing obligation gets no deadline; others do
    assert company.due_date is None
    assert by_key[("onderneming_staken", key)].due_date == date.today() + timedelta(days=30)


def test_suggestion_is_dropped_once_added(rich):
    s = next(s for s in measures.suggestions(rich.dossier) if s.catalogue_id == "verschoning")
    measures.propose_measure(rich.reviewer, rich.dossier, title=s.title, description=s.description, owner=s.owner,
                             due_date=None, ongoing=True, finding_keys=[s.finding_key], catalogue_id=s.catalogue_id,
                             subject=s.subject)
    left = {(x.catalogue_id, x.finding_key) for x in measures.suggestions(rich.dossier)}
    assert (s.catalogue_id, s.finding_key) not in left and left


def test_form_warns_and_refuses_an_unfilled_placeholder(app, rich):
    c = new_client(app)
    login(c, rich.reviewer)
    url = f"/beoordeling/dossier/{rich.dossier.public_id}/maatregelen"
    page = c.get(url + f"?voorstel=verschoning|{_company_key(rich)}").get_data(as_text=True)
    assert COMPANY in page and "open plek" not in page and 'name="ongoing"' in page
    for text in ("Geen besluiten over dossiers die (onbekend) raken.", "Geen besluiten over {organisatie}."):
        resp = c.post(url, data={"title": "Verschoning", "description": text, "owner": "candidate",
                                 "due_date": "", "ongoing": "y"})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and "open plek" in html
    assert db.session.scalar(select(MeasureAgreement)) is None
    resp = c.post(url, data={"title": "Verschoning", "subject": COMPANY, "owner": "candidate", "ongoing": "y",
                             "description": f"Geen besluiten over dossiers die {COMPANY} raken."})
    assert resp.status_code == 302
    m = db.session.scalar(select(MeasureAgreement))
    assert m.due_date is None and m.subject == COMPANY


def test_sign_off_refuses_while_a_placeholder_remains(rich):
    d, reviewer = rich.dossier, rich.reviewer
    review.record_gesprek(reviewer, d, date.today(), "Burgemeester en kandidaat", "Gesprek.")
    review.decide_finding(reviewer, d, _company_key(rich), "hoog", "Wordt beëindigd.")
    legacy = MeasureAgreement(dossier_id=d.id, title="Verschoning", description="Dossiers die (onbekend) raken.",
                              owner="candidate", finding_keys=[], status=MeasureStatus.voorgesteld,
                              created_by_id=reviewer.id)
    db.session.add(legacy)
    db.session.commit()
    measures.send_to_candidate(reviewer, d)
    measures.respond(rich.candidate, legacy.public_id, accept=True)
    signoff.save_conclusion(reviewer, d, "beheersbaar_met_afspraken", "Beheersbaar.")
    assert any("open plek" in p for p in signoff.sign_off_problems(d))
    with pytest.raises(InvalidInput, match="open plek"):
        signoff.sign_off(reviewer, d, fresh_code(reviewer), expected_version=d.version)
    # the reviewer can still remove the accepted measure with the placeholder
    measures.remove_measure(reviewer, d, legacy.public_id)
    assert not any("open plek" in p for p in signoff.sign_off_problems(d))


@pytest.mark.parametrize("kind,office", [("gemeente", "burgemeester"), ("provincie", "commissaris van de Koning"),
                                         ("waterschap", "dijkgraaf"), ("kabinetsformatie", "formateur")])
def test_owner_by_office(make_org, make_dossier, kind, office):
    world = make_dossier.world("concept", org=make_org(kind=kind))
    m = MeasureAgreement(dossier_id=world.dossier.id, title="T", description="D", owner="reviewer",
                         finding_keys=[], created_by_id=world.reviewer.id)
    db.session.add(m)
    db.session.commit()
    assert m.owner_label == office


def test_summary_candidate_view_and_report_explain_the_measures(app, rich):
    d, reviewer, candidate = rich.dossier, rich.reviewer, rich.candidate
    review.record_gesprek(reviewer, d, date.today(), "Burgemeester en kandidaat", "Gesprek.")
    review.decide_finding(reviewer, d, _company_key(rich), "hoog", "Wordt beëindigd.")
    s = next(s for s in measures.suggestions(d) if (s.catalogue_id, s.finding_key) == ("verschoning",
                                                                                        _company_key(rich)))
    m1 = measures.propose_measure(reviewer, d, title=s.title, description=s.description, owner=s.owner,
                                  due_date=s.due_date, ongoing=s.due_date is None, finding_keys=[s.finding_key],
                                  catalogue_id=s.catalogue_id, subject=s.subject, mentionable=True)
    m2 = measures.propose_measure(reviewer, d, title="Portefeuille aanpassen", description="Geen ruimtelijke ordening.",
                                  owner="reviewer", due_date=date.today() + timedelta(days=14), mentionable=True,
                                  subject="Ruimtelijke ordening")
    measures.send_to_candidate(reviewer, d)
    c = new_client(app)
    login(c, candidate)
    page = c.get("/kandidaat/maatregelen/").get_data(as_text=True)
    assert f"Betreft: {COMPANY}" in page and "doorlopend" in page and "burgemeester" in page
    assert "beoordelaar" not in page
    for m in (m1, m2):
        measures.respond(candidate, m.public_id, accept=True)
    signoff.save_conclusion(reviewer, d, "beheersbaar_met_afspraken", "Beheersbaar.")
    signoff.sign_off(reviewer, d, fresh_code(reviewer), expected_version=d.version)
    for kind in ("samenvatting", "vertrouwelijk"):
        text = _text(db.session.scalar(select(Report).where(Report.kind == kind)).content)
        assert flat(f"Betreft: {COMPANY}") in text, kind
        assert "doorlopend" in text and "burgemeester" in text
        assert "beoordelaar" not in text and "(onbekend)" not in text
