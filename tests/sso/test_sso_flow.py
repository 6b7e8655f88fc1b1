"""Issue 16: staff sign in with their organisation's account, against a real OpenID Connect provider.

Every test walks the real protocol: the application's redirect to the provider (authorisation code
with PKCE, state, nonce), the provider's log-in page, the callback, the code exchange and the ID-token
checks. The provider's test switch spoils one token response (wrong audience, expired, tampered
signature, wrong issuer); a restart of the provider is a signing-key rotation.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from integrity_tool.models import AuditEvent, UserSession, db
from integrity_tool.services import sso

from ..conftest import TEST_PASSWORD, totp_now
from .conftest import DOMAIN, configure, sso_login, start_url
from .provider import CLIENT_ID, Browser


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def logged_in_as(client, path: str) -> bool:
    response = client.get(path)
    return response.status_code == 200


def test_authorisation_request_uses_pkce_state_and_nonce(client, sso_world):
    url = start_url(client, sso_world.org.slug, login_hint=f"bram@{DOMAIN}")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(sso_world.provider.issuer + "/auth?")
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["redirect_uri"] == ["http://localhost/sso/callback"]
    assert query["login_hint"] == [f"bram@{DOMAIN}"]


def test_happy_path_burgemeester_signs_in(client, sso_world):
    response, _browser, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/beoordeling/")
    assert logged_in_as(client, "/beoordeling/")
    db.session.expire_all()
    assert sso_world.reviewer.sso_subject == "sub-bram"  # bound at the first sign-on
    assert sso_world.config.verified_at is not None
    session_row = db.session.scalars(select(UserSession).where(UserSession.user_id == sso_world.reviewer.id)).one()
    assert session_row.sso_sid and session_row.sso_id_token
    ok = events("sso.geslaagd")[-1]
    assert ok.actor_id == sso_world.reviewer.id and ok.detail["amr"] == ["pwd", "otp"]
    assert events("inloggen")[-1].detail == {"via": "sso"}


def test_the_email_on_the_login_page_finds_the_organisation(client, sso_world):
    response = client.post("/inloggen/organisatie", data={"sso-email": f"Bram@{DOMAIN}"})
    assert response.status_code == 302 and f"/inloggen/organisatie/{sso_world.org.slug}" in response.headers["Location"]
    response = client.post("/inloggen/organisatie", data={"sso-email": "iemand@elders.nl"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    page = client.get("/inloggen").get_data(as_text=True)
    assert "niet ingesteld" in page and "Inloggen met uw organisatieaccount" in page


def test_wrong_audience_is_refused(client, sso_world):
    # aud names another client while azp names ours: Authlib's own checks let this through; ours do not.
    sso_world.provider.spoil_next_token("wrong_aud")
    response, _, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    assert response.status_code == 400
    assert "kon niet worden gecontroleerd" in response.get_data(as_text=True)
    assert not logged_in_as(client, "/beoordeling/")
    failure = events("sso.mislukt")[-1]
    assert failure.detail["reden"] == "id_token_ongeldig" and failure.detail["claim"] == "aud"


@pytest.mark.parametrize("mode,claim", [("expired", "exp"), ("wrong_iss", "iss"), ("bad_signature", "")])
def test_spoiled_id_token_is_refused(client, sso_world, mode, claim):
    sso_world.provider.spoil_next_token(mode)
    response, _, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    assert response.status_code == 400
    assert not logged_in_as(client, "/beoordeling/")
    failure = events("sso.mislukt")[-1]
    assert failure.detail["reden"] == "id_token_ongeldig"
    if claim:
        assert failure.detail["claim"] == claim
    else:
        assert failure.detail["fout"] == "BadSignatureError"
    assert not events("sso.geslaagd")


def test_replayed_state_is_refused(client, app, sso_world):
    response, browser, first_callback = sso_login(client, sso_world, f"bram@{DOMAIN}")
    assert response.status_code == 302
    # Another log-in is under way in the same browser; the earlier callback (its state used) comes back.
    client.post("/uitloggen", data={})
    start_url(client, sso_world.org.slug)
    parts = urlsplit(first_callback)
    replay = client.get(f"{parts.path}?{parts.query}")
    assert replay.status_code == 400 and "verlopen of al gebruikt" in replay.get_data(as_text=True)
    assert events("sso.mislukt")[-1].detail["reden"] == "state_onbekend_of_gebruikt"
    # In a browser without the pending log-in it is refused too.
    other = app.test_client()
    assert other.get(f"{parts.path}?{parts.query}").status_code == 400
    assert not logged_in_as(other, "/beoordeling/")


def test_key_rotation_at_the_provider(client, app, sso_world):
    provider = sso_world.provider
    response, _, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    assert response.status_code == 302
    old_kid = provider.state()["kid"]
    provider.restart()  # new signing key, the old one no longer published
    assert provider.state()["kid"] != old_kid and provider.state()["jwks_requests"] == 0
    second = app.test_client()
    response, _, _ = sso_login(second, sso_world, f"bram@{DOMAIN}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert logged_in_as(second, "/beoordeling/")
    assert provider.state()["jwks_requests"] == 1  # the unknown kid made the client fetch the new key set


def test_missing_mfa_claim_is_refused_when_the_provider_must_give_it(client, sso_world):
    response, _, _ = sso_login(client, sso_world, f"greet@{DOMAIN}")  # amr: ["pwd"] only
    assert response.status_code == 403
    assert "Tweede stap ontbreekt" in response.get_data(as_text=True)
    assert not logged_in_as(client, "/griffie/")
    refused = events("sso.geweigerd")[-1]
    assert refused.actor_id == sso_world.griffier.id and refused.detail["reden"] == "geen_tweede_stap"


def test_acr_value_counts_as_mfa_when_configured(client, sso_world, make_user):
    make_user("griffier", sso_world.org, email=f"anna@{DOMAIN}")
    response, _, _ = sso_login(client, sso_world, f"anna@{DOMAIN}")
    assert response.status_code == 403
    configure(sso_world.admin, sso_world.org, sso_world.provider, mfa_acr_values="urn:test:loa:mfa")
    response, _, _ = sso_login(client, sso_world, f"anna@{DOMAIN}")
    assert response.status_code == 302 and logged_in_as(client, "/griffie/")


def test_own_totp_after_sso_when_configured(client, sso_world):
    configure(sso_world.admin, sso_world.org, sso_world.provider, mfa_mode="totp")
    response, _, _ = sso_login(client, sso_world, f"greet@{DOMAIN}")  # no MFA at the provider: our TOTP
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen/code")
    assert not logged_in_as(client, "/griffie/")
    assert client.post("/inloggen/code", data={"code": "000000"}).status_code == 200
    response = client.post("/inloggen/code", data={"code": totp_now(sso_world.griffier)})
    assert response.status_code == 302 and logged_in_as(client, "/griffie/")
    db.session.expire_all()
    record = db.session.scalars(select(UserSession).where(UserSession.user_id == sso_world.griffier.id)).one()
    assert record.sso_id_token  # the SSO log-in survives the code step, for the log-out


@pytest.mark.parametrize("login,reason", [
    ("nobody@" + DOMAIN, "onbekend"),
    ("someone@elders.nl", "domein_niet_toegestaan"),
    ("unverified@" + DOMAIN, "email_niet_geverifieerd"),
    ("karel@" + DOMAIN, "onbekend"),  # a candidate never signs in through the organisation
])
def test_unknown_person_gets_a_clear_page_and_an_audit_event(client, sso_world, login, reason):
    response, _, _ = sso_login(client, sso_world, login)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Geen account gevonden" in page and "niet automatisch aangemaakt" in page
    refused = events("sso.geweigerd")[-1]
    assert refused.detail["reden"] == reason and refused.organisation_id == sso_world.org.id
    assert refused.actor_id is None
    assert not logged_in_as(client, "/kandidaat/")


def test_unknown_person_page_in_english(client, sso_world):
    client.post("/taal/en", data={"next": "/inloggen"})
    response, _, _ = sso_login(client, sso_world, f"nobody@{DOMAIN}")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "No account found" in page and "Geen account gevonden" not in page


def test_subject_binding_wins_over_a_changed_email(client, sso_world):
    sso_login(client, sso_world, f"bram@{DOMAIN}")
    client.post("/uitloggen", data={})
    sso_world.reviewer.email = f"b.burgemeester@{DOMAIN}"  # renamed here; the provider still says bram@
    db.session.commit()
    response, _, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    assert response.status_code == 302 and logged_in_as(client, "/beoordeling/")


def test_rp_initiated_logout_ends_both_sessions(client, sso_world):
    response, browser, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    response = client.post("/uitloggen", data={})
    assert response.status_code == 302
    end_session = response.headers["Location"]
    assert end_session.startswith(sso_world.provider.issuer + "/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/inloggen"] and query["id_token_hint"]
    assert not logged_in_as(client, "/beoordeling/")
    back = browser.walk(end_session)
    assert back.startswith("http://localhost/inloggen")
    # The provider's session is gone: a new sign-in asks for the log-in again.
    page = browser.http.get(start_url(client, sso_world.org.slug), timeout=10)
    assert "/interaction/" in page.url and 'name="login"' in page.text


def test_backchannel_logout_ends_the_session(client, sso_world, backchannel_inbox):
    _url, inbox = backchannel_inbox
    inbox.clear()
    response, browser, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    assert logged_in_as(client, "/beoordeling/")
    # The person logs out at the provider (another application): the provider calls every client back.
    browser.walk(sso_world.provider.issuer + f"/session/end?client_id={CLIENT_ID}")
    assert inbox, "the provider sent no logout token"
    token = inbox[-1]
    other = client.application.test_client()
    assert other.post(f"/sso/{sso_world.org.slug}/backchannel-logout", data={"logout_token": token}).status_code == 200
    assert not logged_in_as(client, "/beoordeling/")
    assert events("sso.uitgelogd_via_idp")[-1].detail["sessies"] == 1
    # A tampered token is refused and ends nothing.
    head, payload, sig = token.split(".")
    bad = f"{head}.{payload}.{sig[:-4]}AAAA"
    assert other.post(f"/sso/{sso_world.org.slug}/backchannel-logout", data={"logout_token": bad}).status_code == 400
    assert events("sso.mislukt")[-1].detail["reden"] == "uitlogtoken_ongeldig"


def test_password_login_can_be_switched_off_with_a_break_glass_admin(client, app, sso_world):
    org, admin = sso_world.org, sso_world.admin
    from integrity_tool.services.errors import InvalidInput

    with pytest.raises(InvalidInput, match="pas uit"):
        configure(admin, org, sso_world.provider, password_login_off=True, break_glass_user_id=admin.id)
    sso_login(client, sso_world, f"bram@{DOMAIN}")  # SSO works now
    with pytest.raises(InvalidInput, match="noodtoegang"):
        configure(admin, org, sso_world.provider, password_login_off=True)
    configure(admin, org, sso_world.provider, password_login_off=True, break_glass_user_id=admin.id)

    def password_login(user):
        c = app.test_client()
        return c.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})

    refused = password_login(sso_world.griffier)
    assert refused.status_code == 200 and "alleen inloggen met het eigen organisatieaccount" in refused.get_data(as_text=True)
    assert events("inloggen.wachtwoord_uitgeschakeld")[-1].actor_id == sso_world.griffier.id
    assert password_login(admin).status_code == 302  # break-glass: password, then TOTP
    assert password_login(sso_world.candidate).status_code == 302  # candidates unchanged
    assert sso.password_login_allowed(sso_world.reviewer) is False


def test_provider_unreachable_gives_a_page_not_a_500(client, sso_world):
    configure(sso_world.admin, sso_world.org, sso_world.provider, issuer="http://127.0.0.1:9")
    response = client.get(f"/inloggen/organisatie/{sso_world.org.slug}")
    assert response.status_code == 502 and "niet bereikbaar" in response.get_data(as_text=True)
    assert events("sso.mislukt")[-1].detail["reden"] == "idp_onbereikbaar"


def test_error_from_the_provider_is_shown_as_a_failed_login(client, sso_world):
    start_url(client, sso_world.org.slug)
    with client.session_transaction() as s:
        state = next(k for k in s if k.startswith("_state_")).split("_", 3)[-1]
        state = state.rsplit("_", 1)[-1]
    response = client.get("/sso/callback", query_string={"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert events("sso.mislukt")[-1].detail["reden"] == "idp_fout"


def test_discovery_is_real(provider):
    metadata = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=5).json()
    assert metadata["issuer"] == provider.issuer and "S256" in metadata["code_challenge_methods_supported"]
    assert Browser(provider).http is not None


def _ready_to_sign(make_dossier, world):
    from integrity_tool.services import measures, signoff

    d = make_dossier("maatregelen_voorgesteld", org=world.org, reviewer=world.reviewer)
    for m in measures.measures_of(d):
        measures.respond(d.candidate, m.public_id, accept=True)
    signoff.save_conclusion(world.reviewer, d, "beheersbaar_met_afspraken", "Beheersbaar met de afspraken.")
    db.session.refresh(d)
    return d


def test_burgemeester_signs_off_by_signing_in_again_at_the_organisation(client, sso_world, make_dossier):
    from integrity_tool.models import DossierStatus

    d = _ready_to_sign(make_dossier, sso_world)
    response, browser, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    page = client.get(f"/beoordeling/dossier/{d.public_id}/afronden").get_data(as_text=True)
    assert "Ondertekenen na inloggen bij uw organisatie" in page
    response = client.post(f"/sso/ondertekenen/{d.public_id}", data={"version": d.version})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]  # a fresh sign-in, not the open session
    back = browser.walk(response.headers["Location"], f"bram@{DOMAIN}")
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossier/{d.public_id}")
    db.session.refresh(d)
    assert d.status == DossierStatus.afgerond and d.signed_off_by_id == sso_world.reviewer.id
    assert events("afronden.bevestigd_via_sso")[-1].actor_id == sso_world.reviewer.id
    assert logged_in_as(client, "/beoordeling/")  # still the same session


def test_sign_off_at_the_organisation_needs_the_same_person_and_its_second_factor(client, sso_world, make_dossier):
    from integrity_tool.models import DossierStatus

    d = _ready_to_sign(make_dossier, sso_world)
    _, browser, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    for login, reason in ((f"greet@{DOMAIN}", "ander_subject"),):
        response = client.post(f"/sso/ondertekenen/{d.public_id}", data={"version": d.version})
        back = browser.walk(response.headers["Location"], login)
        parts = urlsplit(back)
        response = client.get(f"{parts.path}?{parts.query}")
        assert response.status_code == 302 and response.headers["Location"].endswith("/afronden")
        db.session.refresh(d)
        assert d.status != DossierStatus.afgerond
        assert events("afronden.mislukt")[-1].detail["reden"] == reason
    # Without a sign-in through the organisation there is no such way: the code is asked.
    other = client.application.test_client()
    from ..conftest import login as password_login

    password_login(other, sso_world.reviewer)
    assert "Ondertekenen na inloggen" not in other.get(f"/beoordeling/dossier/{d.public_id}/afronden").get_data(
        as_text=True)


def test_backchannel_logout_of_one_organisation_never_ends_anothers_sessions(client, sso_world, make_org, make_user,
                                                                              backchannel_inbox):
    _url, inbox = backchannel_inbox
    inbox.clear()
    _, browser, _ = sso_login(client, sso_world, f"bram@{DOMAIN}")
    browser.walk(sso_world.provider.issuer + f"/session/end?client_id={CLIENT_ID}")
    token = inbox[-1]
    # Another organisation uses the same provider (same issuer and client): its endpoint ends nothing here.
    other_org = make_org("Gemeente Elders")
    other_admin = make_user("admin", other_org)
    configure(other_admin, other_org, sso_world.provider, allowed_domains="elders.nl")
    other = client.application.test_client()
    assert other.post(f"/sso/{other_org.slug}/backchannel-logout", data={"logout_token": token}).status_code == 200
    assert logged_in_as(client, "/beoordeling/")
    assert events("sso.uitgelogd_via_idp")[-1].detail["sessies"] == 0
