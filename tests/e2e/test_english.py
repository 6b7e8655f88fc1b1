"""Every page in English, in a real browser: axe-core on each (through ``visit``) and no visible Dutch
text that is not user data, a name or a legal citation."""
from __future__ import annotations

import re

import pytest

from .helpers import login, logout, submit

pytestmark = pytest.mark.e2e

# Common Dutch words (and domain words) that an English page must not show.
DUTCH = re.compile(r"\b(de|het|een|niet|voor|uw|van|met|naar|ja|nee|opslaan|vragenlijst|bevinding|maatregel|"
                   r"gesprek|kandidaat|inloggen|wachtwoord|terug|volgende|overzicht|ronde|deze|zijn|wordt)\b", re.I)
# Text marked lang="nl" (the language switch, Dutch-only content) is left out, and so are legal citations.
VISIBLE_TEXT = """
() => {
  const skip = el => el.closest('[lang]:not([lang^="en"])') || el.closest('[hidden]') || el.closest('script, style');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || skip(el) || !el.getClientRects().length) continue;
    if (node.textContent.trim()) out.push(node.textContent.trim());
  }
  document.querySelectorAll('[title], [placeholder], [aria-label], img[alt], input[type=submit][value]').forEach(el => {
    if (skip(el)) return;
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    if (el.matches('input[type=submit]')) out.push(el.value);
  });
  return out;
}
"""
CITATION = re.compile(r"(Gemeentewet|Provinciewet|Waterschapswet|Algemene wet bestuursrecht|art\.|artikel)[^.;]*")


def dutch_on(page, *user_data: str) -> list[str]:
    """Visible Dutch words on the page, with user data, names and legal citations left out."""
    found = []
    for text in page.evaluate(VISIBLE_TEXT):
        for data in user_data:
            text = text.replace(data, " ")
        text = CITATION.sub(" ", text)
        found += [f"{w} (in: {text[:80]!r})" for w in DUTCH.findall(text)]
    return found


def english(page, visit, name: str, *user_data: str) -> None:
    visit(page, name)  # axe-core (WCAG 2.0/2.1/2.2 A and AA) and the house checks
    assert page.locator("html").get_attribute("lang") == "en", name
    found = dutch_on(page, *user_data)
    assert not found, f"{name}: {found[:10]}"


def _to_english(page) -> None:
    with page.expect_navigation():
        page.locator("form[action^='/taal/en'] button").first.click()


def _back_to_dutch(page) -> None:
    """The account keeps the language; switch back so the shared (Dutch) helpers work again."""
    with page.expect_navigation():
        page.locator("form[action^='/taal/nl'] button").first.click()


def test_public_and_error_pages_in_english(page, visit, server):
    page.goto("/")
    _to_english(page)
    english(page, visit, "en-home")
    for path, name in (("/privacy", "en-privacy"), ("/toegankelijkheid", "en-toegankelijkheid"),
                       ("/inloggen", "en-inloggen"), ("/verificatie/", "en-verificatie"),
                       ("/activeren/ongeldig-token", "en-activeren-ongeldig")):
        page.goto(path)
        english(page, visit, name)
    response = page.goto("/deze-pagina-bestaat-niet")
    assert response.status == 404
    english(page, visit, "en-404")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    page.goto("/inloggen")
    submit(page, "Log in")
    english(page, visit, "en-inloggen-fout")
    assert page.locator("#error-summary").is_visible()


def test_staff_pages_in_english(page, visit, server, authenticator, org):
    griffier = server.make_user(org, "griffier")
    reviewer = server.make_user(org, "reviewer")
    names = (griffier.name, org.name, reviewer.name)
    login(page, visit, griffier, authenticator, label="en-griffier")
    _to_english(page)  # the choice is stored on the account
    english(page, visit, "en-griffie-overzicht", *names)
    for path, name in (("/griffie/rondes", "en-rondes"), ("/griffie/relaties", "en-relaties"),
                       ("/account", "en-account")):
        page.goto(path)
        english(page, visit, name, *names)
    _back_to_dutch(page)
    logout(page)
    login(page, visit, reviewer, authenticator, label="en-reviewer")
    _to_english(page)
    english(page, visit, "en-beoordeling", *names)
    page.goto("/beoordeling/maatregelen")
    english(page, visit, "en-beoordeling-maatregelen", *names)
    _back_to_dutch(page)
