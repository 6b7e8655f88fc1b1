"""Issue 16 in the browser: the administrator sets up single sign-on, the burgemeester signs in through
the organisation's identity provider (a real OpenID Connect provider, node `oidc-provider`, on a
loopback port), works, and logs out at both ends; an unknown person gets a clear page. axe-core runs on
every page of the application (the provider's own pages are not ours and are not checked)."""
from __future__ import annotations

import pytest

from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, account, start_or_skip

from .helpers import login, logout, submit
from .journey import Journey, fill_in_questionnaire, invite, review_and_submit

pytestmark = pytest.mark.e2e

DOMAIN = "lindendal-e2e.nl"
BURGEMEESTER = f"burgemeester.sso@{DOMAIN}"
JOURNEY_BURGEMEESTER = f"burgemeester.journey@{DOMAIN}"
_CONFIGURED: list[bool] = []


@pytest.fixture(scope="module")
def provider(server):
    prov = start_or_skip(app_base=server.base_url, accounts={
        "sub-burgemeester": account(BURGEMEESTER, name="Bram Burgemeester"),
        "sub-onbekend": account(f"onbekend@{DOMAIN}", name="Olga Onbekend"),
        "sub-journey": account(JOURNEY_BURGEMEESTER, name="Berend Burgemeester"),
    })
    yield prov
    prov.stop()


def configure_sso(new_context, visit, server, authenticator, org, provider) -> None:
    """The administrator configures single sign-on on the beheer page (once per run), an error first."""
    if _CONFIGURED:
        return
    admin = server.make_user(org, "admin")
    page = new_context().new_page()
    login(page, visit, admin, authenticator, label="beheerder")
    page.goto("/beheer/inloggen-via-organisatie/")
    visit(page, "sso-instellingen-leeg")
    page.get_by_label("Issuer-URL van de identity provider").fill("ftp://niet-goed")
    page.get_by_label("Client-id").fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("Toegestane e-maildomeinen (één per regel)").fill(DOMAIN)
    page.get_by_label("Medewerkers kunnen inloggen via de organisatie").check()
    submit(page, "Instellingen opslaan")
    visit(page, "sso-instellingen-fout")
    assert "https://" in page.locator(".error-summary").inner_text()
    page.get_by_label("Issuer-URL van de identity provider").fill(provider.issuer)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    submit(page, "Instellingen opslaan")
    visit(page, "sso-instellingen-opgeslagen")
    assert "opgeslagen" in page.locator("main").inner_text()
    logout(page)

    _CONFIGURED.append(True)


def sign_in_through_organisation(page, visit, server, provider, email: str, label: str) -> None:
    page.goto("/inloggen")
    visit(page, f"{label}-inloggen")
    page.get_by_label("Uw werkmail bij uw organisatie").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen via uw organisatie").click()
    assert page.url.startswith(provider.issuer + "/interaction/"), page.url
    assert page.get_by_label("E-mail address").input_value() == email  # login_hint
    with page.expect_navigation(url=f"{server.base_url}/**"):
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_burgemeester_signs_in_through_the_organisation(new_context, visit, server, authenticator, org, provider):
    burgemeester = server.make_user(org, "reviewer", name="Bram Burgemeester", email=BURGEMEESTER)
    configure_sso(new_context, visit, server, authenticator, org, provider)

    # --- the burgemeester signs in with the organisation account (its MFA), no password here
    bm = new_context().new_page()
    sign_in_through_organisation(bm, visit, server, provider, burgemeester.email, "burgemeester")
    assert bm.url.startswith(server.base_url + "/beoordeling"), bm.url
    visit(bm, "burgemeester-dashboard-via-sso")
    assert "Uitloggen" in bm.locator("header").inner_text()  # signed in, on the burgemeester's dashboard

    # --- logging out ends the provider's session too (RP-initiated log-out), and lands on our log-in page
    with bm.expect_navigation():
        bm.locator("header").get_by_role("button", name="Uitloggen").click()
    assert bm.url.startswith(provider.issuer + "/session/end"), bm.url
    with bm.expect_navigation(url=f"{server.base_url}/**"):
        bm.get_by_role("button", name="Sign out").click()
    assert "/inloggen" in bm.url
    visit(bm, "uitgelogd-na-sso")
    bm.goto("/beoordeling/")
    assert "/inloggen" in bm.url

    # --- someone of the organisation without an account here: a clear page, no account made
    other = new_context().new_page()
    other.goto("/inloggen")
    other.get_by_label("Uw werkmail bij uw organisatie").fill(f"onbekend@{DOMAIN}")
    with other.expect_navigation():
        other.get_by_role("button", name="Inloggen via uw organisatie").click()
    with other.expect_navigation(url=f"{server.base_url}/**"):
        other.get_by_role("button", name="Sign in").click()
    visit(other, "sso-onbekende-persoon")
    assert "Geen account gevonden" in other.locator("h1").inner_text()


def test_journey_with_the_burgemeester_signing_in_through_the_organisation(new_context, visit, server, authenticator,
                                                                           org, provider):
    """The journey's variant: the griffier invites, the candidate fills in and submits, and the burgemeester
    (who never types a password here) signs in through the organisation and opens the dossier."""
    configure_sso(new_context, visit, server, authenticator, org, provider)
    griffier = server.make_user(org, "griffier")
    burgemeester = server.make_user(org, "reviewer", name="Berend Burgemeester", email=JOURNEY_BURGEMEESTER)
    griffie_page = new_context().new_page()
    login(griffie_page, visit, griffier, authenticator, label="sso-griffier")
    candidate = invite(griffie_page, visit, server, griffier, burgemeester, name="Sanne Sso", label="sso-griffier")

    j = Journey(new_context().new_page(), visit, server, authenticator)
    j.activate(candidate)
    fill_in_questionnaire(j, candidate)
    review_and_submit(j, candidate, label="sso-")

    bm = new_context().new_page()
    sign_in_through_organisation(bm, visit, server, provider, burgemeester.email, "sso-burgemeester")
    assert bm.url.startswith(server.base_url + "/beoordeling"), bm.url
    visit(bm, "sso-burgemeester-dashboard")
    with bm.expect_navigation():
        bm.get_by_role("link", name=candidate.account.name).click()
    visit(bm, "sso-burgemeester-dossier")
    assert candidate.account.name in bm.locator("main").inner_text()
