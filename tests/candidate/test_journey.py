"""Acceptance 1: from the invitation e-mail to a submitted questionnaire, through the web pages only."""
from __future__ import annotations

import re

from sqlalchemy import select

from integrity_tool.models import AuditEvent, Dossier, DossierStatus, Submission, User, db
from tests.conftest import login, outbox_messages

from .helpers import NEVENFUNCTIES, QID, activate, item_post, questionnaire, section_post, version_of


def _invite(client, reviewer, name="Kees de Kandidaat", email="kees@example.nl"):
    questionnaire_id = QID
    r = client.post("/griffie/dossiers/nieuw", data={
        "name": name, "email": email, "function_title": "Wethouder", "portfolio": "Financiën",
        "questionnaire": questionnaire_id, "reviewer": str(reviewer.id), "deadline": "", "round": ""})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    return r


def _fill_section(client, qn, dossier_id, section, answers, action="next"):
    url = f"/kandidaat/dossier/{dossier_id}/onderdeel/{section.id}"
    page = client.get(url)
    assert page.status_code == 200
    data = section_post(qn, section, answers, version_of(page.get_data(as_text=True)), action=action)
    return client.post(url, data=data)


def _add_items(client, qn, dossier_id, section, repeat_id, items, answers):
    repeat = qn.question(repeat_id)
    url = f"/kandidaat/dossier/{dossier_id}/onderdeel/{section.id}"
    for item in items:
        page = client.get(url).get_data(as_text=True)
        data = section_post(qn, section, answers, version_of(page), action=f"add:{repeat_id}")
        r = client.post(url, data=data)
        assert r.status_code == 302 and r.location.endswith(f"/{repeat_id}/nieuw"), r.get_data(as_text=True)[:3000]
        form = client.get(r.location).get_data(as_text=True)
        r = client.post(r.location, data=item_post(qn, repeat, answers, item, version_of(form)))
        assert r.status_code == 302, r.get_data(as_text=True)[:3000]


def test_full_journey_from_invitation_to_submission(app, client, app_ctx, griffier, reviewer):
    login(client, griffier)
    _invite(client, reviewer)
    message = outbox_messages(app)[-1].read_text(errors="replace")
    assert "Uitnodiging" in message or "uitnodiging" in message.lower()

    candidate_client = app.test_client()
    secret = activate(app, candidate_client)
    home = candidate_client.get("/account/herstelcodes", follow_redirects=True).get_data(as_text=True)
    assert "Mijn risicoanalyse" in home

    dossier = db.session.scalar(select(Dossier))
    pid = dossier.public_id
    qn = questionnaire()
    answers: dict = {}
    sections = list(qn.sections)
    half = len(sections) // 2
    for section in sections[:half]:
        if section.id == "nevenfuncties":
            _add_items(candidate_client, qn, pid, section, "nevenfuncties", NEVENFUNCTIES, answers)
        r = _fill_section(candidate_client, qn, pid, section, answers)
        assert r.status_code == 302, (section.id, r.get_data(as_text=True)[:3000])
    # Leave halfway: "Opslaan en later verder", log out.
    r = _fill_section(candidate_client, qn, pid, sections[half], answers, action="later")
    assert r.status_code == 302 and r.location.endswith("/kandidaat/")
    candidate_client.post("/uitloggen")
    assert candidate_client.get("/kandidaat/").status_code == 302

    # Later, on another device: log in with password + TOTP and continue.
    user = db.session.scalar(select(User).where(User.email == "kees@example.nl"))
    assert user.totp_secret == secret and user.privacy_version
    other_device = app.test_client()
    login(other_device, user)
    overview = other_device.get(f"/kandidaat/dossier/{pid}/").get_data(as_text=True)
    assert re.search(rf"{half + 1} van {len(sections)} onderdelen klaar", overview), overview
    for section in sections[half + 1:]:
        r = _fill_section(other_device, qn, pid, section, answers)
        assert r.status_code == 302, (section.id, r.get_data(as_text=True)[:3000])
    assert r.location.endswith(f"/kandidaat/dossier/{pid}/controleren")

    review = other_device.get(r.location).get_data(as_text=True)
    assert "Sportclub De Bal" in review and "Coöperatie Groen &amp; Co" in review
    assert "€ 1.250,50" in review
    assert f"{len(sections)} van {len(sections)} onderdelen klaar" in review
    r = other_device.post(f"/kandidaat/dossier/{pid}/indienen", data={"name": " kees DE  kandidaat ", "confirm": "y"})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]

    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    assert dossier.status == DossierStatus.ingediend and dossier.submitted_at
    sub = db.session.scalar(select(Submission).where(Submission.dossier_id == dossier.id))
    assert sub.number == 1 and sub.questionnaire_hash == qn.content_hash and sub.ip
    assert [i["organisatie"] for i in sub.payload["answers"]["nevenfuncties"]] == [
        "Sportclub De Bal", "Stichting Buurtzorg Zuid", "Coöperatie Groen & Co"]
    assert sub.payload["answers"]["nevenfuncties"][1]["bedrag_per_jaar"] == "1250.50"
    assert sub.payload["answers"]["nevenfuncties"][2]["bedrag_per_jaar"] == "300.00"
    assert sub.payload["findings"]["questionnaire_id"] == QID
    assert dossier.finding_counts is not None

    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"uitnodiging.verstuurd", "account.geactiveerd", "inloggen", "antwoorden.opgeslagen",
            "dossier.ingediend"} <= actions
    # After submission the answers are read-only.
    r = other_device.get(f"/kandidaat/dossier/{pid}/onderdeel/{sections[0].id}")
    assert r.status_code == 302 and r.location.endswith("/antwoorden")
    r = other_device.post(f"/kandidaat/dossier/{pid}/onderdeel/{sections[0].id}",
                          data={"version": str(dossier.version), "ingezetene": "nee"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).answers["ingezetene"] is True
