"""The candidate's whole journey in English, in a real browser (issue 14): activation (password, TOTP,
privacy, recovery codes), every section, the item pages of a repeating group, the review and submit page,
the answers and measures pages, the stale-form (409) and throttled (429) pages, and the public register and
/verificatie in both languages. axe-core runs on each page (``visit``) and no visible Dutch may remain
apart from what people typed, names and legal citations (``english`` from test_english.py)."""
from __future__ import annotations

import re

import pytest

from .conftest import PASSWORD
from .helpers import login, submit
from .journey import ANSWERS, Journey, invite
from .test_english import _to_english, english

pytestmark = pytest.mark.e2e

# What people typed in this journey (the Journey's default answers included) and the names in it.
TYPED = ("Toelichting van de kandidaat.", "Gemeente Voorbeeld", "Stichting Dorpshuis De Linde", "Voorzitter",
         "Adviesbureau Polder BV", "Senior adviseur ruimtelijke ordening", "Financiën en economische zaken",
         "Gemeente Lindendal", "Emma English", "Wethouder",
         "Verklaring Omtrent het Gedrag")  # the name of a Dutch official document, given in brackets


def _check(page, visit, name: str, *extra: str) -> None:
    english(page, visit, f"en-kandidaat-{name}", *TYPED, *extra)


def test_candidate_journey_in_english(new_context, visit, server, authenticator, staff):
    griffier, reviewer = staff
    griffie_page = new_context().new_page()
    login(griffie_page, visit, griffier, authenticator)
    candidate = invite(griffie_page, visit, server, griffier, reviewer, name="Emma English")
    account = candidate.account
    names = (griffier.name, reviewer.name, account.email)

    page = new_context(locale="en-GB").new_page()
    j = Journey(page, visit, server, authenticator, label="en-kandidaat")

    # --- activation, in English from the first page on ------------------------------------------------
    page.goto(candidate.link)
    _to_english(page)
    assert "/activeren/" in page.url, page.url
    _check(page, visit, "activeren-wachtwoord", *names)
    page.get_by_label("New password").fill(account.password)
    page.get_by_label("Repeat the password").fill(account.password + " other")
    submit(page, "Continue")
    _check(page, visit, "activeren-wachtwoord-fout", *names)
    assert page.locator("#error-summary").is_visible()
    page.get_by_label("New password").fill(account.password)
    page.get_by_label("Repeat the password").fill(account.password)
    submit(page, "Continue")
    assert "/tweestaps" in page.url, page.url
    _check(page, visit, "activeren-tweede-stap", *names)
    authenticator.register(account.email, page.locator("code.secret").get_attribute("data-secret"))
    page.get_by_label("Code", exact=True).fill("000000")
    submit(page, "Check code")
    _check(page, visit, "activeren-tweede-stap-fout", *names)
    page.get_by_label("Code", exact=True).fill(authenticator.code(account.email))
    submit(page, "Check code")
    assert "/privacy" in page.url, page.url
    _check(page, visit, "activeren-privacy", *names)
    submit(page, "Activate account")
    _check(page, visit, "activeren-privacy-fout", *names)
    page.get_by_label("I have read the privacy statement").check()
    submit(page, "Activate account")
    assert "/account/herstelcodes" in page.url, page.url
    _check(page, visit, "herstelcodes", *names)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("saved the codes")).click()
    if page.locator("html").get_attribute("lang") != "en":  # the account keeps its own language
        _to_english(page)
    _check(page, visit, "start", *names)

    # --- the questionnaire: every section, the item pages, a stale form --------------------------------
    j.click("link", re.compile("^Start filling in"))
    _check(page, visit, "overzicht", *names)
    j.click("link", re.compile("^Continue with: "))
    dossier_url = page.url.split("/onderdeel/")[0]
    seen_sections = []
    stale_done = False
    for _ in range(20):
        if "/controleren" in page.url:
            break
        title = j.section_title()
        seen_sections.append(title)
        _check(page, visit, f"onderdeel-{len(seen_sections)}", *names)
        if page.locator("main form input[name='heeft_nevenfuncties']").count():
            j.answer({"heeft_nevenfuncties": "ja"})
            j.click("button", re.compile("^Add"))
            assert "/nieuw" in page.url, page.url
            _check(page, visit, "item-nieuw", *names)
            j.click("button", "Save")  # nothing filled in: errors in English
            _check(page, visit, "item-fout", *names)
            j.answer({"omschrijving": "Voorzitter", "organisatie": "Stichting Dorpshuis De Linde", "betaald": "nee",
                      "qq": "nee", "behouden": "ja"})
            j.click("button", "Save")
            assert "/nieuw" not in page.url, page.url
            _check(page, visit, "onderdeel-met-item", *names)
            # the item's edit page
            j.click("button", re.compile("^Change"))
            _check(page, visit, "item-wijzigen", *names)
            j.click("button", "Save")
        if not stale_done:
            # 409: the same section saved in another tab first, then this (stale) form
            other = page.context.new_page()
            other.goto(page.url)
            j_other = Journey(other, visit, server, authenticator, label="en-kandidaat-tab2")
            j_other.answer()
            j_other.click("button", "Save and continue")
            other.close()
            j.answer()
            with page.expect_navigation():
                page.locator("main").get_by_role("button", name="Save and continue", exact=True).click()
            _check(page, visit, "onderdeel-verouderd-409", *names)
            assert page.locator("#conflict").is_visible()
            stale_done = True
            page.goto(page.url)  # start again from the saved answers
        j.answer()
        j.click("button", "Save and continue")
    assert "/controleren" in page.url, page.url
    assert len(seen_sections) >= 8, seen_sections

    # --- review and submit ---------------------------------------------------------------------------
    _check(page, visit, "controleren", *names)
    submit(page, "Submit questionnaire")
    _check(page, visit, "indienen-fout", *names)
    page.get_by_label(re.compile("truthfully")).check()
    page.get_by_label("Your full name").fill(account.name)
    submit(page, "Submit questionnaire")
    _check(page, visit, "ingediend", *names)
    page.goto(dossier_url + "/")
    _check(page, visit, "dossier-ingediend", *names)
    page.goto(dossier_url + "/antwoorden")
    _check(page, visit, "antwoorden", *names)
    page.goto("/kandidaat/maatregelen/")
    _check(page, visit, "maatregelen", *names)
    assert ANSWERS  # the journey's answers module is shared with the Dutch scenarios


def test_throttled_login_in_english(page, visit, server, org):
    """429: after repeated wrong passwords the page says so in English."""
    account = server.make_user(org, "griffier")
    page.goto("/inloggen")
    _to_english(page)
    for _ in range(8):
        page.get_by_label("E-mail address").fill(account.email)
        page.get_by_label("Password").fill("wrong " + PASSWORD)
        with page.expect_navigation() as nav:
            page.locator("main").get_by_role("button", name="Log in").click()
        if nav.value.status == 429:
            break
    assert nav.value.status == 429
    english(page, visit, "en-429", account.email)
    assert page.locator("#error-summary").is_visible()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_register_and_verification_in_both_languages(page, visit, server, lang):
    org = server.make_org()
    page.goto("/")
    if lang == "en":
        _to_english(page)
    for path, name in ((f"/register/{org.slug}", "register"), ("/verificatie/", "verificatie")):
        response = page.goto(path)
        assert response.status == 200
        if lang == "en":
            english(page, visit, f"en-{name}", org.name)
        else:
            visit(page, f"nl-{name}")
            assert page.locator("html").get_attribute("lang") == "nl"
