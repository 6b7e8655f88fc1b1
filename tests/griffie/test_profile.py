"""The organisation profile: beheer page (admin only, own organisation, audited, validated) and its use
by the fact rules at submission, the portfolio choice and the belangenkruising findings (issue 12)."""
import pytest
from sqlalchemy import select

from integrity_tool.models import AuditEvent, OrganisationProfile, db
from integrity_tool.services import matching, profile, review, runtime, submission
from integrity_tool.services.answers import candidate_questionnaire as questionnaire_for
from tests.conftest import login
from tests.factories import advance

from .helpers import answers

FORM = {
    "aliassen": "Gem. Oosterhout-Test\n",
    "kvk": "1234 5678\n",
    "verbonden_partijen": "Omgevingsdienst Regio; 61234567; regeling\nAfvalbedrijf Regio N.V.;;deelneming\n",
    "gebied": "Oosterhout\nDorst\n",
    "portefeuilles": "Ruimtelijke ordening en wonen: ruimtelijke ordening, Bouw en wonen\n"
                     "Financiën: financiën\n",
}


def test_admin_saves_the_profile_audited(client, make_user, org, app_ctx):
    admin = make_user("admin", org)
    login(client, admin)
    assert "Profiel bekijken en wijzigen" in client.get("/beheer/").get_data(as_text=True)
    assert client.get("/beheer/profiel").status_code == 200
    r = client.post("/beheer/profiel", data=FORM)
    assert r.status_code == 302
    data = db.session.get(OrganisationProfile, org.id).data
    assert data["kvk"] == ["12345678"] and data["gebied"] == ["Oosterhout", "Dorst"]
    assert data["verbonden_partijen"][1] == {"naam": "Afvalbedrijf Regio N.V.", "kvk": None, "soort": "deelneming"}
    assert data["portefeuilles"][0] == {"naam": "Ruimtelijke ordening en wonen",
                                        "domeinen": ["ruimtelijke_ordening", "bouw_wonen"]}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisatie.profiel_gewijzigd"))
    assert event.actor_id == admin.id and event.organisation_id == org.id
    assert event.detail["velden"] == "aliassen, kvk, verbonden_partijen, gebied, portefeuilles"
    page = client.get("/beheer/profiel").get_data(as_text=True)
    assert "Omgevingsdienst Regio; 61234567; regeling" in page
    assert "Ruimtelijke ordening en wonen: ruimtelijke ordening, bouw en wonen" in page
    # The same text again changes nothing and is not audited again.
    client.post("/beheer/profiel", data=FORM)
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "organisatie.profiel_gewijzigd")).all()) == 1


@pytest.mark.parametrize("field, value, message", [
    ("kvk", "123", "Regel 1: &#39;123&#39; is geen KvK-nummer van 8 cijfers."),
    ("verbonden_partijen", "GR Noord; 12345678; vereniging van eigenaren", "is geen bekende soort"),
    ("verbonden_partijen", "a;b;c;d", "hoogstens twee puntkomma"),
    ("verbonden_partijen", "; 12345678", "Regel 1: de naam ontbreekt."),
    ("portefeuilles", "Zonder domeinen", "Regel 1: gebruik &#39;naam: domein, domein&#39;"),
    ("portefeuilles", "Sport: sport, ruimtevaart", "Regel 1: onbekend domein &#39;sport&#39;, &#39;ruimtevaart&#39;"),
    ("portefeuilles", "A: water\na: financiën", "Regel 2: portefeuille &#39;a&#39; staat er al."),
    ("gebied", "x" * 201, "Regel 1: de plaatsnaam is langer dan 200 tekens."),
])
def test_profile_validation_names_field_and_line(client, make_user, org, app_ctx, field, value, message):
    login(client, make_user("admin", org))
    r = client.post("/beheer/profiel", data={**FORM, field: value})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Er is een probleem" in html and message in html
    assert db.session.get(OrganisationProfile, org.id) is None


def test_only_the_admin_of_the_organisation(client, make_user, make_org, org, app_ctx):
    for role in ("griffier", "reviewer", "candidate"):
        login(client, make_user(role, org))
        assert client.get("/beheer/profiel").status_code == 404
        assert client.post("/beheer/profiel", data=FORM).status_code == 404
        client.post("/uitloggen")
    other_admin = make_user("admin", make_org("Gemeente Elders"))
    login(client, other_admin)
    client.post("/beheer/profiel", data=FORM)
    assert db.session.get(OrganisationProfile, org.id) is None  # only the admin's own organisation changes
    with pytest.raises(Exception):
        profile.save(other_admin, org, profile.parse_form(FORM))


