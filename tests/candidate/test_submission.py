"""Review before submit, the immutable submission, withdrawal, own-data export, encryption at rest."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, text

from integrity_tool.models import AuditEvent, Dossier, DossierStatus, Submission, db
from integrity_tool.services import submission
from integrity_tool.services.errors import StateError

from tests.factories import NEVENFUNCTIES, example_answers, questionnaire, save_answers


def _stored(dossier):
    db.session.expire_all()
    return db.session.get(Dossier, dossier.id)


def test_review_page_explains_blocking_answers_without_verdicts(candidate_client):
    client, candidate, dossier = candidate_client
    answers = example_answers()
    answers["vog_aangevraagd"] = False
    answers.pop("vog_datum", None)
    save_answers(_stored(dossier), answers)
    html = client.get(f"/kandidaat/dossier/{dossier.public_id}/controleren").get_data(as_text=True)
    assert "kunnen een benoeming in de weg staan" in html and "Dit is geen oordeel" in html
    assert "Gemeentewet art. 36a" in html
    assert "Blokkerend" not in html and "blokkerend" not in html and "Ernstige risico" not in html
    assert html.count("Wijzigen") > 10
    assert "Vragenlijst indienen" in html


def test_incomplete_questionnaire_cannot_be_submitted(candidate_client):
    client, candidate, dossier = candidate_client
    html = client.get(f"/kandidaat/dossier/{dossier.public_id}/controleren").get_data(as_text=True)
    assert "U kunt nog niet indienen" in html
    r = client.post(f"/kandidaat/dossier/{dossier.public_id}/indienen", data={"name": candidate.name, "confirm": "y"})
    assert r.status_code == 302 and _stored(dossier).status == DossierStatus.concept


def test_declaration_name_must_match_and_box_be_ticked(candidate_client):
    client, candidate, dossier = candidate_client
    save_answers(_stored(dossier), example_answers())
    url = f"/kandidaat/dossier/{dossier.public_id}/indienen"
    r = client.post(url, data={"name": "Iemand Anders", "confirm": "y"})
    assert r.status_code == 422 and "niet gelijk aan uw naam" in r.get_data(as_text=True)
    r = client.post(url, data={"name": candidate.name})
    assert r.status_code == 422 and "Vink aan" in r.get_data(as_text=True)
    assert _stored(dossier).status == DossierStatus.concept
    assert client.post(url, data={"name": candidate.name.upper(), "confirm": "y"}).status_code == 302
    assert _stored(dossier).status == DossierStatus.ingediend


def test_double_submit_gives_exactly_one_submission(app, candidate_client):
    client, candidate, dossier = candidate_client
    save_answers(_stored(dossier), example_answers())
    url = f"/kandidaat/dossier/{dossier.public_id}/indienen"
    data = {"name": candidate.name, "confirm": "y"}
    db.session.commit()  # release SQLite's lock: the two requests run in other threads
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _i: client.post(url, data=data).status_code, range(2)))
    assert all(code == 302 for code in results)
    assert client.post(url, data=data).status_code == 302  # a third click: a message, no second snapshot
    assert db.session.scalar(text("SELECT COUNT(*) FROM submission")) == 1
    sub = db.session.scalar(select(Submission))
    assert sub.declaration_name == candidate.name and sub.payload["declaration"]["name"] == candidate.name
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier.ingediend")).all()
    assert len(events) == 1 and events[0].detail["hash"] == questionnaire().content_hash


def test_service_refuses_a_second_submit(app_ctx, make_dossier):
    dossier = make_dossier(name="Kees Kandidaat")
    candidate = dossier.candidate
    save_answers(dossier, example_answers())
    submission.submit(candidate, dossier, candidate.name, "127.0.0.1")
    try:
        submission.submit(candidate, _stored(dossier), candidate.name, "127.0.0.1")
    except StateError:
        pass
    else:  # pragma: no cover
        raise AssertionError("second submit accepted")
    assert db.session.scalar(text("SELECT COUNT(*) FROM submission")) == 1


def test_raw_database_holds_no_readable_answer_text(app, candidate_client):
    client, candidate, dossier = candidate_client
    marker = "Zeldzame Stichting Kwartelkoning"
    answers = example_answers(items=[dict(NEVENFUNCTIES[0], organisatie=marker)])
    save_answers(_stored(dossier), answers)
    client.post(f"/kandidaat/dossier/{dossier.public_id}/indienen", data={"name": candidate.name, "confirm": "y"})
    assert _stored(dossier).status == DossierStatus.ingediend
    raw_answers = db.session.execute(text("SELECT answers FROM dossier WHERE id = :id"), {"id": dossier.id}).scalar()
    raw_payload = db.session.execute(text("SELECT payload, declaration_name FROM submission")).one()
    for blob in (raw_answers, raw_payload[0], raw_payload[1]):
        data = bytes(blob)
        assert marker.encode() not in data and b"Kwartelkoning" not in data
        assert candidate.name.encode() not in data
        assert data.startswith(b"gAAAAA")  # a Fernet token (AES + HMAC)
    assert _stored(dossier).answers["nevenfuncties"][0]["organisatie"] == marker


def test_withdrawal_deletes_answers_and_keeps_the_audit_trail(candidate_client):
    client, candidate, dossier = candidate_client
    save_answers(_stored(dossier), example_answers())
    client.post(f"/kandidaat/dossier/{dossier.public_id}/indienen", data={"name": candidate.name, "confirm": "y"})
    page = client.get(f"/kandidaat/dossier/{dossier.public_id}/intrekken").get_data(as_text=True)
    assert "Wilt u zich terugtrekken" in page
    assert _stored(dossier).status == DossierStatus.ingediend  # the GET only asks
    r = client.post(f"/kandidaat/dossier/{dossier.public_id}/intrekken")
    assert r.status_code == 302
    stored = _stored(dossier)
    assert stored.status == DossierStatus.ingetrokken and stored.withdrawn_at
    assert stored.answers is None and stored.finding_counts is None
    assert db.session.scalar(text("SELECT COUNT(*) FROM submission")) == 0
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "dossier.ingetrokken" in actions and "dossier.ingediend" in actions
    # Issue 19: nothing else of the candidate is kept, so the account is anonymised at once and the
    # session ends (this test used to check the home page of the still logged-in candidate).
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Uw antwoorden zijn verwijderd" in page and "u kunt niet meer inloggen" in page
    db.session.expire_all()
    assert not candidate.active and candidate.password_hash is None
    assert candidate.email.endswith("@verwijderd.invalid")
    assert client.get("/kandidaat/").status_code == 302  # logged out
    assert client.post(f"/kandidaat/dossier/{dossier.public_id}/intrekken").status_code == 302


def test_export_contains_everything_about_the_candidate(candidate_client):
    client, candidate, dossier = candidate_client
    save_answers(_stored(dossier), example_answers())
    client.post(f"/kandidaat/dossier/{dossier.public_id}/indienen", data={"name": candidate.name, "confirm": "y"})
    r = client.get("/kandidaat/mijn-gegevens.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.get_data(as_text=True))
    assert data["profiel"]["e_mail"] == candidate.email
    exported = data["dossiers"][0]
    assert exported["antwoorden"]["nevenfuncties"][0]["organisatie"] == "Sportclub De Bal"
    assert exported["indieningen"][0]["antwoorden"]["werkgever"]
    assert any(e["actie"] == "dossier.ingediend" for e in data["logboek"])
    assert "gegevens.gedownload" in db.session.scalars(select(AuditEvent.action)).all()
