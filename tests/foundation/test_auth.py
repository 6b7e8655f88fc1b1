"""Log-in, second factor, log-out, cookie replay, redirects, throttling."""
import re

import pyotp
from sqlalchemy import select

from integrity_tool.models import AuditEvent, User, UserSession, db
from tests.conftest import TEST_PASSWORD, login, totp_now


def test_login_requires_second_factor(client, make_user):
    user = make_user("reviewer")
    response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/inloggen/code")
    # Not logged in yet: a protected page sends us to the log-in page.
    assert client.get("/account").status_code == 302
    response = client.post("/inloggen/code", data={"code": totp_now(user)})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_wrong_password_generic_message(client, make_user):
    user = make_user("griffier")
    wrong = client.post("/inloggen", data={"email": user.email, "password": "nope nope nope"})
    unknown = client.post("/inloggen", data={"email": "niemand@example.nl", "password": "nope nope nope"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Onjuist e-mailadres of wachtwoord." in response.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("inloggen.mislukt") == 2


def test_password_checked_exactly_as_typed(client, make_user):
    user = make_user("reviewer")
    response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD + " "})
    assert "Onjuist e-mailadres of wachtwoord." in response.get_data(as_text=True)


def test_totp_code_accepted_only_once(client, app, make_user):
    user = make_user("reviewer")
    login(client, user)
    code = totp_now(user)  # the code just used
    other = app.test_client()
    other.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    response = other.post("/inloggen/code", data={"code": code})
    assert response.status_code == 200
    assert "onjuist of al gebruikt" in response.get_data(as_text=True)


def test_old_totp_code_rejected(client, make_user):
    user = make_user("reviewer")
    client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    import time

    old = pyotp.TOTP(user.totp_secret).at(time.time() - 120)
    response = client.post("/inloggen/code", data={"code": old})
    assert "onjuist of al gebruikt" in response.get_data(as_text=True)


def test_logout_makes_copied_cookie_useless(client, app, make_user):
    user = make_user("reviewer")
    login(client, user)
    cookie = client.get_cookie("session")
    assert cookie is not None
    stolen = app.test_client()
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/account").status_code == 200
    client.post("/uitloggen")
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    response = replay.get("/account")
    assert response.status_code == 302 and "/inloggen" in response.location


def test_session_cleared_before_login(client, make_user):
    user = make_user("reviewer")
    with client.session_transaction() as sess:
        sess["planted"] = "by attacker"
    login(client, user)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("sid")


def test_next_redirect_only_local(client, make_user):
    user = make_user("reviewer")
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        client.post(f"/inloggen?next={evil}", data={"email": user.email, "password": TEST_PASSWORD})
        db.session.execute(db.text("UPDATE user_account SET totp_last_step = 0"))
        db.session.commit()
        response = client.post("/inloggen/code", data={"code": totp_now(user)})
        assert "evil.example" not in response.location
        client.post("/uitloggen")
    client.post("/inloggen?next=/account", data={"email": user.email, "password": TEST_PASSWORD})
    db.session.execute(db.text("UPDATE user_account SET totp_last_step = 0"))
    db.session.commit()
    response = client.post("/inloggen/code", data={"code": totp_now(user)})
    assert response.location.endswith("/account")


def test_sixth_wrong_password_within_a_minute_is_refused(client, make_user):
    user = make_user("reviewer")
    for _ in range(5):
        response = client.post("/inloggen", data={"email": user.email, "password": "wrong password 123"})
        assert response.status_code == 200
    response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)


def test_staff_without_2fa_sets_it_up_on_first_login(client, make_user):
    user = make_user("griffier", mfa=False)
    response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.location.endswith("/inloggen/2fa-instellen")
    page = client.get("/inloggen/2fa-instellen").get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    assert "<svg" in page
    # shown in groups of four for typing it over (issue 13.9)
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    response = client.post("/inloggen/2fa-instellen", data={"code": pyotp.TOTP(secret).now()})
    assert response.location.endswith("/account/herstelcodes")
    codes_page = client.get("/account/herstelcodes").get_data(as_text=True)
    codes = re.findall(r"<code>([0-9a-f\-]{23})</code>", codes_page)
    assert len(codes) == 10
    db.session.expire_all()
    assert db.session.get(User, user.id).mfa_method == "totp"
    # A recovery code works once as second factor.
    other = client.application.test_client()
    other.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert other.post("/inloggen/code", data={"code": codes[0]}).status_code == 302
    third = client.application.test_client()
    third.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert third.post("/inloggen/code", data={"code": codes[0]}).status_code == 200


def test_password_change_ends_other_sessions(client, app, make_user):
    user = make_user("reviewer")
    login(client, user)
    other = app.test_client()
    login(other, user)
    new = "een heel ander lang wachtwoord"
    response = client.post("/account", data={"current": TEST_PASSWORD, "new": new})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    live = db.session.scalars(select(UserSession).where(UserSession.revoked_at.is_(None))).all()
    assert len(live) == 1


def test_common_password_refused(client, make_user):
    user = make_user("reviewer")
    login(client, user)
    response = client.post("/account", data={"current": TEST_PASSWORD, "new": "Welkom2026!!!"})
    assert "veelgebruikte" in response.get_data(as_text=True)
