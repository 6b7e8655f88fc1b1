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


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_service_unavailable_page_in_both_languages(page, visit, server, app, app_ctx, lang):
    """503 (database down): the app's own page, rendered in process with every statement failing (as in
    tests/security/test_faults.py), shown in the browser on the server's origin (its CSS and scripts), with
    axe; in English without Dutch."""
    from tests.security.test_faults import database_fails

    client = app.test_client()
    client.post(f"/taal/{lang}", data={"next": "/"})
    with database_fails(lambda statement: True):
        response = client.get("/register/gemeente-voorbeeld")  # a page that reads the database
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    page.route("**/e2e-503", lambda route: route.fulfill(status=503, body=html, content_type="text/html"))
    assert page.goto("/e2e-503").status == 503
    if lang == "en":
        english(page, visit, "en-503")
        assert page.get_by_role("heading", level=1).inner_text() == "Temporarily unavailable"
    else:
        visit(page, "nl-503")
        assert page.locator("html").get_attribute("lang") == "nl"


# --------------------------------------------------------------------------- keyboard only, in English

_FOCUSED = """() => { const el = document.activeElement; if (!el || el === document.body) return null;
    const group = el.name ? Array.from(document.querySelectorAll('main form [name="' + el.name + '"]')) : [];
    return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', value: el.value || '',
            text: (el.innerText || el.value || '').trim(), inputmode: el.getAttribute('inputmode') || '',
            inMain: !!el.closest('main'), values: group.map(e => e.value),
            last: group.length > 0 && group[group.length - 1] === el}; }"""


def _next_focus(page) -> dict:
    for _ in range(300):
        page.keyboard.press("Tab")
        info = page.evaluate(_FOCUSED)
        if info and info["inMain"]:
            return info
    raise AssertionError(f"nothing in main reached with Tab on {page.url}")


def _type_for(info: dict) -> str:
    if info["name"].endswith("datum"):
        return "17-03-2026"
    if info["inputmode"] == "decimal":
        return "1.250,50"
    if info["inputmode"] == "numeric":
        return "12345678" if "kvk" in info["name"] else "10"
    return "Filled in with the keyboard."


def _fill_by_keyboard(page, done_button: str, *, answers: dict | None = None, add_item: str | None = None) -> str:
    """Tab through the form, answering every question with the keyboard, until ``done_button`` (or an
    'Add …' button for ``add_item``) has focus; press Enter on it. Returns the button's text."""
    answers = {**ANSWERS, **(answers or {})}
    kb = page.keyboard
    done: set[str] = set()
    for _ in range(300):
        info = _next_focus(page)
        if info["tag"] == "button":
            if info["text"] == done_button or (add_item and info["text"].startswith("Add")):
                with page.expect_navigation():
                    kb.press("Enter")
                return info["text"]
            continue
        name = info["name"]
        if info["type"] == "radio" and name not in done:
            wanted = answers.get(name)
            values = info["values"]
            wanted = wanted if wanted in values else ("nee" if "nee" in values else values[0])
            start = page.locator(f"main form input[name='{name}']:focus").get_attribute("value")
            steps = values.index(wanted) - values.index(start)
            if steps == 0:
                kb.press("Space")
            for _step in range(abs(steps)):
                kb.press("ArrowRight" if steps > 0 else "ArrowLeft")
            checked = page.locator(f"main form input[name='{name}']:checked").get_attribute("value")
            assert checked == wanted, (name, checked, wanted)
            done.add(name)
        elif info["type"] == "checkbox" and name not in done and info["last"]:
            if not page.locator(f"main form input[name='{name}']:checked").count():
                kb.press("Space")  # the last option ("none of these") of a group, or the one box there is
            done.add(name)
        elif info["tag"] in ("input", "textarea") and info["type"] not in ("radio", "checkbox", "submit", "hidden") \
                and not info["value"]:
            kb.type(answers.get(name) if isinstance(answers.get(name), str) and answers.get(name) not in ("ja", "nee")
                    else _type_for(info))
    raise AssertionError(f"'{done_button}' not reached with Tab on {page.url}")


def test_whole_candidate_journey_with_keyboard_only_in_english(new_context, visit, server, authenticator, staff):
    """From the invitation link to the submitted questionnaire with the keyboard only, in English: language
    switch, activation, every section, a secondary position added on its item page, review and submit."""
    from .helpers import focus_by_tab

    griffier, reviewer = staff
    griffie_page = new_context().new_page()
    login(griffie_page, visit, griffier, authenticator)
    candidate = invite(griffie_page, visit, server, griffier, reviewer, name="Kim Keyboard")
    account = candidate.account
    names = (griffier.name, reviewer.name, account.email, account.name)
    page = new_context().new_page()
    kb = page.keyboard
    page.goto(candidate.link)
    focus_by_tab(page, "form[action^='/taal/en'] button")
    with page.expect_navigation():
        kb.press("Enter")
    _check(page, visit, "kb-activeren-wachtwoord", *names)
    focus_by_tab(page, "#password")
    kb.type(account.password)
    kb.press("Tab")
    kb.type(account.password)
    with page.expect_navigation():
        kb.press("Enter")
    authenticator.register(account.email, page.locator("code.secret").get_attribute("data-secret"))
    focus_by_tab(page, "#code")
    kb.type(authenticator.code(account.email))
    with page.expect_navigation():
        kb.press("Enter")
    focus_by_tab(page, "#accept")
    kb.press("Space")
    kb.press("Tab")
    with page.expect_navigation():
        kb.press("Enter")
    assert "/account/herstelcodes" in page.url, page.url
    focus_by_tab(page, "main a.button")
    with page.expect_navigation():
        kb.press("Enter")
    _check(page, visit, "kb-start", *names)
    focus_by_tab(page, "main a.button-primary")
    with page.expect_navigation():
        kb.press("Enter")
    focus_by_tab(page, "main .button-row a.button-primary")
    with page.expect_navigation():
        kb.press("Enter")
    sections = 0
    added = False
    for _ in range(30):
        if "/controleren" in page.url:
            break
        assert "/onderdeel/" in page.url, page.url
        has_list = page.locator("main form input[name='heeft_nevenfuncties']").count() > 0
        if has_list and not added:
            pressed = _fill_by_keyboard(page, "Save and continue", answers={"heeft_nevenfuncties": "ja"},
                                        add_item="Add")
            assert pressed.startswith("Add") and "/nieuw" in page.url, (pressed, page.url)
            _check(page, visit, "kb-item-nieuw", *names)
            _fill_by_keyboard(page, "Save", answers={"omschrijving": "Chair", "organisatie": "Village hall foundation",
                                                     "betaald": "nee", "qq": "nee", "behouden": "ja"})
            assert "/nieuw" not in page.url and not page.locator("#error-summary").count(), page.url
            added = True
            continue
        before = page.url
        _fill_by_keyboard(page, "Save and continue", answers={"heeft_nevenfuncties": "ja"} if has_list else None)
        assert page.url != before and not page.locator("#error-summary").count(), \
            f"not saved with the keyboard: {page.url}"
        sections += 1
    assert "/controleren" in page.url, page.url
    assert sections >= 10 and added, (sections, added)
    _check(page, visit, "kb-controleren", *names, "Filled in with the keyboard.", "Chair", "Village hall foundation")
    focus_by_tab(page, "main input[type=checkbox]")
    kb.press("Space")
    kb.press("Tab")
    kb.type(account.name)
    with page.expect_navigation():
        kb.press("Enter")
    _check(page, visit, "kb-ingediend", *names)
    assert "submitted" in page.locator(".flashes").inner_text().lower()
