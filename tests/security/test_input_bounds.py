"""Issue 18, findings 3-5: control characters in redirect targets, huge hidden integers, control
characters in free text. Each test failed on main before the fix (a 500, a 503 or a stored NUL)."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import DataError

from integrity_tool.models import Dossier, DossierStatus, Round, User, db
from integrity_tool.services import invitations, rounds, users
from integrity_tool.services.errors import InvalidInput
from integrity_tool.services.guards import clean_line, clean_text
from integrity_tool.textcheck import MAX_DB_INT, bounded_int, text_error
from integrity_tool.web.auth import safe_next
from tests.conftest import totp_now
from tests.security.world import build_world, logged_in_client

YES, NO = "ja", "nee"
HEADER_INJECTION = "/ok\r\nSet-Cookie: x=1"


@pytest.fixture
def world(make_org, make_user, make_dossier):
    return build_world(make_dossier, make_org, make_user, DossierStatus.concept)


def _fresh(dossier) -> Dossier:
    db.session.expire_all()
    return db.session.get(Dossier, dossier.id)


def _section_post(version, **values) -> dict:
    data = {"werkgever": "Werkgever BV", "functie": "Directeur", "werkgever_relatie": NO,
            "terugkeergarantie": NO, "cv_juist": YES, "vergoedingen_oud": NO, "functie_na_ambt": NO,
            "version": str(version), "action": "next"}
    data.update(values)
    return data


# --- F1 (issue item 3): control characters in a `next` target -------------------------------------

@pytest.mark.parametrize("target", [HEADER_INJECTION, "/kandidaat/\r\n", "/a\nb", "/a\x00b", "/a\tb", "/a\x7fb",
                                    "/a\x85b"])
def test_safe_next_refuses_control_characters(target):
    assert safe_next(target) is None


def test_safe_next_keeps_ordinary_local_paths():
    assert safe_next("/kandidaat/dossier/abc?tab=1#x") == "/kandidaat/dossier/abc?tab=1#x"
    assert safe_next("/beoordeling/%0d%0a") == "/beoordeling/%0d%0a"  # still percent-encoded: harmless


def test_language_switch_with_crlf_next_redirects_home(app, world):
    client = logged_in_client(app, world.actors["candidate"])
    response = client.post("/taal/en", data={"next": HEADER_INJECTION})
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "Set-Cookie" not in response.headers["Location"]
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_login_with_crlf_next_ends_on_the_start_page(app, make_user):
    user = make_user("griffier")
    client = app.test_client()
    response = client.post("/inloggen?next=/griffie/%0d%0aSet-Cookie:%20x=1",
                           data={"email": user.email, "password": "correct paard batterij nietje"})
    assert response.status_code == 302
    response = client.post("/inloggen/code", data={"code": totp_now(user)})
    assert response.status_code == 302, response.status_code
    assert "\n" not in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code in (200, 302)


def test_login_keeps_an_ordinary_next(app, make_user):
    user = make_user("griffier")
    client = app.test_client()
    client.post("/inloggen?next=/griffie/relaties", data={"email": user.email,
                                                          "password": "correct paard batterij nietje"})
    response = client.post("/inloggen/code", data={"code": totp_now(user)})
    assert response.headers["Location"].endswith("/griffie/relaties")


# --- F3 (issue item 4): huge integers in hidden fields ---------------------------------------------

@pytest.mark.parametrize("version", ["1000000000000000000000000000000", str(2**31), "-1", "9" * 5000, "1e9",
                                     "0x10", "\x00", ""])
def test_huge_or_odd_version_is_a_stale_form_not_a_500(app, world, version):
    d = world.dossiers["own"]
    before = _fresh(d).version
    client = logged_in_client(app, world.actors["candidate"])
    response = client.post(f"/kandidaat/dossier/{world.dossier('own')}/onderdeel/hoofdfunctie",
                           data=_section_post(version))
    assert response.status_code == 409, response.status_code
    assert "niet opgeslagen" in response.get_data(as_text=True)
    assert _fresh(d).version == before


def test_huge_version_on_item_remove_and_item_number(app, world):
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    base = f"/kandidaat/dossier/{world.dossier('own')}/onderdeel/nevenfuncties/nevenfuncties"
    response = client.post(f"{base}/1/verwijderen", data={"version": "1" + "0" * 40})
    assert response.status_code in (302, 404), response.status_code
    assert client.get(f"{base}/{'9' * 40}").status_code == 404
    assert _fresh(d).version == d.version


def test_signoff_version_out_of_range_is_refused_with_a_message(app, make_org, make_user, make_dossier):
    world = build_world(make_dossier, make_org, make_user, DossierStatus.in_behandeling)
    client = logged_in_client(app, world.actors["reviewer"])
    response = client.post(f"/beoordeling/dossier/{world.dossier('own')}/ondertekenen",
                           data={"version": "9" * 40, "code": "123456"})
    assert response.status_code in (302, 400), response.status_code
    assert _fresh(world.dossiers["own"]).status == DossierStatus.in_behandeling


def test_bounded_int():
    assert bounded_int("12") == 12 and bounded_int(" 7 ") == 7 and bounded_int(0) == 0
    assert bounded_int(str(MAX_DB_INT)) == MAX_DB_INT
    for bad in (str(MAX_DB_INT + 1), "-1", "1" * 30, "abc", "1.0", None, True, 2**80, "", "١٢"):
        assert bounded_int(bad) is None, bad


def test_a_database_data_error_is_a_400_with_a_message_not_the_outage_page(app, world, monkeypatch):
    from integrity_tool.services import answers

    def refuse(*args, **kwargs):  # what PostgreSQL does with a value out of range for its column
        raise DataError("UPDATE dossier", {}, Exception("integer out of range"))

    monkeypatch.setattr(answers, "save_section", refuse)
    client = logged_in_client(app, world.actors["candidate"])
    response = client.post(f"/kandidaat/dossier/{world.dossier('own')}/onderdeel/hoofdfunctie",
                           data=_section_post(_fresh(world.dossiers["own"]).version))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "te groot getal" in body and "tijdelijk niet beschikbaar" not in body


# --- F4 (issue item 5): control characters in free text --------------------------------------------

@pytest.mark.parametrize("value", ["abc\x00def", "abc\x1bdef", "a\x08b", "a\x7fb", "a\x9bb"])
def test_control_characters_in_an_answer_are_refused_not_stored(app, world, value):
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    response = client.post(f"/kandidaat/dossier/{world.dossier('own')}/onderdeel/hoofdfunctie",
                           data=_section_post(_fresh(d).version, werkgever=value))
    assert response.status_code == 422
    assert "stuurtekens" in response.get_data(as_text=True)
    assert (_fresh(d).answers or {}).get("werkgever") != value


def test_tab_and_newlines_stay_allowed_in_answers(app, world):
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    response = client.post(f"/kandidaat/dossier/{world.dossier('own')}/onderdeel/hoofdfunctie",
                           data=_section_post(_fresh(d).version, werkgever="Werkgever\tBV"))
    assert response.status_code == 302
    assert _fresh(d).answers["werkgever"] == "Werkgever\tBV"


def test_the_service_refuses_control_characters_too(app, world):
    from integrity_tool.services import answers
    d = _fresh(world.dossiers["own"])
    with pytest.raises(InvalidInput):
        answers.save_section(world.actors["candidate"], d, "hoofdfunctie", {"werkgever": "a\x00b"}, d.version)
    assert "werkgever" not in (_fresh(d).answers or {}) or "\x00" not in _fresh(d).answers["werkgever"]


def test_names_with_control_characters_are_refused(app, world):
    griffier = world.actors["griffier"]
    with pytest.raises(InvalidInput, match="stuurtekens"):
        users.create_organisation("Gemeente\x00X", "gemeente")
    with pytest.raises(InvalidInput, match="stuurtekens"):
        rounds.create_round(griffier, "Ronde\x1b2026", None)
    questionnaire = world.dossiers["own"].questionnaire_id
    for field in ("name", "function_title", "portfolio"):
        kwargs = dict(name="Nieuwe Kandidaat", email="nieuw@example.org", function_title="Wethouder",
                      portfolio="Financiën", questionnaire_id=questionnaire, reviewer_id=None, deadline=None)
        kwargs[field] = "abc\x00def"
        with pytest.raises(InvalidInput, match="stuurtekens"):
            invitations.invite_candidate(griffier, **kwargs)
    assert db.session.query(User).filter(User.email == "nieuw@example.org").count() == 0
    assert db.session.query(Round).filter(Round.name.like("Ronde%2026")).count() == 0


def test_reviewer_texts_with_control_characters_are_refused():
    with pytest.raises(InvalidInput, match="stuurtekens"):
        clean_text("goed\x00", "een opmerking")
    assert clean_text("regel 1\r\nregel 2\tmet tab", "een opmerking") == "regel 1\nregel 2\tmet tab"
    assert clean_line("  Jan \t de  Vries ", "de naam") == "Jan de Vries"
    with pytest.raises(InvalidInput):
        clean_line("Jan\nde Vries", "de naam")
    assert text_error("gewone tekst, één regel") is None
