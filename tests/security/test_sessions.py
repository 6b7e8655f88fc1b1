"""Acceptance: sessions, TOTP replay, throttling, timeouts, cookie flags, caching and CSP.

ASVS 7.4.1 (replay after log-out), 6.5.1 (TOTP once), 6.3.1 (6th bad password), 7.3.1/7.3.2
(idle 30 min / absolute 12 h), 3.3.x (cookie flags), 14.3.2 (no-store), 3.4.3 (CSP).
"""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from integrity_tool.models import AuditEvent, User, UserSession, db, utcnow
from tests.conftest import TEST_PASSWORD, login, totp_now
from tests.factories import fresh_code


def _cookie(client):
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, value):
    c = app.test_client()
    c.set_cookie("session", value)
    return c


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/inloggen" in response.headers["Location"]


# --- 1. replayed session cookie after log-out ---------------------------------------------------

@pytest.mark.parametrize("role", ["candidate", "reviewer", "griffier", "admin"])
def test_cookie_replayed_after_logout_is_refused(client, app, make_user, role):
    user = make_user(role)
    response = login(client, user)
    start = response.headers["Location"]
    value = _cookie(client)
    assert _replay(app, value).get(start).status_code == 200
    assert client.post("/uitloggen").status_code == 302
    for path in (start, "/account"):
        assert _is_login_redirect(_replay(app, value).get(path)), path
    # Also a POST (state change) with the old cookie does not get through.
    assert _is_login_redirect(_replay(app, value).post("/account", data={"current": TEST_PASSWORD,
                                                                          "new": "nog een lang wachtwoord"}))
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.revoked_at).where(UserSession.user_id == user.id)) is not None


def test_cookie_without_server_session_is_refused(app, make_user):
    """A forged/old cookie with a valid user id but an unknown sid gives no access."""
    user = make_user("reviewer")
    c = app.test_client()
    with c.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["sid"] = "niet-bestaand"
        s["_fresh"] = True
    assert _is_login_redirect(c.get("/beoordeling/"))
    c2 = app.test_client()
    with c2.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    assert _is_login_redirect(c2.get("/beoordeling/"))


def test_sid_of_other_user_is_refused(app, client, make_user):
    """Combining one's own valid sid with someone else's user id does not switch users."""
    victim = make_user("reviewer")
    attacker = make_user("candidate", org=victim.organisation)
    login(client, attacker)
    with client.session_transaction() as s:
        sid = s["sid"]
    c = app.test_client()
    with c.session_transaction() as s:
        s["_user_id"] = str(victim.id)
        s["sid"] = sid
    assert _is_login_redirect(c.get("/beoordeling/"))


# --- 2. reused TOTP code ------------------------------------------------------------------------

def test_reused_totp_code_is_refused_even_in_the_same_step(app, make_user):
    user = make_user("candidate")
    fresh_code(user)  # the TOTP step is unused again
    code = totp_now(user)
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        assert c.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    assert first.post("/inloggen/code", data={"code": code}).status_code == 302
    response = second.post("/inloggen/code", data={"code": code})
    assert response.status_code == 200
    assert "onjuist of al gebruikt" in response.get_data(as_text=True)
    assert _is_login_redirect(second.get("/kandidaat/"))
    # An older code (previous step) is refused too once a newer step has been used.
    import time

    previous = pyotp.TOTP(user.totp_secret).at(time.time() - 30)
    response = second.post("/inloggen/code", data={"code": previous})
    assert "onjuist of al gebruikt" in response.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all() \
        if hasattr(AuditEvent, "actor_id") else db.session.scalars(select(AuditEvent.action)).all()
    assert "2fa.mislukt" in actions
    # No code, password or secret in the audit trail.
    for event in db.session.scalars(select(AuditEvent)).all():
        blob = repr(event.detail)
        assert code not in blob and TEST_PASSWORD not in blob and user.totp_secret not in blob


