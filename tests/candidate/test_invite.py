"""The griffier's dossier creation: only applicable questionnaires and own reviewers."""
from __future__ import annotations

from sqlalchemy import select

from integrity_tool.models import Dossier, Role, db
from tests.conftest import login, outbox_messages

from .helpers import QID


def _post(client, **overrides):
    data = {"name": "Piet Kandidaat", "email": "piet@example.nl", "function_title": "Wethouder",
            "portfolio": "", "questionnaire": QID, "reviewer": "", "deadline": "", "round": ""}
    data.update(overrides)
    return client.post("/griffie/dossiers/nieuw", data=data)


def test_new_dossier_page_offers_only_applicable_questionnaires(client, griffier):
    login(client, griffier)
    html = client.get("/griffie/dossiers/nieuw").get_data(as_text=True)
    assert QID in html and "kandidaat-gedeputeerde" not in html
    r = _post(client, questionnaire="kandidaat-gedeputeerde")
    assert r.status_code == 422 and db.session.scalar(select(Dossier)) is None


def test_reviewer_must_belong_to_the_organisation(client, griffier, make_user, make_org):
    outsider = make_user("reviewer", make_org("Gemeente Anders"))
    login(client, griffier)
    r = _post(client, reviewer=str(outsider.id))
    assert r.status_code == 422 and db.session.scalar(select(Dossier)) is None


def test_invitation_creates_candidate_dossier_and_mail(app, client, griffier, reviewer):
    login(client, griffier)
    r = _post(client, reviewer=str(reviewer.id), deadline="01-12-2099")
    assert r.status_code == 422 and "binnen een jaar" in r.get_data(as_text=True)
    r = _post(client, reviewer=str(reviewer.id), email="PIET@Example.nl ")
    assert r.status_code == 302
    dossier = db.session.scalar(select(Dossier))
    assert dossier.candidate.role == Role.candidate and dossier.candidate.password_hash is None
    assert dossier.candidate.email == "piet@example.nl" and dossier.reviewer_id == reviewer.id
    assert len(outbox_messages(app)) == 1
    # The same address again: a second dossier for the same (not yet activated) candidate.
    assert _post(client, function_title="Wethouder (tweede)").status_code == 302
    assert len(db.session.scalars(select(Dossier)).all()) == 2


def test_only_griffiers_reach_the_invite_pages(app, make_dossier, reviewer):
    dossier = make_dossier(name="Kees Kandidaat")
    c = app.test_client()
    login(c, reviewer)
    assert c.get("/griffie/dossiers/nieuw").status_code == 404
    assert c.get(f"/griffie/dossiers/{dossier.public_id}/uitnodiging-opnieuw").status_code == 404


def test_resend_is_refused_after_activation(client, griffier, make_dossier):
    dossier = make_dossier(name="Kees Kandidaat")  # activated (has a password)
    login(client, griffier)
    page = client.get(f"/griffie/dossiers/{dossier.public_id}/uitnodiging-opnieuw").get_data(as_text=True)
    assert "al geactiveerd" in page
    r = client.post(f"/griffie/dossiers/{dossier.public_id}/uitnodiging-opnieuw")
    assert r.status_code == 302


def test_round_default_deadline_reaches_dossier_mail_and_candidate(app, client, griffier):
    """A dossier invited into a round gets the round's standaarddeadline; the mail and the candidate see it."""
    import email
    from datetime import date, timedelta

    from integrity_tool.models import Round
    from integrity_tool.services import rounds

    login(client, griffier)
    meeting = date.today() + timedelta(days=40)
    client.post("/griffie/rondes", data={"name": "Collegevorming", "appointment_date": meeting.isoformat()})
    ronde = db.session.scalar(select(Round))
    expected = rounds.default_deadline(ronde)
    assert expected == meeting - timedelta(days=14)
    assert _post(client, round=ronde.public_id).status_code == 302
    dossier = db.session.scalar(select(Dossier))
    assert dossier.round_id == ronde.id and dossier.deadline == expected
    message = email.message_from_bytes(outbox_messages(app)[-1].read_bytes())
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert f"uiterlijk {expected:%d-%m-%Y} indienen" in text
    # an explicit deadline wins over the round's
    own = date.today() + timedelta(days=5)
    assert _post(client, email="tweede@example.nl", round=ronde.public_id,
                 deadline=own.strftime("%d-%m-%Y")).status_code == 302
    assert db.session.scalar(select(Dossier).where(Dossier.id != dossier.id)).deadline == own
