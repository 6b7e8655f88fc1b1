"""Acceptance 1 of issue 5: the whole review through the web UI, ending in a frozen dossier."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from integrity_tool.models import (AuditEvent, ClarificationRequest, DossierStatus, FindingDecision, Gesprek,
                                   MeasureAgreement, MeasureStatus, Report, db)
from integrity_tool.services import review
from integrity_tool.services.errors import StateError
from tests.conftest import login, outbox_messages

from tests.factories import fresh_code, submit_answers

from .helpers import base_answers, new_client


def _form(**data):
    return {k: v for k, v in data.items() if v is not None}


def test_full_review_flow(app, world):
    d, reviewer, candidate = world.dossier, world.reviewer, world.candidate
    rc, cc = new_client(app), new_client(app)
    login(rc, reviewer)
    login(cc, candidate)

    # Dashboard lists the dossier with its counts; opening it starts the review.
    page = rc.get("/beoordeling/").get_data(as_text=True)
    assert candidate.name in page and "Ingediend" in page
    resp = rc.get(f"/beoordeling/dossier/{d.public_id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Blokkerend" in html and "Stichting Dorpshuis De Linde" in html
    db.session.refresh(d)
    assert d.status == DossierStatus.in_behandeling and d.reviewer_id == reviewer.id

    # Adjust a finding: justification required, original level stays visible.
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/bevinding",
                   data={"finding_key": "omstreden_rol", "new_level": "hoog", "justification": ""})
    assert resp.status_code == 400
    assert db.session.scalar(select(func.count(FindingDecision.id))) == 0
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/bevinding",
                   data={"finding_key": "omstreden_rol", "new_level": "hoog",
                         "justification": "De rol is breder bekend dan de kandidaat aangeeft."})
    assert resp.status_code == 302
    html = rc.get(f"/beoordeling/dossier/{d.public_id}").get_data(as_text=True)
    assert "oorspronkelijk:" in html and "De rol is breder bekend" in html

    # Comments per question and per finding.
    assert rc.post(f"/beoordeling/dossier/{d.public_id}/opmerking",
                   data={"target": "question:werkgever", "body": "Navragen in het gesprek."}).status_code == 302
    assert rc.post(f"/beoordeling/dossier/{d.public_id}/opmerking",
                   data={"target": "finding:levert_aan_overheid", "body": "Zwaar punt."}).status_code == 302
    assert rc.post(f"/beoordeling/dossier/{d.public_id}/opmerking",
                   data={"target": "question:bestaat_niet", "body": "x"}).status_code == 400

    # Vraag om toelichting -> candidate answers on their page.
    before = len(outbox_messages(app))
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/toelichting",
                   data={"question_1": "Levert uw bedrijf nog aan de gemeente?", "question_2": ""})
    assert resp.status_code == 302
    db.session.refresh(d)
    assert d.status == DossierStatus.terug_naar_kandidaat
    assert len(outbox_messages(app)) == before + 1
    question = db.session.scalar(select(ClarificationRequest))
    page = cc.get("/kandidaat/maatregelen/").get_data(as_text=True)
    assert "Levert uw bedrijf nog aan de gemeente?" in page
    resp = cc.post(f"/kandidaat/maatregelen/toelichting/{d.public_id}",
                   data={"request_id": str(question.id), "response": "Nee, de leveringen zijn gestopt."})
    assert resp.status_code == 302
    db.session.refresh(question)
    assert question.response == "Nee, de leveringen zijn gestopt." and question.answered_at is not None

    # The candidate changes answers and resubmits (their save and submit services).
    submit_answers(d, base_answers(levert_aan_overheid=False, werkgever="Eigen praktijk"))
    html = rc.get(f"/beoordeling/dossier/{d.public_id}").get_data(as_text=True)
    db.session.refresh(d)
    assert d.status == DossierStatus.in_behandeling
    assert "Gewijzigd sinds de vorige indiening" in html
    assert "diff-old" in html and "Eigen praktijk" in html
    changes = rc.get(f"/beoordeling/dossier/{d.public_id}/wijzigingen").get_data(as_text=True)
    assert "Eigen praktijk" in changes and "gewijzigd" in changes

    # Gespreksleidraad (from findings and their ask) and the gesprek itself.
    guide = rc.get(f"/beoordeling/dossier/{d.public_id}/gespreksleidraad").get_data(as_text=True)
    assert "Legt u de functie bij Stichting Dorpshuis De Linde neer" in guide
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/gesprek",
                   data={"held_on": date.today().isoformat(), "participants": "Burgemeester, kandidaat, griffier",
                         "notes": "Open gesprek; afspraken gemaakt."})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count(Gesprek.id))) == 1

    # Two measures: one pre-filled from the catalogue (via the finding), one custom.
    prefill = rc.get(f"/beoordeling/dossier/{d.public_id}/maatregelen?voorstel=nevenfunctie_neerleggen|nevenfunctie_relatie:0")
    text = prefill.get_data(as_text=True)
    assert "Nevenfunctie neerleggen vóór de installatie" in text and "Stichting Dorpshuis De Linde" in text
    due = (date.today() + timedelta(days=14)).isoformat()
    assert f'value="{due}"' in text
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/maatregelen", data={
        "catalogue_id": "nevenfunctie_neerleggen", "title": "Nevenfunctie neerleggen vóór de installatie",
        "description": "Legt de functie bij Stichting Dorpshuis De Linde neer.", "owner": "candidate",
        "due_date": due, "finding_keys": ["nevenfunctie_relatie:0"], "mentionable": "y"})
    assert resp.status_code == 302
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/maatregelen", data={
        "catalogue_id": "", "title": "Jaarlijks gesprek over nevenfuncties", "description": "Met de burgemeester.",
        "owner": "reviewer", "due_date": due})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count(MeasureAgreement.id))) == 2
    before = len(outbox_messages(app))
    assert rc.post(f"/beoordeling/dossier/{d.public_id}/maatregelen/voorleggen").status_code == 302
    db.session.refresh(d)
    assert d.status == DossierStatus.maatregelen_voorgesteld
    assert len(outbox_messages(app)) == before + 1

    # The candidate accepts both; the time is recorded.
    for m in db.session.scalars(select(MeasureAgreement)).all():
        assert cc.post(f"/kandidaat/maatregelen/{m.public_id}/reactie", data={"accept": "1"}).status_code == 302
    accepted = db.session.scalars(select(MeasureAgreement)).all()
    assert all(m.status == MeasureStatus.geaccepteerd and m.accepted_at for m in accepted)

    # Conclusion and sign-off with a fresh TOTP code.
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/afronden", data={
        "outcome": "beheersbaar_met_afspraken", "conclusion": "Risico's zijn beheersbaar met de afspraken."})
    assert resp.status_code == 302
    db.session.refresh(d)
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/ondertekenen", data={"code": "000000", "version": d.version})
    assert resp.status_code == 400
    db.session.refresh(d)
    assert d.status == DossierStatus.maatregelen_voorgesteld
    resp = rc.post(f"/beoordeling/dossier/{d.public_id}/ondertekenen",
                   data={"code": fresh_code(reviewer), "version": d.version})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.refresh(d)
    assert d.status == DossierStatus.afgerond and d.signed_off_by_id == reviewer.id
    assert db.session.scalar(select(func.count(Report.id))) == 2

    # Frozen: every mutating service and page refuses.
    with pytest.raises(StateError):
        review.decide_finding(reviewer, d, "omstreden_rol", None, "te laat")
    for url, data in [
        (f"/beoordeling/dossier/{d.public_id}/bevinding", {"finding_key": "omstreden_rol", "new_level": "hoog",
                                                          "justification": "x"}),
        (f"/beoordeling/dossier/{d.public_id}/opmerking", {"target": "question:werkgever", "body": "x"}),
        (f"/beoordeling/dossier/{d.public_id}/toelichting", {"question_1": "x"}),
        (f"/beoordeling/dossier/{d.public_id}/afronden", {"outcome": "ernstige_risicos", "conclusion": "x"}),
    ]:
        resp = rc.post(url, data=data)
        assert resp.status_code in (400, 409) or b"bevroren" in resp.data, url
    db.session.refresh(d)
    assert d.status == DossierStatus.afgerond and d.outcome == "beheersbaar_met_afspraken"
    assert db.session.scalar(select(func.count(FindingDecision.id))) == 1

    # Later information only as an addendum; the signed reports stay as they are.
    sha_before = {r.kind: r.sha256 for r in db.session.scalars(select(Report))}
    assert rc.post(f"/beoordeling/dossier/{d.public_id}/aanvulling",
                   data={"body": "Nevenfunctie aantoonbaar neergelegd."}).status_code == 302
    assert {r.kind: r.sha256 for r in db.session.scalars(select(Report))} == sha_before
    assert "Nevenfunctie aantoonbaar neergelegd." in rc.get(f"/beoordeling/dossier/{d.public_id}").get_data(as_text=True)

    # Timeline shows who did what; views are audited.
    timeline = rc.get(f"/beoordeling/dossier/{d.public_id}/tijdlijn").get_data(as_text=True)
    for label in ("Beoordeling gestart", "Vraag om toelichting gesteld", "Gesprek vastgelegd",
                  "Dossier afgerond en ondertekend", reviewer.name):
        assert label in timeline
    views = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "dossier.bekeken",
                                                                      AuditEvent.dossier_id == d.id))
    assert views >= 5


def test_conclusion_page_shows_labels_of_org_kind(app, make_org, make_dossier):
    w = make_dossier.world("ingediend", org=make_org(kind="provincie"), answers=base_answers())
    c = new_client(app)
    login(c, w.reviewer)
    html = c.get(f"/beoordeling/dossier/{w.dossier.public_id}").get_data(as_text=True)
    assert "Commissaris van de Koning" in html
    html = c.get(f"/beoordeling/dossier/{w.dossier.public_id}/afronden").get_data(as_text=True)
    assert "Provinciale Staten" in html


@pytest.mark.parametrize("status", [s for s in DossierStatus])
def test_every_reviewer_page_renders_in_every_status(app, make_dossier, status):
    w = make_dossier.world(status, answers=base_answers())
    c = new_client(app)
    login(c, w.reviewer)
    base = f"/beoordeling/dossier/{w.dossier.public_id}"
    for path in ("", "/wijzigingen", "/gespreksleidraad", "/maatregelen", "/afronden", "/tijdlijn",
                 "/toelichting", "/wijzigingen?versie=abc"):
        assert c.get(base + path).status_code in (200, 404), path
    assert c.get(f"/beoordeling/?status={status.value}").status_code == 200
    assert c.get("/beoordeling/?status=onzin").status_code == 200
    assert c.get("/beoordeling/maatregelen?status=verlopen").status_code == 200
    if status == DossierStatus.ingetrokken:
        return  # withdrawing anonymises the candidate's account at once: there is no candidate to log in
    cc = new_client(app)
    login(cc, w.candidate)
    assert cc.get("/kandidaat/maatregelen/").status_code == 200
