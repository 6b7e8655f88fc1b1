"""Keyboard only: every control reachable with Tab, a visible focus indicator, no trap, submit with Enter/Space."""
from __future__ import annotations

import pytest

from .helpers import focus_by_tab, login, tab_through

pytestmark = pytest.mark.e2e


def test_login_with_keyboard_only(page, visit, server, authenticator, org):
    account = server.make_user(org, "griffier")
    page.goto("/inloggen")
    visit(page, "inloggen")
    stops = tab_through(page)
    # the first stop is the skip link, and it becomes visible when focused
    assert "skip-link" in (page.locator(f"[data-e2e-key='{stops[0]['key']}']").get_attribute("class") or "")

    # from a fresh page the first Tab lands on the skip link, which moves focus to the main content
    page.reload()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "inhoud"

    focus_by_tab(page, "#email")
    page.keyboard.type(account.email)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password"
    page.keyboard.type(account.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits the form
    assert "/inloggen/2fa-instellen" in page.url
    visit(page, "2fa-instellen")
    tab_through(page)
    authenticator.register(account.email, page.locator("code.secret").get_attribute("data-secret"))

    # a wrong code first: the error summary gets focus, its link leads to the field
    focus_by_tab(page, "#code")
    page.keyboard.type("000000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    visit(page, "2fa-instellen-foute-code")
    assert page.evaluate("() => document.activeElement.id") == "error-summary", page.url
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the link in the error summary
    assert page.evaluate("() => document.activeElement.id") == "code"
    page.keyboard.press("Control+A")
    page.keyboard.type(authenticator.code(account.email))
    page.keyboard.press("Tab")  # to the submit button, then Space
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "/account/herstelcodes" in page.url
    visit(page, "herstelcodes")
    tab_through(page)
    focus_by_tab(page, "main a.button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/inloggen" not in page.url
    visit(page, "startpagina-griffier")
    tab_through(page)


def _press_until_focused(page, predicate_js: str, max_steps: int = 200) -> dict:
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        info = page.evaluate(predicate_js)
        if info:
            return info
    raise AssertionError("niet bereikt met Tab")


def test_questionnaire_section_with_keyboard_only(new_context, visit, server, authenticator, staff):
    """The griffier invites with the mouse; the candidate activates and fills in a section with the keyboard."""
    from .journey import ANSWERS, invite

    griffier, reviewer = staff
    griffie_page = new_context().new_page()
    login(griffie_page, visit, griffier, authenticator)
    candidate = invite(griffie_page, visit, server, griffier, reviewer, name="Toos Toetsenbord")
    account = candidate.account

    page = new_context().new_page()
    kb = page.keyboard
    page.goto(candidate.link)
    visit(page, "activeren-wachtwoord")
    tab_through(page)
    focus_by_tab(page, "#password")
    kb.type(account.password)
    kb.press("Tab")
    kb.type(account.password)
    with page.expect_navigation():
        kb.press("Enter")
    visit(page, "activeren-tweede-stap")
    tab_through(page)
    authenticator.register(account.email, page.locator("code.secret").get_attribute("data-secret"))
    focus_by_tab(page, "#code")
    kb.type(authenticator.code(account.email))
    with page.expect_navigation():
        kb.press("Enter")
    visit(page, "activeren-privacy")
    tab_through(page)
    focus_by_tab(page, "#accept")
    kb.press("Space")
    assert page.locator("#accept").is_checked()
    kb.press("Tab")
    with page.expect_navigation():
        kb.press("Enter")
    visit(page, "herstelcodes")
    focus_by_tab(page, "main a.button")
    with page.expect_navigation():
        kb.press("Enter")
    visit(page, "start")
    focus_by_tab(page, "main a.button-primary")
    with page.expect_navigation():
        kb.press("Enter")
    visit(page, "vragenlijst-overzicht")
    tab_through(page)
    focus_by_tab(page, "main .button-row a.button-primary")
    with page.expect_navigation():
        kb.press("Enter")
    assert "/onderdeel/" in page.url
    visit(page, "onderdeel-1")
    tab_through(page)

    # answer every question of the section with the keyboard only, then submit with Enter
    answered: set[str] = set()
    active_js = """() => { const el = document.activeElement; if (!el || !el.closest('main form')) return null;
        return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', value: el.value || '',
                text: (el.innerText || '').trim(), checked: !!el.checked}; }"""
    for _ in range(60):
        info = _press_until_focused(page, active_js)
        if info["tag"] == "button" and info["text"] == "Opslaan en verder":
            break
        if info["type"] == "radio" and info["name"] not in answered:
            wanted = "ja" if info["name"] == "vog_aangevraagd" else ANSWERS.get(info["name"], "nee")
            # focus is on the first option (Ja): Space picks it, the arrow key moves to Nee and picks it
            kb.press("Space" if wanted == "ja" else "ArrowRight")
            answered.add(info["name"])
            checked = page.locator(f"main form input[name='{info['name']}']:checked").get_attribute("value")
            assert checked == wanted, (info["name"], checked)
        elif info["tag"] in ("input", "textarea") and info["type"] not in ("radio", "checkbox", "submit") \
                and not info["value"]:
            kb.type("17-03-2026" if info["name"].endswith("datum") else "Toelichting met het toetsenbord.")
            answered.add(info["name"])
    else:
        raise AssertionError("de knop 'Opslaan en verder' is niet bereikt")
    assert "vog_datum" in answered, "de vervolgvraag (VOG-datum) was niet bereikbaar met Tab"
    visit(page, "onderdeel-1-ingevuld")
    with page.expect_navigation():
        kb.press("Enter")
    assert "/onderdeel/" in page.url and page.locator("h1").inner_text() != "Benoembaarheid en VOG", page.url
    visit(page, "onderdeel-2")
    tab_through(page)
