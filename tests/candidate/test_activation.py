"""Acceptance 5 and the activation steps: one friendly page for every unusable link."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, text

from integrity_tool.models import AuditEvent, Invitation, User, db, utcnow
from tests.conftest import TEST_PASSWORD, extract_link, login, outbox_messages

from .helpers import QID, activate


@pytest.fixture
def invited(app, client, app_ctx, griffier, reviewer):
    """Invite through the griffier's page; returns (activation path, candidate)."""
    login(client, griffier)
    r = client.post("/griffie/dossiers/nieuw", data={
        "name": "Kim Kandidaat", "email": "kim@example.nl", "function_title": "Wethouder",
        "portfolio": "Geheime Portefeuille Zorg", "questionnaire": QID, "reviewer": str(reviewer.id)})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    link = extract_link(outbox_messages(app)[-1])
    return "/" + link.split("/", 3)[3], db.session.scalar(select(User).where(User.email == "kim@example.nl"))


def _assert_friendly(response):
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "Deze link werkt niet (meer)" in html
    for secret in ("Kim Kandidaat", "kim@example.nl", "Geheime Portefeuille", "Gemeente Voorbeeld", "Wethouder"):
        assert secret not in html


def test_invitation_mail_has_text_and_html_and_a_single_use_link(app, invited):
    import email
    from email import policy

    msg = email.message_from_bytes(outbox_messages(app)[-1].read_bytes(), policy=policy.default)
    assert msg["To"] == "kim@example.nl"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    body = msg.get_body(("plain",)).get_content()
    assert "Beste Kim Kandidaat" in body and "één keer" in body
    inv = db.session.scalar(select(Invitation))
    assert abs(inv.expires_at - inv.created_at - timedelta(days=14)) < timedelta(minutes=1)
    assert len(inv.token_hash) == 64


def test_used_link_shows_the_friendly_page(app, invited):
    path, _user = invited
    activate(app, app.test_client())
    _assert_friendly(app.test_client().get(path))


def test_expired_link_shows_the_friendly_page(app, invited):
    path, user = invited
    db.session.execute(text("UPDATE invitation SET expires_at = :t"), {"t": utcnow() - timedelta(minutes=1)})
    db.session.commit()
    _assert_friendly(app.test_client().get(path))
    _assert_friendly(app.test_client().post(path, data={"password": TEST_PASSWORD, "repeat": TEST_PASSWORD}))


@pytest.mark.parametrize("mangle", [lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"), lambda p: p + "x",
                                    lambda p: "/activeren/" + "a" * 500, lambda p: "/activeren/%00%27--"])
def test_tampered_link_shows_the_friendly_page(app, invited, mangle):
    path, _user = invited
    _assert_friendly(app.test_client().get(mangle(path)))


def test_revoked_link_shows_the_friendly_page_and_resend_gives_a_new_one(app, client, invited):
    path, user = invited
    dossier_id = db.session.scalar(text("SELECT public_id FROM dossier"))
    assert client.get(f"/griffie/dossiers/{dossier_id}/uitnodiging-intrekken").status_code == 200
    assert client.post(f"/griffie/dossiers/{dossier_id}/uitnodiging-intrekken").status_code == 302
    _assert_friendly(app.test_client().get(path))
    assert client.post(f"/griffie/dossiers/{dossier_id}/uitnodiging-opnieuw").status_code == 302
    new_path = "/" + extract_link(outbox_messages(app)[-1]).split("/", 3)[3]
    assert new_path != path
    _assert_friendly(app.test_client().get(path))
    assert app.test_client().get(new_path).status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "uitnodiging.ingetrokken" in actions and actions.count("uitnodiging.verstuurd") == 2


