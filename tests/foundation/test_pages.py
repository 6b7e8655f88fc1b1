"""Pages, error pages, headers and CSRF."""
import pytest

from tests.conftest import login


def test_home_is_dutch(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Risicoanalyse integriteit" in html and "Inloggen" in html


@pytest.mark.parametrize("path,status", [("/bestaat-niet", 404), ("/uitloggen", 405)])
def test_dutch_error_pages(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    assert ("Pagina niet gevonden" if status == 404 else "Niet toegestaan") in html


def test_500_is_generic_and_dutch(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/_boom")
    def boom():
        raise ValueError("secret internals")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Er ging iets mis" in html and "secret internals" not in html and "Traceback" not in html


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/", base_url="http://localhost").headers
    assert "max-age=31536000" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_csrf_enforced(make_app, app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    response = client.post("/inloggen", data={"email": "a@b.nl", "password": "x" * 12})
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)


def test_static_css_served_from_package(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200 and b"--color-primary" in response.data
    response.close()


def test_role_start_pages(client, make_user):
    expected = {"candidate": "/kandidaat", "reviewer": "/beoordeling", "griffier": "/griffie", "admin": "/beheer"}
    for role, prefix in expected.items():
        user = make_user(role)
        c = client.application.test_client()
        response = login(c, user)
        assert response.location.startswith(prefix), (role, response.location)
        page = c.get(response.location, follow_redirects=True)
        assert page.status_code == 200
        assert '<html lang="nl">' in page.get_data(as_text=True)