def test_totp_from_90_seconds_ago_is_refused(client, make_user):
    user = make_user("reviewer")
    fresh_code(user)  # the TOTP step is unused again
    import time

    client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time()
    accepted = {totp.at(now + d) for d in (-30, 0, 30)}
    # the code of 90 s ago (or, if it happens to equal a current one, an older step)
    old = next(code for code in (totp.at(now - 30 * k) for k in range(3, 50)) if code not in accepted)
    response = client.post("/inloggen/code", data={"code": old})
    assert "onjuist of al gebruikt" in response.get_data(as_text=True)


def test_totp_seed_is_160_bits(make_user):
    import base64

    user = make_user("reviewer")
    assert len(base64.b32decode(user.totp_secret)) * 8 >= 160


# --- 3. 6th wrong password within a minute ------------------------------------------------------

def test_sixth_wrong_password_refused_and_lockout_per_ip(app, make_user):
    user = make_user("griffier")
    c = app.test_client()
    for i in range(5):
        r = c.post("/inloggen", data={"email": user.email, "password": f"fout wachtwoord {i}"})
        assert r.status_code == 200
    r = c.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert r.status_code == 429
    # Case and surrounding spaces of the e-mail address do not give a fresh counter.
    r = c.post("/inloggen", data={"email": "  " + user.email.upper() + " ", "password": TEST_PASSWORD})
    assert r.status_code == 429
    # After a minute the per-minute throttle lifts again.
    with freeze_time(utcnow() + timedelta(seconds=61)):
        r = c.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert r.status_code == 302


def test_per_ip_throttle_across_accounts(make_app, make_user):
    app = make_app(LOGIN_FAILURES_PER_IP_PER_MINUTE=8)
    org_user = make_user("reviewer")
    c = app.test_client()
    for i in range(8):
        r = c.post("/inloggen", data={"email": f"onbekend{i}@example.nl", "password": "fout wachtwoord!"})
        assert r.status_code == 200
    r = c.post("/inloggen", data={"email": org_user.email, "password": TEST_PASSWORD})
    assert r.status_code == 429


def test_second_factor_is_throttled_too(app, make_user):
    user = make_user("candidate")
    c = app.test_client()
    assert c.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    statuses = [c.post("/inloggen/code", data={"code": "000000"}).status_code for _ in range(6)]
    assert statuses[-1] == 429, statuses


# --- 4. idle (30 min) and absolute (12 h) timeouts ----------------------------------------------

def _session_record(user) -> UserSession:
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.revoked_at.is_(None))).one()


def test_idle_timeout_30_minutes(client, make_user):
    user = make_user("reviewer")
    login(client, user)
    record = _session_record(user)
    record.last_seen_at = utcnow() - timedelta(minutes=29)
    db.session.commit()
    assert client.get("/account").status_code == 200  # still alive, and activity refreshes it
    assert (utcnow() - _session_record(user).last_seen_at) < timedelta(minutes=1)
    record = _session_record(user)
    record.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert _is_login_redirect(client.get("/account"))
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.revoked_at).where(UserSession.user_id == user.id)) is not None


def test_idle_timeout_with_frozen_clock(client, make_user):
    user = make_user("candidate")
    with freeze_time(utcnow()) as frozen:
        login(client, user)
        frozen.tick(timedelta(minutes=20))
        assert client.get("/account").status_code == 200
        frozen.tick(timedelta(minutes=20))  # 20 min since the last request: still fine
        assert client.get("/account").status_code == 200
        frozen.tick(timedelta(minutes=30, seconds=5))
        assert _is_login_redirect(client.get("/account"))


def test_absolute_timeout_12_hours_despite_activity(client, make_user):
    user = make_user("griffier")
    with freeze_time(utcnow()) as frozen:
        login(client, user)
        for _ in range(28):  # active every 25 minutes for 11 h 40 min
            frozen.tick(timedelta(minutes=25))
            assert client.get("/account").status_code == 200
        frozen.tick(timedelta(minutes=25))  # 12 h 05 min after log-in
        assert _is_login_redirect(client.get("/account"))


