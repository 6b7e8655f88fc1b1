"""Issue 16: the administrator's page for single sign-on: settings, validation, encryption, audit."""
from __future__ import annotations

from sqlalchemy import select, text

from integrity_tool.models import AuditEvent, SsoConfig, db

from .conftest import DOMAIN
from .provider import CLIENT_ID, CLIENT_SECRET


def _form(provider, **overrides) -> dict:
    data = {"enabled": "y", "issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "allowed_domains": f"{DOMAIN}\n@Raad.{DOMAIN}", "mfa_mode": "idp", "mfa_acr_values": "",
            "break_glass_user_id": "0"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_configures_sso(client, make_org, make_user, login_as, provider):
    org = make_org("Gemeente Beheerdorp")
    admin = make_user("admin", org)
    login_as(admin)
    page = client.get("/beheer/inloggen-via-organisatie/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "http://localhost/sso/callback" in body and f"/sso/{org.slug}/backchannel-logout" in body
    response = client.post("/beheer/inloggen-via-organisatie/", data=_form(provider))
    assert response.status_code == 302
    cfg = db.session.get(SsoConfig, org.id)
    assert cfg.enabled and cfg.issuer == provider.issuer and cfg.allowed_domains == [DOMAIN, f"raad.{DOMAIN}"]
    assert cfg.client_secret == CLIENT_SECRET
    raw = db.session.execute(text("SELECT client_secret FROM sso_config")).scalar()
    assert CLIENT_SECRET.encode() not in bytes(raw)  # encrypted with the data keys
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sso.instelling_gewijzigd")).all()
    assert {e.detail["instelling"] for e in changes} >= {"issuer", "client_id", "client_secret", "allowed_domains"}
    assert all(CLIENT_SECRET not in str(e.detail) for e in changes)
    # An empty secret keeps the stored one.
    assert client.post("/beheer/inloggen-via-organisatie/", data=_form(provider, client_secret="")).status_code == 302
    db.session.expire_all()
    assert db.session.get(SsoConfig, org.id).client_secret == CLIENT_SECRET


def test_bad_settings_give_messages_not_errors(client, make_org, make_user, login_as, provider):
    org = make_org("Gemeente Foutdorp")
    login_as(make_user("admin", org))
    url = "/beheer/inloggen-via-organisatie/"
    cases = [
        (_form(provider, issuer="ftp://idp.example.org"), "https://"),
        (_form(provider, issuer="http://idp.example.org"), "https://"),
        (_form(provider, issuer="http://127.0.0.1:9"), "discovery-document"),
        (_form(provider, allowed_domains="geen domein!"), "niet geldig"),
        (_form(provider, allowed_domains=""), "minstens"),
        (_form(provider, client_secret=""), "client secret"),
        (_form(provider, password_login_off="y"), "pas uit"),
        (_form(provider, issuer="https://idp.example.org\x00"), ""),
    ]
    for data, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 400, (data, response.status_code)
        assert message in response.get_data(as_text=True)
    assert db.session.get(SsoConfig, org.id) is None


def test_only_the_admin_of_the_organisation_sees_the_page(client, make_org, make_user, login_as):
    org = make_org()
    login_as(make_user("griffier", org))
    assert client.get("/beheer/inloggen-via-organisatie/").status_code == 404
