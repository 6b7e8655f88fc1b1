"""The staff pages that need no candidate dossier: griffie, reviewer and beheer, with their error states."""
from __future__ import annotations

import re

import pytest

from .helpers import login, logout, submit

pytestmark = pytest.mark.e2e


def test_griffie_pages(page, visit, server, authenticator, org, tmp_path):
    griffier = server.make_user(org, "griffier")
    login(page, visit, griffier, authenticator)
    assert "/griffie" in page.url
    visit(page, "overzicht")

    nav = page.get_by_role("navigation", name="Griffie")
    with page.expect_navigation():
        nav.get_by_role("link", name="Benoemingsrondes").click()
    visit(page, "rondes")
    # a round without a name: the error summary and the field
    submit(page, "Ronde aanmaken")
    visit(page, "rondes-fout")
    assert page.locator("#error-summary").is_visible()
    page.get_by_label("Naam van de ronde").fill("Collegevorming 2026")
    submit(page, "Ronde aanmaken")
    assert re.search(r"/griffie/rondes/[^/]+$", page.url), page.url
    visit(page, "ronde")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overzicht").click()
    with page.expect_navigation():
        page.get_by_role("navigation", name="Griffie").get_by_role("link", name="Relaties van de organisatie").click()
    visit(page, "relaties")
    bad = tmp_path / "relaties.csv"
    bad.write_text("naam;kvk;categorie\nBouwbedrijf De Steiger;12;onbekende categorie\n", encoding="utf-8")
    page.get_by_label("Bestand met relaties (CSV of XLSX)").set_input_files(str(bad))
    submit(page, "Lijst uploaden")
    visit(page, "relaties-fout-bestand")
    assert page.locator("#error-summary").is_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Mijn account").click()
    visit(page, "account")
    submit(page, "Wachtwoord wijzigen")
    visit(page, "account-fout")
    assert page.locator("#error-summary").is_visible()
    logout(page)
    visit(page, "uitgelogd")


def test_reviewer_and_admin_pages(page, visit, server, authenticator, org):
    reviewer = server.make_user(org, "reviewer")
    admin = server.make_user(org, "admin")
    login(page, visit, reviewer, authenticator)
    assert "/beoordeling" in page.url
    visit(page, "beoordelaar-dossiers")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    if nav.get_by_role("link", name="Maatregelen").count():
        with page.expect_navigation():
            nav.get_by_role("link", name="Maatregelen").click()
        visit(page, "beoordelaar-maatregelen")
    # a page of another role is a 404 for this one
    response = page.goto("/griffie/")
    assert response.status == 404
    visit(page, "beoordelaar-griffie-404")
    logout(page)

    login(page, visit, admin, authenticator)
    visit(page, "beheer")