def test_absolute_timeout_by_timestamp(client, make_user):
    user = make_user("admin")
    login(client, user)
    record = _session_record(user)
    record.created_at = utcnow() - timedelta(hours=12, minutes=1)
    db.session.commit()
    assert _is_login_redirect(client.get("/account"))


# --- 5. cookie flags in the production configuration --------------------------------------------

def test_production_cookie_flags(make_app, make_user):
    app = make_app(ENV="production", SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="session")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["REMEMBER_COOKIE_DURATION"].total_seconds() == 0
    user = make_user("reviewer")
    fresh_code(user)  # the TOTP step is unused again
    c = app.test_client()
    base = "https://localhost"
    r = c.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD}, base_url=base)
    assert r.status_code == 302
    r = c.post("/inloggen/code", data={"code": totp_now(user)}, base_url=base)
    assert r.status_code == 302
    cookies = r.headers.getlist("Set-Cookie")
    session_cookies = [h for h in cookies if h.startswith("__Host-session=")]
    assert session_cookies, cookies
    for header in session_cookies:
        attrs = [a.strip().lower() for a in header.split(";")[1:]]
        assert "secure" in attrs and "httponly" in attrs
        assert "samesite=lax" in attrs or "samesite=strict" in attrs
        assert "path=/" in attrs
        assert not any(a.startswith("domain=") for a in attrs)  # required by the __Host- prefix
    assert not any(h.lower().startswith("remember_token=") for h in cookies)
    # The session really works under that name over https.
    assert c.get("/account", base_url=base).status_code == 200
    assert "max-age=31536000" in c.get("/account", base_url=base).headers["Strict-Transport-Security"]


# --- 6. Cache-Control: no-store on authenticated pages and downloads; CSP -----------------------

def _authenticated_get_urls(app) -> list[str]:
    """Every parameterless GET route (dossier-specific pages are covered in test_authz_matrix)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods or rule.arguments:
            continue
        urls.append(rule.rule)
    return urls


@pytest.mark.parametrize("role", ["candidate", "reviewer", "griffier", "admin"])
def test_no_store_and_csp_on_every_page(app, client, make_user, role):
    user = make_user(role)
    login(client, user)
    for url in _authenticated_get_urls(app):
        r = client.get(url)
        assert r.headers.get("Cache-Control") == "no-store", (url, r.status_code)
        assert r.headers.get("Pragma") == "no-cache", url
        assert "Cookie" in r.headers.get("Vary", ""), url
        csp = r.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, url
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, url
        assert "script-src 'self'" in csp and "object-src 'none'" in csp, url
        assert r.headers["X-Content-Type-Options"] == "nosniff", url
        r.close()


def test_no_inline_script_or_handlers_in_pages(app, client, make_user):
    """CSP without 'unsafe-inline' only works if templates have no inline script/handlers."""
    import re

    user = make_user("candidate")
    pages = ["/", "/inloggen", "/privacy", "/toegankelijkheid"]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "javascript:" not in html.lower(), url
    login(client, user)
    html = client.get("/kandidaat/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_error_pages_also_no_store(client):
    for url, status in (("/bestaat-niet", 404), ("/uitloggen", 405)):
        r = client.get(url)
        assert r.status_code == status
        assert r.headers["Cache-Control"] == "no-store"
        assert "'unsafe-inline'" not in r.headers["Content-Security-Policy"]


def test_audit_records_login_failures_without_secrets(client, make_user):
    user = make_user("reviewer")
    client.post("/inloggen", data={"email": user.email, "password": "geheim-fout-wachtwoord"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "inloggen.mislukt")).all()
    assert events
    for e in events:
        assert "geheim-fout-wachtwoord" not in repr(e.detail)


def test_deactivated_user_loses_session(client, make_user):
    user = make_user("reviewer")
    login(client, user)
    assert client.get("/account").status_code == 200
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert _is_login_redirect(client.get("/account"))
