"""Candidate input: no mass assignment (ASVS 8.2.3/15.3.3), XSS/SSTI payloads render literally (1.2.1, 1.3.7)."""
from __future__ import annotations

import re

import pytest

from integrity_tool.models import Dossier, DossierStatus, db
from integrity_tool.services import runtime
from tests.factories import advance
from tests.security.world import build_world, logged_in_client

XSS = "<script>alert('x')</script>"
SSTI = "{{7*7}}"
ATTR = '" onmouseover="alert(1)" x="'
IMG = '<img src=x onerror=alert(1)>'

YES, NO = "ja", "nee"


def _section_post(version: int, **values) -> dict:
    data = {"werkgever": "Werkgever BV", "functie": "Directeur", "werkgever_relatie": NO,
            "terugkeergarantie": NO, "cv_juist": YES, "vergoedingen_oud": NO, "functie_na_ambt": NO,
            "version": str(version), "action": "next"}
    data.update(values)
    return data


@pytest.fixture
def world(make_org, make_user, make_dossier):
    return build_world(make_dossier, make_org, make_user, DossierStatus.concept)


def _url(world, section="hoofdfunctie"):
    return f"/kandidaat/dossier/{world.dossier('own')}/onderdeel/{section}"


def _fresh(dossier) -> Dossier:
    db.session.expire_all()
    return db.session.get(Dossier, dossier.id)


def test_extra_fields_change_nothing(app, world):
    d = world.dossiers["own"]
    before = {c: getattr(_fresh(d), c) for c in ("status", "organisation_id", "reviewer_id", "candidate_id",
                                                  "outcome", "conclusion", "signed_off_by_id", "public_id",
                                                  "round_id", "questionnaire_id", "questionnaire_version")}
    client = logged_in_client(app, world.actors["candidate"])
    extra = {
        "status": "afgerond", "organisation_id": str(world.orgs["foreign"].id),
        "reviewer_id": str(world.actors["candidate"].id), "candidate_id": str(world.dossiers["foreign"].candidate_id),
        "signed_off_by_id": str(world.actors["reviewer"].id), "outcome": "geen_bijzonderheden",
        "conclusion": "zelf afgerond", "public_id": "gekozen", "round_id": "1", "questionnaire_id": "x",
        "answers": '{"strafbare_feiten": false}', "strafbare_feiten": NO,  # question of another section
        "finding_counts": "0,0,0", "role": "admin", "is_admin": "1",
    }
    response = client.post(_url(world), data=_section_post(_fresh(d).version, **extra))
    assert response.status_code in (200, 302, 422), response.status_code
    after = _fresh(d)
    for column, value in before.items():
        assert getattr(after, column) == value, column
    answers = after.answers or {}
    assert answers.get("werkgever") == "Werkgever BV"
    questionnaire = runtime.catalog().get(d.questionnaire_id, d.questionnaire_version)
    allowed = {q.id for s in questionnaire.sections for q in s.questions}
    assert set(answers) <= allowed
    assert "strafbare_feiten" not in answers  # not on this page: not taken from the POST
    # The candidate is still a candidate in their own organisation.
    cand = world.actors["candidate"]
    db.session.refresh(cand)
    assert cand.role.value == "candidate" and cand.organisation_id == world.orgs["own"].id


def test_version_cannot_be_used_to_overwrite(app, world):
    """A stale version (optimistic lock) gives 409, not a silent overwrite."""
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    v = _fresh(d).version
    assert client.post(_url(world), data=_section_post(v, werkgever="Eerste")).status_code in (302, 422)
    response = client.post(_url(world), data=_section_post(v, werkgever="Tweede"))
    assert response.status_code == 409
    assert (_fresh(d).answers or {}).get("werkgever") == "Eerste"


def test_cannot_save_into_foreign_or_other_dossier(app, world):
    client = logged_in_client(app, world.actors["candidate"])
    for target in ("other", "foreign"):
        d = world.dossiers[target]
        before = _fresh(d).answers
        url = f"/kandidaat/dossier/{d.public_id}/onderdeel/hoofdfunctie"
        assert client.post(url, data=_section_post(_fresh(d).version)).status_code == 404
        assert _fresh(d).answers == before


def _assert_literal(html: str, value: str):
    from markupsafe import escape

    assert str(escape(value)) in html, value
    assert value not in html or value == SSTI, value


@pytest.mark.parametrize("payload", [XSS, SSTI, ATTR, IMG])
def test_payload_renders_escaped_for_candidate_and_reviewer(app, world, payload):
    d = world.dossiers["own"]
    cand = logged_in_client(app, world.actors["candidate"])
    response = cand.post(_url(world), data=_section_post(_fresh(d).version, werkgever=payload,
                                                         functie=f"functie {payload} einde"))
    assert response.status_code in (302, 422), response.status_code
    assert (_fresh(d).answers or {})["werkgever"] == payload  # stored exactly as typed
    pages = [_url(world), f"/kandidaat/dossier/{d.public_id}/antwoorden",
             f"/kandidaat/dossier/{d.public_id}/controleren"]
    for page in pages:
        r = cand.get(page)
        assert r.status_code == 200, (page, r.status_code)
        html = r.get_data(as_text=True)
        _assert_literal(html, payload)
        if payload == SSTI:
            assert "functie {{7*7}} einde" in html.replace("&#123;", "{").replace("&#125;", "}")
            assert "functie 49 einde" not in html
    # The reviewer sees the same text escaped once the dossier is submitted.
    fresh = _fresh(d)
    advance(fresh, "in_behandeling", answers=dict(fresh.answers))  # submitted as typed, the review started
    rev = logged_in_client(app, world.actors["reviewer"])
    r = rev.get(f"/beoordeling/dossier/{d.public_id}")
    assert r.status_code == 200, r.status_code
    html = r.get_data(as_text=True)
    _assert_literal(html, payload)
    if payload == SSTI:
        assert "functie 49 einde" not in html


def test_no_unescaped_markup_sinks_in_templates():
    """No |safe, Markup() or autoescape false on anything in the templates (constants only, reviewed)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text("utf-8")
        for m in re.finditer(r"\|\s*safe\b|autoescape\s+false", text):
            line = text[:m.start()].count("\n") + 1
            offenders.append(f"{path.relative_to(root)}:{line}: {text.splitlines()[line - 1].strip()}")
    # Reviewed exceptions: the QR code SVG generated server-side from our own data.
    allowed = ("qr",)
    offenders = [o for o in offenders if not any(a in o for a in allowed)]
    assert not offenders, "unescaped output in templates:\n" + "\n".join(offenders)
