"""Switching to English changes the interface, the e-mails and the questionnaire labels."""
from __future__ import annotations

import dataclasses
import email
from email import policy

import pytest

from integrity_tool.models import User, db
from integrity_tool.services import invitations, users
from integrity_tool.services.notify import notify_candidate
from tests.conftest import login, outbox_messages

QID = "kandidaat-wethouder"


def _english(user: User) -> User:
    user.language = "en"
    db.session.commit()
    return user


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _mail(app, index: int = -1):
    messages = outbox_messages(app)
    assert messages
    msg = email.message_from_bytes(messages[index].read_bytes(), policy=policy.default)
    return msg, msg.get_body(preferencelist=("plain",)).get_content(), msg.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def candidate_dossier(make_dossier):
    dossier = make_dossier(name="Kees Kandidaat")
    return dossier.candidate, dossier


# --- anonymous visitors: the session's choice ---------------------------------------------------

def test_dutch_is_the_default(client):
    html = _page(client, "/")
    assert '<html lang="nl"' in html
    assert "Risicoanalyse integriteit" in html


def test_language_switch_without_account_uses_the_session(client):
    response = client.post("/taal/en", data={"next": "/inloggen"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    home = _page(client, "/")
    assert '<html lang="en"' in home
    assert "Integrity risk assessment" in home
    assert "Risicoanalyse integriteit" not in home
    assert "Nederlands" in home  # the switch back is offered
    login_page = _page(client, "/inloggen")
    assert "Log in" in login_page and "E-mail address" in login_page and "Password" in login_page
    assert "Wachtwoord" not in login_page
    client.post("/taal/nl", data={})
    assert "Risicoanalyse integriteit" in _page(client, "/")


def test_unknown_language_is_ignored(client):
    client.post("/taal/de", data={})
    assert '<html lang="nl"' in _page(client, "/")


def test_error_pages_and_their_messages_are_translated(client):
    client.post("/taal/en", data={})
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "Pagina niet gevonden" not in html


# --- users: their own setting -------------------------------------------------------------------

def test_switch_persists_on_the_user(app, client, make_user):
    user = make_user("candidate")
    login(client, user)
    client.post("/taal/en", data={"next": "/account"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "en"
    # a new session (another device) starts in English because the user chose it
    other = app.test_client()
    login(other, user)
    assert "My account" in _page(other, "/account")
    other.post("/taal/nl", data={})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "nl"


def test_user_language_wins_over_the_session(client, make_user):
    user = _english(make_user("candidate"))
    client.post("/taal/nl", data={})  # an anonymous choice before logging in...
    user.language = "en"              # ...does not override the account's setting once logged in
    db.session.commit()
    login(client, user)
    html = _page(client, "/account")
    assert '<html lang="en"' in html
    assert "My account" in html and "Change password" in html
    assert "Mijn account" not in html and "Wachtwoord wijzigen" not in html


def test_candidate_pages_in_english_with_questionnaire_labels(app, client, candidate_dossier):
    candidate, dossier = candidate_dossier
    _english(candidate)
    login(client, candidate)
    home = _page(client, "/kandidaat/")
    assert "My risk assessment" in home and "What happens now?" in home
    assert "Wordt ingevuld" not in home and "Being filled in" in home  # status label from models
    questionnaire = app.extensions["integrity_tool.catalog"].get(QID)
    overview = _page(client, f"/kandidaat/dossier/{dossier.public_id}/")
    first = questionnaire.sections[0]
    assert first.title_en and first.title_en in overview  # section title_en from the YAML
    assert f">{first.title}<" not in overview
    section, question = next((s, q) for s in questionnaire.sections for q in s.questions
                              if q.label_en and q.type != "repeat" and not q.show_if)
    page = _page(client, f"/kandidaat/dossier/{dossier.public_id}/onderdeel/{section.id}")
    assert question.label_en in page
    assert question.label not in page
    assert "Save and continue" in page or "Continue" in page
    if question.help and not question.help_en:  # no English help: the Dutch help is shown
        assert question.help.split("\n")[0][:40] in page


def test_questionnaire_labels_fall_back_to_dutch(app):
    questionnaire = app.extensions["integrity_tool.catalog"].get(QID)
    questions = [q for s in questionnaire.sections for q in s.questions]
    with_en = next(q for q in questions if q.label_en)
    without = dataclasses.replace(with_en, label_en=None, help_en=None)
    assert without.localized_label("en") == without.label
    assert without.localized_help("en") == (without.help or "")
    assert with_en.localized_label("en") == with_en.label_en
    assert with_en.localized_label("nl") == with_en.label
    assert all(q.localized_help("en") == (q.help_en or q.help or "") for q in questions)


def test_reviewer_dashboard_in_english(client, make_user, candidate_dossier):
    candidate, dossier = candidate_dossier
    reviewer = _english(dossier.reviewer)
    login(client, reviewer)
    html = _page(client, "/beoordeling/")
    assert '<html lang="en"' in html
    assert "Kees Kandidaat" in html
    assert "Being filled in" in html and "Wordt ingevuld" not in html


def test_griffie_overview_in_english(client, make_user, org, candidate_dossier):
    griffier = _english(make_user("griffier", org))
    login(client, griffier)
    html = _page(client, "/griffie/")
    assert '<html lang="en"' in html
    assert "Dossier overview" in html or "Dossiers" in html
    assert "Being filled in" in html and "Wordt ingevuld" not in html
    assert "Overzicht dossiers" not in html


# --- e-mails: the recipient's language ----------------------------------------------------------

def test_login_code_mail_in_english(app, make_user):
    user = _english(make_user("candidate", mfa=False))
    users.send_email_code(user)
    msg, text, html = _mail(app)
    assert msg["Subject"] == "Your login code"
    assert f"Dear {user.name}," in text and "Your login code is:" in text
    assert "Beste" not in text and "inlogcode" not in text
    assert "Your login code" in html and 'lang="en"' in html


def test_login_code_mail_stays_dutch_for_dutch_users(app, make_user):
    users.send_email_code(make_user("candidate", mfa=False))
    msg, text, _html = _mail(app)
    assert msg["Subject"] == "Uw inlogcode" and "Beste" in text


def test_invitation_mail_in_english(app, make_user, org, candidate_dossier):
    candidate, _dossier = candidate_dossier
    _english(candidate)
    griffier = make_user("griffier", org)
    invitations.invite_candidate(griffier, name=candidate.name, email=candidate.email, function_title="Wethouder",
                                 portfolio=None, questionnaire_id=QID, reviewer_id=None, deadline=None)
    msg, text, html = _mail(app)
    assert msg["Subject"] == "Invitation: integrity risk assessment"
    assert "Dear Kees Kandidaat," in text and "Beste" not in text
    assert "integrity risk assessment" in text


def test_review_notice_in_english(app, candidate_dossier):
    candidate, dossier = candidate_dossier
    _english(candidate)
    notify_candidate(dossier, "Vraag om toelichting bij uw risicoanalyse",
                     "De {title} heeft aanvullende vragen over uw risicoanalyse. Log in om de vragen te "
                     "beantwoorden. U kunt ook uw antwoorden aanpassen en daarna de vragenlijst opnieuw indienen.",
                     "candidate_measures.home")
    msg, text, _html = _mail(app)
    assert msg["Subject"] == "Request for clarification about your risk assessment"
    assert "The mayor has further questions about your risk assessment." in text
