"""Fuzzing redirect targets (`next` of /taal/<lang> and of the log-in) and hidden integers (the
dossier `version` of answer forms, the item number in the URL): never a 5xx, never a header with a
control character, never a redirect off the site, and nothing saved from a stale or tampered version."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrity_tool.models import Dossier, DossierStatus, db
from integrity_tool.textcheck import bounded_int
from integrity_tool.web.auth import safe_next
from tests.security.world import build_world, logged_in_client

FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

control = st.characters(min_codepoint=0, max_codepoint=0x9f).filter(lambda c: c < " " or "\x7f" <= c)
pieces = st.sampled_from(["/", "//", "\\", "http://evil.example", "/\\evil", "%0d%0a", "\r\n", "\x00", "?", "#",
                          "Set-Cookie: x=1", "/kandidaat", "javascript:alert(1)", "..", "@", ":", " ", "\t"])
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
targets = st.lists(st.one_of(pieces, text, control), max_size=6).map("".join)


def _check_location(response):
    location = response.headers.get("Location", "")
    assert not any(c < " " or c == "\x7f" for c in location), repr(location)
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location


@FUZZ
@given(target=targets)
def test_safe_next_only_returns_clean_local_paths(target):
    result = safe_next(target)
    if result is not None:
        assert result.startswith("/") and not result.startswith("//") and "\\" not in result
        assert not any(c < " " or "\x7f" <= c <= "\x9f" for c in result)
        assert not urlsplit(result).netloc


def test_language_switch_next_never_500(app, make_org, make_user, make_dossier):
    world = build_world(make_dossier, make_org, make_user, DossierStatus.concept)
    client = logged_in_client(app, world.actors["candidate"])

    @FUZZ
    @given(target=targets, lang=st.sampled_from(["nl", "en", "xx"]))
    def run(target, lang):
        response = client.post(f"/taal/{lang}", data={"next": target})
        assert response.status_code < 500, (target, response.status_code)
        _check_location(response)

    run()


def test_login_next_never_500(app, make_user):
    user = make_user("griffier")

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(target=targets)
    def run(target):
        client = app.test_client()
        response = client.post(f"/inloggen?next={quote(target, safe='')}",
                               data={"email": user.email, "password": "wrong password, never accepted"})
        assert response.status_code < 500
        response = client.get(f"/inloggen?next={quote(target, safe='')}")
        assert response.status_code < 500

    run()


integers = st.one_of(st.integers(), st.integers(-2**70, 2**70), st.integers(10**20, 10**40))
hidden = st.one_of(integers.map(str), text, targets, st.sampled_from(["", " ", "1e9", "0x1", "١٢", "NaN", "-0"]))


@FUZZ
@given(value=st.one_of(hidden, integers))
def test_bounded_int_is_in_range_or_none(value):
    result = bounded_int(value)
    assert result is None or (isinstance(result, int) and 0 <= result <= 2**31 - 1)


def test_hidden_version_and_item_number_never_500(app, make_org, make_user, make_dossier):
    world = build_world(make_dossier, make_org, make_user, DossierStatus.concept)
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    base = f"/kandidaat/dossier/{d.public_id}/onderdeel"

    @FUZZ
    @given(version=hidden, number=st.one_of(integers.map(str), st.sampled_from(["1", "0", "-1", "x"])))
    def run(version, number):
        db.session.expire_all()
        before = db.session.get(Dossier, d.id).version
        response = client.post(f"{base}/hoofdfunctie", data={
            "werkgever": "Werkgever BV", "functie": "Directeur", "werkgever_relatie": "nee",
            "terugkeergarantie": "nee", "cv_juist": "ja", "vergoedingen_oud": "nee", "functie_na_ambt": "nee",
            "version": version, "action": "later"})
        assert response.status_code < 500, (version, response.status_code)
        db.session.expire_all()
        after = db.session.get(Dossier, d.id).version
        if bounded_int(version) != before:
            assert after == before, "a save went through with a version that was not the current one"
        for url in (f"{base}/nevenfuncties/nevenfuncties/{number}", f"{base}/nevenfuncties/nevenfuncties/{number}/verwijderen"):
            response = client.post(url, data={"version": version})
            assert response.status_code < 500, (url, version, response.status_code)

    run()
