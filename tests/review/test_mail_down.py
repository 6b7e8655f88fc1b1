"""With SMTP configured (several servers) a mail server that cannot be reached is no 500: the state change
stands, the failure is logged, and a log-in code that could not be mailed is said so on the page."""
from __future__ import annotations

import socket

import pytest

from integrity_tool.models import db
from integrity_tool.services import review


@pytest.fixture
def smtp_down(app, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on: connection refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)


def test_clarification_stands_when_the_candidate_cannot_be_mailed(world, smtp_down, caplog):
    review.open_dossier(world.reviewer, world.dossier.public_id)
    review.request_clarification(world.reviewer, world.dossier, ["Waarom?"])
    db.session.expire_all()
    assert world.dossier.status.value == "terug_naar_kandidaat"
    assert "niet verzonden" in caplog.text


def test_email_code_that_cannot_be_sent_is_said_on_the_page(smtp_down, client, app_ctx, make_user, org):
    org.allow_email_otp = True
    user = make_user("griffier", org, mfa=False)
    user.mfa_method = "email"
    db.session.commit()
    r = client.post("/inloggen", data={"email": user.email, "password": "correct paard batterij nietje"})
    assert r.status_code == 302 and r.location.endswith("/inloggen/code")
    page = client.get("/inloggen/code").get_data(as_text=True)
    assert "De code kon niet per e-mail worden verstuurd" in page
    r = client.post("/inloggen/code/opnieuw", follow_redirects=True)
    assert r.status_code == 200 and "De code kon niet per e-mail worden verstuurd" in r.get_data(as_text=True)
    assert "Er is een nieuwe code" not in r.get_data(as_text=True)
