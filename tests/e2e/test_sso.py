"""Issue 16 in the browser: the administrator sets up single sign-on, the burgemeester signs in through
the organisation's identity provider (a real OpenID Connect provider, node `oidc-provider`, on a
loopback port), works, and logs out at both ends; an unknown person gets a clear page. axe-core runs on
every page of the application (the provider's own pages are not ours and are not checked)."""
from __future__ import annotations

import pytest

from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, REQUIRED, Provider, account, problem

from .helpers import login, logout, submit

pytestmark = pytest.mark.e2e

DOMAIN = "lindendal-e2e.nl"
BURGEMEESTER = f"burgemeester.sso@{DOMAIN}"


@pytest.fixture(scope="module")
def provider(server):
    reason = problem()
    if reason:
        if REQUIRED:
            pytest.fail(f"{reason}. INTEGRITY_TOOL_REQUIRE_OIDC_PROVIDER=1: de SSO-tests zijn verplicht.", pytrace=False)
        pytest.skip(reason)
    prov = Provider(app_base=server.base_url, accounts={
        "sub-burgemeester": account(BURGEMEESTER, name="Bram Burgemeester"),
        "sub-onbekend": account(f"onbekend@{DOMAIN}", name="Olga Onbekend"),
    }).start()
    yield prov
    prov.stop()


def test_burgemeester_signs_in_through_the_organisation(new_context, visit, server, authenticator, org, provider):
    admin = server.make_user(org, "admin")
    burgemeester = server.make_user(org, "reviewer", name="Bram Burgemeester", email=BURGEMEESTER)

    # --- the administrator configures single sign-on on the beheer page
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

    # --- the burgemeester signs in with the organisation account (its MFA), no password here
    bm = new_context().new_page()
    bm.goto("/inloggen")
    visit(bm, "inloggen-met-organisatie")
    bm.get_by_label("Uw werkmail bij uw organisatie").fill(burgemeester.email)
    with bm.expect_navigation():
        bm.get_by_role("button", name="Inloggen via uw organisatie").click()
    assert bm.url.startswith(provider.issuer + "/interaction/"), bm.url
    assert bm.get_by_label("E-mail address").input_value() == burgemeester.email  # login_hint
    with bm.expect_navigation(url=f"{server.base_url}/**"):
        bm.get_by_role("button", name="Sign in").click()
    bm.wait_for_load_state("load")
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