def test_weak_passwords_and_wrong_codes_are_refused_in_dutch(app, invited):
    path, _user = invited
    c = app.test_client()
    r = c.post(path, data={"password": "kort", "repeat": "kort"})
    assert r.status_code == 422 and "minimaal 12 tekens" in r.get_data(as_text=True)
    r = c.post(path, data={"password": "wachtwoord123", "repeat": "wachtwoord123"})
    assert r.status_code == 422 and "veelgebruikte" in r.get_data(as_text=True)
    r = c.post(path, data={"password": TEST_PASSWORD, "repeat": TEST_PASSWORD + "x"})
    assert r.status_code == 422 and "niet gelijk" in r.get_data(as_text=True)
    # Skipping ahead is not possible.
    assert c.get(path + "/privacy").location.endswith(path)
    assert c.post(path, data={"password": TEST_PASSWORD, "repeat": TEST_PASSWORD}).status_code == 302
    r = c.post(path + "/tweestaps", data={"code": "000000"})
    assert r.status_code == 422 and "De code klopt niet" in r.get_data(as_text=True)
    assert c.get(path + "/privacy").location.endswith("/tweestaps")


def test_activation_is_single_use_even_on_double_submit(app, invited):
    path, user = invited
    c = app.test_client()
    c.post(path, data={"password": TEST_PASSWORD, "repeat": TEST_PASSWORD})
    page = c.get(path + "/tweestaps").get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    assert 'role="img"' in page  # the QR code
    c.post(path + "/tweestaps", data={"code": pyotp.TOTP(secret).now()})
    with c.session_transaction() as state:
        saved = dict(state)
    first = c.post(path + "/privacy", data={"accept": "y"})
    with c.session_transaction() as state:  # the second click of a double submit carries the old cookie
        state.clear()
        state.update(saved)
    second = c.post(path + "/privacy", data={"accept": "y"})
    assert first.status_code == 302 and second.status_code == 410
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.password_hash and user.mfa_method == "totp" and user.totp_secret == secret
    assert user.privacy_version == app.config["PRIVACY_VERSION"] and user.privacy_acknowledged_at
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.geactiveerd")).all()
    assert len(events) == 1
    assert db.session.scalar(select(Invitation)).used_at is not None


def test_privacy_must_be_acknowledged(app, invited):
    path, _user = invited
    c = app.test_client()
    c.post(path, data={"password": TEST_PASSWORD, "repeat": TEST_PASSWORD})
    secret = re.search(r'data-secret="([A-Z2-7]+)"', c.get(path + "/tweestaps").get_data(as_text=True))
    c.post(path + "/tweestaps", data={"code": pyotp.TOTP(secret.group(1)).now()})
    r = c.post(path + "/privacy", data={})
    assert r.status_code == 422 and "privacyverklaring" in r.get_data(as_text=True)


def test_email_code_only_when_the_organisation_allows_it(app, invited, org):
    path, user = invited
    c = app.test_client()
    c.post(path, data={"password": TEST_PASSWORD, "repeat": TEST_PASSWORD})
    assert "code per e-mail" not in c.get(path + "/tweestaps").get_data(as_text=True)
    c.post(path + "/code-per-email/versturen")
    assert len(outbox_messages(app)) == 1  # only the invitation: no code sent
    org.allow_email_otp = True
    db.session.commit()
    assert "code per e-mail" in c.get(path + "/tweestaps").get_data(as_text=True)
    assert c.post(path + "/code-per-email/versturen").status_code == 302
    mail = outbox_messages(app)[-1].read_text(errors="replace")
    code = re.search(r"\b(\d{6})\b", mail).group(1)
    assert c.post(path + "/code-per-email", data={"code": code}).location.endswith("/privacy")
    assert c.post(path + "/privacy", data={"accept": "y"}).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.mfa_method == "email" and user.totp_secret is None


def test_activated_candidate_lands_on_home_and_sees_recovery_codes(app, invited):
    c = app.test_client()
    activate(app, c)
    page = c.get("/account/herstelcodes").get_data(as_text=True)
    assert page.count("<code>") == 10
    home = c.get("/kandidaat/")
    assert home.status_code == 200 and "Wethouder" in home.get_data(as_text=True)
