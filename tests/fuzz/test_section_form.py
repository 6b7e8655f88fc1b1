"""Fuzzing the candidate's section form: arbitrary unicode, huge values, control characters and
markup in every field never give a 5xx; what is stored renders escaped on the candidate's pages."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from integrity_tool.models import Dossier, DossierStatus, db
from integrity_tool.services import runtime
from tests.security.world import build_world, logged_in_client

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

markup = st.sampled_from(["<script>alert(1)</script>", "{{7*7}}", "{% raw %}", "<img src=x onerror=alert(1)>",
                          '"><svg onload=alert(1)>', "&lt;", "\x00", "\x1b[31m", "\u202e", "\r\n", "\ud7ff",
                          "=HYPERLINK(\"http://x\")", "'; DROP TABLE dossier; --", "ja", "nee", ""])
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)
huge = st.integers(1000, 200_000).map(lambda n: "ä<" * (n // 2))
value = st.one_of(text, markup, huge, st.lists(st.one_of(text, markup), max_size=3).map("".join))


def _fields(section):
    return [q for q in section.questions if q.type != "repeat"]


def _dossier(d) -> Dossier:
    db.session.expire_all()
    return db.session.get(Dossier, d.id)


def test_section_forms_never_500(app, make_org, make_user, make_dossier):
    world = build_world(make_dossier, make_org, make_user, DossierStatus.concept)
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    questionnaire = runtime.catalog().get(d.questionnaire_id, d.questionnaire_version)
    sections = {s.id: s for s in questionnaire.sections}

    @FUZZ
    @given(section_id=st.sampled_from(sorted(sections)), data=st.data(),
           version=st.one_of(st.none(), st.just("current"), text), action=st.one_of(st.just("next"), markup, text))
    def run(section_id, data, version, action):
        sec = sections[section_id]
        form = {q.id: data.draw(st.one_of(value, st.sampled_from(["ja", "nee"])), label=q.id) for q in _fields(sec)}
        form["version"] = str(_dossier(d).version) if version == "current" else (version or "")
        form["action"] = action
        response = client.post(f"/kandidaat/dossier/{d.public_id}/onderdeel/{section_id}", data=form)
        assert response.status_code < 500, (section_id, response.status_code)
        body = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body and "onerror=alert(1)>" not in body
        assert "Traceback" not in body
        stored = _dossier(d).answers or {}
        for qid, v in stored.items():
            if isinstance(v, str) and ("<" in v or "{{" in v):
                page = client.get(f"/kandidaat/dossier/{d.public_id}/antwoorden").get_data(as_text=True)
                assert str(escape(v))[:200] in page or len(v) > 2000, qid
                assert v[:200] not in page or "<" not in v[:200]
                break

    run()


def test_huge_body_is_refused_cleanly(app, make_org, make_user, make_dossier):
    world = build_world(make_dossier, make_org, make_user, DossierStatus.concept)
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    response = client.post(f"/kandidaat/dossier/{d.public_id}/onderdeel/hoofdfunctie",
                           data={"werkgever": "x" * (11 * 1024 * 1024), "version": "1"})
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)
