"""Issue 15.1 in the browser: the administrator uploads a broken and then a good questionnaire, previews
it, compares it with the version in use, activates it, and a new invitation uses it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from .helpers import login, logout, submit
from .journey import Journey, invite

pytestmark = pytest.mark.e2e

SHIPPED = Path(__file__).resolve().parents[2] / "questionnaires" / "kandidaat-wethouder.yaml"
TITLE = "Vragenlijst integriteit wethouder (eigen versie E2E)"


def test_admin_uploads_previews_activates_and_invitation_uses_it(page, visit, server, authenticator, tmp_path):
    org = server.make_org()  # its own organisation: the session's shared one keeps the shipped questionnaire
    admin = server.make_user(org, "admin")
    griffier = server.make_user(org, "griffier")
    reviewer = server.make_user(org, "reviewer")
    text = SHIPPED.read_text(encoding="utf-8")
    good = re.sub(r'^version: .*$', 'version: "2026.2-e2e"', text, count=1, flags=re.M)
    good = re.sub(r'^title: .*$', f"title: {TITLE}", good, count=1, flags=re.M)
    broken = good.replace("applies_to: [gemeente]", "applies_to: [gemeente]\nonbekend_veld: ja", 1)
    (tmp_path / "kapot.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "eigen.yaml").write_text(good, encoding="utf-8")

    login(page, visit, admin, authenticator)
    with page.expect_navigation():
        page.get_by_role("link", name="Vragenlijsten beheren").click()
    visit(page, "vragenlijsten")
    # a broken file: the errors with file and line on the page, nothing stored
    page.get_by_label("YAML-bestand met de vragenlijst").set_input_files(str(tmp_path / "kapot.yaml"))
    submit(page, "Uploaden en controleren")
    visit(page, "vragenlijst-fouten")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert re.search(r"kapot\.yaml:\d+: onbekend_veld", summary.inner_text()), summary.inner_text()
    assert "Eigen versies" in page.content() and page.get_by_text("nog geen eigen vragenlijsten").is_visible()
    # the good file: a draft
    page.get_by_label("YAML-bestand met de vragenlijst").set_input_files(str(tmp_path / "eigen.yaml"))
    submit(page, "Uploaden en controleren")
    assert re.search(r"/beheer/vragenlijsten/[^/]+$", page.url), page.url
    visit(page, "vragenlijst-concept")
    assert page.locator("#questionnaire-status").inner_text() == "concept"
    detail = page.url
    with page.expect_navigation():
        page.get_by_role("link", name="Bekijken zoals een kandidaat haar ziet").click()
    visit(page, "vragenlijst-voorbeeld")
    assert TITLE in page.locator("h1").inner_text()
    assert page.locator("fieldset.preview input").count() > 20
    page.goto(detail)
    with page.expect_navigation():
        page.get_by_role("link", name="Verschillen met de versie die nu in gebruik is").click()
    visit(page, "vragenlijst-verschil")
    diff = page.locator("pre.yaml-diff").inner_text()
    assert '+version: "2026.2-e2e"' in diff and f"+title: {TITLE}" in diff and "-version:" in diff
    page.goto(detail)
    submit(page, "In gebruik nemen voor nieuwe dossiers")
    visit(page, "vragenlijst-in-gebruik")
    assert page.locator("#questionnaire-status").inner_text() == "in gebruik voor nieuwe dossiers"
    logout(page)

    # the griffier's next invitation gets the organisation's own version
    login(page, visit, griffier, authenticator)
    candidate = invite(page, visit, server, griffier, reviewer, name="Olga Eigenlijst", label="eigen-griffier")
    logout(page)
    journey = Journey(page, visit, server, authenticator, label="eigen-kandidaat")
    journey.activate(candidate)
    journey.click("link", re.compile("Beginnen met invullen"))
    visit(page, "eigen-kandidaat-dossier")
    assert page.locator("h1").inner_text() == TITLE


def test_platform_admin_creates_an_organisation_and_its_administrator(page, visit, server, authenticator):
    """Issue 15.3: the platform administrator (bootstrapped on the command line) works in the browser."""
    from .conftest import PASSWORD
    from .helpers import Account, find_link

    email = f"{server.unique('platform')}@e2e.example.nl"
    server.cli("user", "create-platform-admin", "--email", email, "--name", "Paula Platform", "--password-stdin",
               input=PASSWORD + "\n")
    platform = Account(email=email, password=PASSWORD, name="Paula Platform", role="platform")
    login(page, visit, platform, authenticator)
    assert page.url.rstrip("/").endswith("/platform"), page.url
    visit(page, "platform-organisaties")
    submit(page, "Organisatie aanmaken")  # empty: the errors
    visit(page, "platform-organisatie-fout")
    assert page.locator("#error-summary").is_visible()
    name = f"Gemeente {server.unique('Platformdorp')}"
    admin_email = f"{server.unique('beheer')}@e2e.example.nl"
    page.get_by_label("Naam van de organisatie").fill(name)
    page.get_by_label("Soort organisatie").select_option("gemeente")
    page.get_by_label("Naam van de beheerder").fill("Bart Beheer")
    page.get_by_label("E-mailadres van de beheerder").fill(admin_email)
    before = len(server.outbox())
    submit(page, "Organisatie aanmaken")
    assert "/platform/organisatie/" in page.url, page.url
    visit(page, "platform-organisatie")
    assert name in page.locator("h1").inner_text() and "Bart Beheer" in page.content()
    assert "/activeren/" in find_link(server.wait_for_mail(admin_email, after=before))
    response = page.goto("/griffie/")  # no dossier pages for this role
    assert response.status == 404
    logout(page)
