"""With CSRF protection on (as in production): generated forms carry a token; posts without one
are refused and save nothing."""
from __future__ import annotations

import re

import pytest
from integrity_tool.models import Dossier, db
from tests.conftest import TEST_PASSWORD, totp_now
from tests.factories import fresh_code

from .helpers import version_of


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture
def csrf_client(make_app, make_dossier):
    dossier = make_dossier(name="Kees Kandidaat")
    candidate = dossier.candidate
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"  # browsers send it (Referrer-Policy: same-origin)
    fresh_code(candidate)  # the TOTP step is unused again
    page = client.get("/inloggen").get_data(as_text=True)
    r = client.post("/inloggen", data={"email": candidate.email, "password": TEST_PASSWORD, "csrf_token": _token(page)})
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    page = client.get("/inloggen/code").get_data(as_text=True)
    r = client.post("/inloggen/code", data={"code": totp_now(candidate), "csrf_token": _token(page)})
    assert r.status_code == 302
    return client, dossier


def test_section_form_needs_its_csrf_token(csrf_client):
    client, dossier = csrf_client
    url = f"/kandidaat/dossier/{dossier.public_id}/onderdeel/weerbaarheid"
    page = client.get(url).get_data(as_text=True)
    data = {"version": version_of(page), "bedreigd": "nee", "chantabel": "nee", "action": "next"}
    assert client.post(url, data=data).status_code == 400
    db.session.expire_all()
    assert "bedreigd" not in (db.session.get(Dossier, dossier.id).answers or {})
    r = client.post(url, data=dict(data, csrf_token=_token(page)))
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).answers["bedreigd"] is False
