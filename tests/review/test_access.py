"""Acceptance 2 of issue 5: nobody outside the reviewer's organisation (and no griffier or other
candidate) can read or change anything of the review: 404, never a hint that the dossier exists."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from integrity_tool.models import ClarificationRequest, DossierStatus, MeasureAgreement, db
from integrity_tool.services import measures, review
from tests.conftest import login

from tests.factories import advance

from .helpers import base_answers, new_client

GET_PATHS = ["", "/wijzigingen", "/gespreksleidraad", "/maatregelen", "/afronden", "/tijdlijn",
             "/rapport/vertrouwelijk"]
POST_PATHS = [
    ("/bevinding", {"finding_key": "omstreden_rol", "new_level": "hoog", "justification": "x"}),
    ("/opmerking", {"target": "question:werkgever", "body": "x"}),
    ("/toelichting", {"question_1": "x"}),
    ("/gesprek", {"held_on": "2026-01-01", "participants": "x", "notes": "x"}),
    ("/maatregelen", {"title": "x", "description": "x", "owner": "candidate", "due_date": "2026-01-01"}),
    ("/maatregelen/voorleggen", {}),
    ("/afronden", {"outcome": "ernstige_risicos", "conclusion": "x"}),
    ("/ondertekenen", {"code": "123456"}),
    ("/aanvulling", {"body": "x"}),
]


@pytest.fixture
def outsiders(app, make_org, make_user, make_dossier, world):
    other = make_dossier.world("ingediend", org=make_org(), answers=base_answers())
    return {
        "reviewer of another organisation": other.reviewer,
        "griffier": world.griffier,
        "other candidate": make_user("candidate", world.org),
        "the candidate": world.candidate,
    }


def test_outsiders_get_404_on_every_review_url(app, world, outsiders):
    base = f"/beoordeling/dossier/{world.dossier.public_id}"
    for who, user in outsiders.items():
        c = new_client(app)
        login(c, user)
        for path in GET_PATHS:
            if who == "griffier" and path == "/rapport/vertrouwelijk":
                continue  # griffier may reach the download URL; the confidential kind is 404 (tested below)
            assert c.get(base + path).status_code == 404, (who, path)
        for path, data in POST_PATHS:
            assert c.post(base + path, data=data).status_code == 404, (who, path)
    db.session.refresh(world.dossier)
    assert world.dossier.status == DossierStatus.ingediend  # nobody started the review
    assert db.session.scalar(select(ClarificationRequest.id)) is None


def test_outsiders_cannot_touch_candidate_side(app, make_org, make_user, world):
    review.open_dossier(world.reviewer, world.dossier.public_id)
    review.request_clarification(world.reviewer, world.dossier, ["Vraag?"])
    question = db.session.scalar(select(ClarificationRequest))
    intruder = make_user("candidate", world.org)
    c = new_client(app)
    login(c, intruder)
    resp = c.post(f"/kandidaat/maatregelen/toelichting/{world.dossier.public_id}",
                  data={"request_id": str(question.id), "response": "gekaapt"})
    assert resp.status_code == 404
    assert "Vraag?" not in c.get("/kandidaat/maatregelen/").get_data(as_text=True)
    assert c.get(f"/kandidaat/maatregelen/rapport/{world.dossier.public_id}").status_code == 404
    db.session.refresh(question)
    assert question.response is None


def test_other_candidate_cannot_accept_measure(app, make_user, world):
    from datetime import date

    review.open_dossier(world.reviewer, world.dossier.public_id)
    m = measures.propose_measure(world.reviewer, world.dossier, title="T", description="D", owner="candidate",
                                 due_date=date(2030, 1, 1))
    measures.send_to_candidate(world.reviewer, world.dossier)
    c = new_client(app)
    login(c, make_user("candidate", world.org))
    assert c.post(f"/kandidaat/maatregelen/{m.public_id}/reactie", data={"accept": "1"}).status_code == 404
    assert db.session.get(MeasureAgreement, m.id).accepted_at is None


def test_griffier_gets_summary_but_not_confidential_report(app, world):
    advance(world.dossier, "afgerond")
    c = new_client(app)
    login(c, world.griffier)
    base = f"/beoordeling/dossier/{world.dossier.public_id}/rapport"
    assert c.get(base + "/vertrouwelijk").status_code == 404
    assert c.get(base + "/samenvatting").status_code == 200
    assert c.get(base + "/onzin").status_code == 404
