"""Public pages and error states, each checked with axe-core."""
from __future__ import annotations

import re

import pytest

from .helpers import submit

pytestmark = pytest.mark.e2e


def test_public_pages(page, visit):
    page.goto("/")
    visit(page, "home")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.title().endswith("Risicoanalyse integriteit")
    assert page.locator("h1").count() == 1

    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Privacyverklaring").click()
    visit(page, "privacy")
    assert page.get_by_role("heading", level=1).inner_text() == "Privacyverklaring"

    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Toegankelijkheid").click()
    visit(page, "toegankelijkheid")
    assert page.get_by_role("heading", level=1).inner_text() == "Toegankelijkheidsverklaring"
    assert "Status" in page.locator("main").inner_text()

    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="Inloggen").click()
    visit(page, "inloggen")
    assert page.title().startswith("Inloggen")


def test_not_found_page(page, visit):
    response = page.goto("/deze-pagina-bestaat-niet")
    assert response.status == 404
    visit(page, "404")
    assert page.get_by_role("heading", level=1).inner_text() == "Pagina niet gevonden"
    assert "Pagina niet gevonden" in page.title()


def test_login_errors(page, visit, server):
    page.goto("/inloggen")
    # empty form: both fields required, the error summary links to the fields
    submit(page, "Inloggen")
    visit(page, "inloggen-leeg")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator("a").count() == 2
    email = page.get_by_label("E-mailadres")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby")
    assert described and page.locator(f"#{described.split()[0]}").inner_text().strip()
    # wrong password
    email.fill("niemand@e2e.example.nl")
    page.get_by_label("Wachtwoord").fill("dit is niet het wachtwoord")
    submit(page, "Inloggen")
    visit(page, "inloggen-fout-wachtwoord")
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Wachtwoord").get_attribute("aria-invalid") == "true"


def test_csrf_expired_page(page, visit, new_context):
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill("iemand@e2e.example.nl")
    page.get_by_label("Wachtwoord").fill("een wachtwoord van voldoende lengte")
    page.context.clear_cookies()  # the session (and with it the CSRF secret) has gone: the form has expired
    with page.expect_navigation():
        page.locator("main form").first.get_by_role("button", name="Inloggen").click()
    visit(page, "csrf-verlopen")
    assert page.get_by_role("heading", level=1).inner_text() == "Formulier verlopen"
    assert re.search(r"verlopen|ongeldig", page.locator("main").inner_text())


def test_second_factor_page_without_password_step(page, visit):
    page.goto("/inloggen/code")
    assert "/inloggen" in page.url
    visit(page, "code-zonder-wachtwoord")
    assert page.locator(".alert").count() >= 1


def test_verification_page_and_its_errors(page, visit, tmp_path):
    page.goto("/verificatie")
    visit(page, "verificatie")
    assert page.get_by_role("heading", level=1).inner_text() == "Rapport verifiëren"
    # no file chosen
    submit(page, "Controleren")
    visit(page, "verificatie-geen-bestand")
    field = page.get_by_label("PDF-bestand")
    assert field.get_attribute("aria-invalid") == "true"
    # something that is not a signed report
    fake = tmp_path / "niet-echt.pdf"
    fake.write_bytes(b"%PDF-1.4\n% geen echt rapport\n%%EOF\n")
    page.get_by_label("PDF-bestand").set_input_files(str(fake))
    submit(page, "Controleren")
    visit(page, "verificatie-onbekend-document")
    assert "kon niet worden bevestigd" in page.locator("main").inner_text()
    # the landing page of a document number (the QR code on a report) that was never issued
    page.goto("/verificatie/RI-0000-0000")
    visit(page, "verificatie-onbekend-nummer")


def test_public_register_page(page, visit, server):
    org = server.make_org()
    response = page.goto(f"/register/{org.slug}")
    assert response.status == 200
    visit(page, "register-leeg")
    assert org.name in page.locator("main").inner_text()


def test_unusable_invitation_link(page, visit):
    """An unknown, mistyped or expired invitation link: a clear page, not an error."""
    response = page.goto("/activeren/dit-is-geen-geldige-uitnodiging")
    assert response.status == 410
    visit(page, "uitnodiging-werkt-niet")
    assert "werkt niet" in page.get_by_role("heading", level=1).inner_text()
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Naar inloggen").click()
    assert "/inloggen" in page.url