def test_candidate_chooses_from_the_organisations_portefeuilles(app_ctx, org, make_user, make_dossier):
    dossier = make_dossier()
    q = questionnaire_for(dossier)
    assert "ruimtelijke_ordening" in [o.value for o in q.fact_question("portfolio").options]  # no list yet
    profile.save(make_user("admin", org), org, profile.parse_form(FORM))
    q = questionnaire_for(dossier)
    options = [o.value for o in q.fact_question("portfolio").options]
    assert options == ["Ruimtelijke ordening en wonen", "Financiën", "geen"]
    assert q.content_hash == runtime.catalog().get(q.id, q.version).content_hash


def test_submission_findings_come_from_facts_and_the_relations_list(app_ctx, org, make_user, griffier, make_dossier):
    profile.save(make_user("admin", org), org, profile.parse_form(FORM))
    matching.replace_relations(griffier, "lijst.csv", b"naam;kvk;categorie\nBouwbedrijf De Vries;;leverancier\n")
    given = answers(werkgever="Gem. Oosterhout-Test", ondernemingen=[{"naam": "Bouwbedrijf De Vries B.V.",
                                                                     "belang_percentage": 10}])
    given.update({"onverenigbare_functie": False, "portefeuilles": ["Ruimtelijke ordening en wonen"]})
    given["ondernemingen"][0]["sector"] = "bouw_wonen"
    dossier = make_dossier("ingediend", answers=given)
    result = submission.evaluate_for(dossier, questionnaire_for(dossier), given)
    by_rule = {r: f for f in result.findings for r in f.rules}
    employer = by_rule["feit_werkgever_organisatie"]
    assert employer.level == "blokkerend" and employer.contradictions
    company = by_rule["belangenkruising"]
    assert company is by_rule["feit_portefeuille_overlap"]  # one company, one finding
    assert "als leverancier: Bouwbedrijf De Vries" in " ".join((company.explanation, *company.details))
    assert result.counts["blokkerend"] == 1


def test_submit_and_resubmit_store_fact_findings(app_ctx, org, make_user, griffier, reviewer, make_dossier, monkeypatch):
    from integrity_tool.models import Submission

    profile.save(make_user("admin", org), org, profile.parse_form(FORM))
    matching.replace_relations(griffier, "lijst.csv", b"naam;kvk;categorie\nStichting Sport Oost;;subsidieontvanger\n")
    given = answers(werkgever="Gemeente Oosterhout-Test")
    given.update({"heeft_nevenfuncties": True, "nevenfuncties": [
        {"omschrijving": "Voorzitter", "organisatie": "Stichting Sport Oost", "betaald": False, "qq": False,
         "relatie_overheid": ["geen"], "behouden": False}]})
    dossier = make_dossier(answers=given)
    candidate = dossier.candidate
    monkeypatch.setattr(submission.answers_service, "incomplete_sections", lambda q, a: [])
    sub = submission.submit(candidate, dossier, candidate.name, "127.0.0.1")
    keys = {f["risk_id"] for f in sub.payload["findings"]["findings"]}
    assert {"feit_werkgever_organisatie", "belangenkruising"} <= keys
    found = next(f for f in sub.payload["findings"]["findings"] if f["risk_id"] == "belangenkruising")
    assert "Stichting Sport Oost" in found["explanation"]
    assert dossier.finding_counts[0] == 1
    # Resubmission after a clarification request runs the belangenkruising again, with the current list.
    matching.replace_relations(griffier, "lijst.csv", b"naam;kvk;categorie\nAnders BV Noord;;leverancier\n")
    advance(dossier, "in_behandeling")
    review.request_clarification(reviewer, dossier, ["Klopt de lijst nog?"])
    sub2 = submission.submit(candidate, dossier, candidate.name, "127.0.0.1")
    assert sub2.number == 2
    assert "belangenkruising" not in {f["risk_id"] for f in sub2.payload["findings"]["findings"]}
    assert db.session.scalar(select(Submission).where(Submission.id == sub.id)).number == 1
