"""Findings from facts, not from the candidate's own labels (issue 12).

The table below holds answer sets that state only the facts and answer every classification
question ("Is dit een onverenigbare functie?", "Levert u aan ...?", "Belangen in uw portefeuille?",
"Ligt het in het gebied?") with "nee". Each must give its expected finding at its expected level.
The same set with the classification answered "ja" must give the same single finding: the same key
and level, no duplicates, the same number of findings. Answers are built through the questionnaires'
``fact:`` markers, so the test does not depend on question ids either.
"""
from __future__ import annotations

from datetime import date

import pytest

from integrity_tool.questionnaire import default_catalog
from integrity_tool.questionnaire.facts import FACTS
from integrity_tool.scoring import OrgProfile, Portefeuille, VerbondenPartij, evaluate
from integrity_tool.scoring.relations import build_index

TODAY = date(2026, 3, 1)

PROFILES = {
    "gemeente": OrgProfile(
        kind="gemeente", name="Gemeente Voorbeeld", aliases=("Gem. Voorbeeld",), kvk_numbers=("11111111",),
        verbonden_partijen=(VerbondenPartij("Belastingsamenwerking Westland", "22222222", "regeling"),
                            VerbondenPartij("Afvalbedrijf Regio", "33333333", "deelneming")),
        territory=("Voorbeeld", "Oostdorp", "Westerveen"),
        portefeuilles=(Portefeuille("Ruimtelijke ordening en wonen",
                                    ("ruimtelijke_ordening", "bouw_wonen", "grond_vastgoed")),
                       Portefeuille("Financiën en economie", ("financien", "economie_vergunningen")),
                       Portefeuille("Zorg en jeugd", ("sociaal_domein",)))),
    "provincie": OrgProfile(
        kind="provincie", name="Provincie Voorbeeldland", kvk_numbers=("44444444",),
        verbonden_partijen=(VerbondenPartij("Omgevingsdienst Voorbeeldland", "55555555", "regeling"),),
        territory=("Voorbeeldstad", "Noorddorp", "Zuidhaven"),
        portefeuilles=(Portefeuille("Mobiliteit", ("verkeer_vervoer",)),
                       Portefeuille("Landbouw en natuur", ("landbouw_natuur", "water", "grond_vastgoed")))),
    "waterschap": OrgProfile(
        kind="waterschap", name="Waterschap De Polder", kvk_numbers=("66666666",),
        territory=("Voorbeeld", "Poldervaart", "Dijkhuizen"),
        portefeuilles=(Portefeuille("Watersysteem en peilbeheer", ("water", "landbouw_natuur", "grond_vastgoed")),
                       Portefeuille("Financiën en belastingen", ("financien",)))),
    "kabinetsformatie": OrgProfile(
        kind="kabinetsformatie", name="Rijksoverheid", aliases=("Ministerie van Financiën",)),
}
QUESTIONNAIRES = {"W": "kandidaat-wethouder", "P": "kandidaat-gedeputeerde", "D": "kandidaat-db-lid-waterschap",
                  "B": "kandidaat-bewindspersoon"}
KIND = {"W": "gemeente", "P": "provincie", "D": "waterschap", "B": "kabinetsformatie"}
RELATIONS = build_index([("Zorggroep Lindehof", "87654321", "subsidieontvanger", None),
                         ("Installatiebedrijf Kortman", "77777777", "leverancier", None),
                         ("Adviesbureau Stroomlijn", None, "leverancier", None)])


def qn(code):
    return default_catalog().get(QUESTIONNAIRES[code])


def build(q, top=None, labels_yes=(), **repeats):
    """Answers from fact names: ``top`` {fact: value}; repeats company=[{fact: value}], ...; every
    self-label question "nee" unless listed in ``labels_yes`` ({fact: True} or a question id)."""
    answers = {}
    for fact, spec in FACTS.items():
        if spec.self_label and spec.repeat is None and q.fact_path(fact):
            answers[q.fact_path(fact)] = False
    for fact, value in (top or {}).items():
        answers[q.fact_path(fact) if fact in FACTS else fact] = value
    for repeat_fact, items in repeats.items():
        rid = q.fact_path(repeat_fact)
        repeat = q.question(rid)
        if repeat.show_if is not None:
            answers[repeat.show_if.refs[0]] = True
        built = []
        for item in items:
            out = {}
            for fact, spec in FACTS.items():
                if spec.self_label and spec.repeat == repeat_fact and q.fact_path(fact):
                    out[q.fact_path(fact).split(".")[1]] = False
            for key, value in item.items():
                path = q.fact_path(key) if key in FACTS else f"{rid}.{key}"
                out[path.split(".")[1]] = value
            built.append(out)
        answers[rid] = built
    for label in labels_yes:
        if isinstance(label, tuple):  # (question path, value): e.g. an item's self-label
            path, value = label
            if "." in path:
                rid, sub = path.split(".")
                for item in answers[rid]:
                    item[sub] = value
            else:
                answers[path] = value
        else:
            answers[q.fact_path(label) if label in FACTS else label] = True
    return answers


# (id, questionnaire, facts kwargs for build(), classification "ja" (labels_yes), expected rule, level)
CASES = [
    # --- kandidaat-wethouder ---
    ("W01-werkgever-is-gemeente", "W", dict(top={"employer": "Gemeente Voorbeeld"}),
     ["label.onverenigbaar", ("onverenigbare_functie_welke", "Beleidsmedewerker")],
     "feit_werkgever_organisatie", "blokkerend"),
    ("W02-werkgever-alias", "W", dict(top={"employer": "Gem. Voorbeeld"}), ["label.onverenigbaar"],
     "feit_werkgever_organisatie", "blokkerend"),
    ("W03-werkgever-kvk", "W", dict(top={"employer": "Afdeling Financiën", "employer.kvk": "11111111"}),
     ["label.onverenigbaar"], "feit_werkgever_organisatie", "blokkerend"),
    ("W04-werkgever-onderdeel", "W", dict(top={"employer": "Gemeente Voorbeeld, afdeling Wonen"}),
     ["label.onverenigbaar", "label.werkgever_relatie"], "feit_werkgever_organisatie", "blokkerend"),
    ("W05-werkgever-gr", "W", dict(top={"employer": "Belastingsamenwerking Westland"}),
     ["label.verbonden_partij"], "feit_werkgever_verbonden_partij", "blokkerend"),
    ("W06-werkgever-deelneming", "W", dict(top={"employer": "Afvalbedrijf Regio N.V."}),
     ["label.verbonden_partij"], "feit_werkgever_verbonden_partij", "hoog"),
    ("W07-eenmanszaak-levert", "W",
     dict(company=[{"company.name": "Klussenbedrijf Jansen", "company.form": "eenmanszaak", "company.share": 100,
                    "company.deals": True}]),
     ["label.levert"], "feit_onderneming_levert", "blokkerend"),
    ("W08-bv-meerderheid-levert", "W",
     dict(company=[{"company.name": "Jansen Bouw", "company.form": "bv", "company.share": 60,
                    "company.deals": True}]),
     ["label.levert"], "feit_onderneming_levert", "blokkerend"),
    ("W09-vof-levert", "W",
     dict(company=[{"company.name": "Jansen en Zn", "company.form": "vof", "company.share": 50,
                    "company.deals": True}]),
     ["label.levert"], "feit_onderneming_levert", "blokkerend"),
    ("W10-relatielijst-leverancier", "W",
     dict(company=[{"company.name": "Kortman", "company.kvk": "77777777", "company.form": "eenmanszaak",
                    "company.share": 100, "company.deals": False}]),
     ["label.levert"], "feit_onderneming_levert", "blokkerend"),
    ("W11-portefeuille-ro-bouwbedrijf", "W",
     dict(top={"portfolio": ["Ruimtelijke ordening en wonen"]},
          company=[{"company.name": "Bouwbedrijf De Vries", "company.form": "bv", "company.share": 40,
                    "company.sector": "bouw_wonen", "company.deals": False}]),
     ["label.portefeuille_belang"], "feit_portefeuille_overlap", "hoog"),
    ("W12-portefeuille-werkgever", "W",
     dict(top={"portfolio": ["Financiën en economie"], "employer": "Bank Noord", "employer.sector": "financien"}),
     ["label.portefeuille_belang"], "feit_portefeuille_overlap", "hoog"),
    ("W13-portefeuille-zorg-zorgbedrijf", "W",
     dict(top={"portfolio": ["Zorg en jeugd"]},
          company=[{"company.name": "Thuiszorg Plus", "company.form": "bv", "company.share": 3,
                    "company.sector": "sociaal_domein", "company.deals": False}]),
     ["label.portefeuille_belang"], "feit_portefeuille_overlap", "hoog"),
    ("W14-weiland-in-gebied", "W",
     dict(property=[{"property.description": "Weiland", "property.location": "Oostdorp", "property.use": "agrarisch"}]),
     [("onroerend_goed.in_gebied", True)], "feit_vastgoed_in_gebied", "hoog"),
    ("W15-bouwgrond-ro-portefeuille", "W",
     dict(top={"portfolio": ["Ruimtelijke ordening en wonen"]},
          property=[{"property.description": "Kavel", "property.location": "Westerveen, Dorpsstraat",
                     "property.use": "bouwgrond"}]),
     [("onroerend_goed.in_gebied", True), "label.portefeuille_belang"], "feit_vastgoed_in_gebied", "hoog"),
    ("W16-pand-in-hoofdplaats", "W",
     dict(property=[{"property.description": "Winkelpand", "property.location": "Voorbeeld centrum",
                     "property.use": "bedrijfspand"}]),
     [("onroerend_goed.in_gebied", True)], "feit_vastgoed_in_gebied", "hoog"),
    ("W17-toezicht-verbonden-partij", "W",
     dict(position=[{"position.title": "Lid RvC", "position.organisation": "Afvalbedrijf Regio",
                     "position.kind": "toezichthouder", "relatie_overheid": ["geen"], "betaald": False, "qq": False,
                     "behouden": False}]),
     [("nevenfuncties.relatie_overheid", ["verbonden_partij"])], "feit_bestuursfunctie", "hoog"),
    ("W18-bestuurder-stichting", "W",
     dict(position=[{"position.title": "Voorzitter", "position.organisation": "Stichting Sportpark",
                     "position.kind": "bestuurder", "relatie_overheid": ["geen"], "betaald": False, "qq": False,
                     "behouden": True}]),
     [], "feit_bestuursfunctie", "aandachtspunt"),
    ("W19-politiek-ambt-elders", "W",
     dict(position=[{"position.title": "Statenlid", "position.organisation": "Provincie Elders",
                     "position.kind": "politiek_ambt", "relatie_overheid": ["geen"], "betaald": True,
                     "qq": False, "behouden": False}]),
     [], "feit_bestuursfunctie", "hoog"),
    ("W20-vog-niet-ontvangen", "W", dict(top={"vog.status": True}), [], "feit_vog_niet_ontvangen",
     "aandachtspunt"),
    ("W21-partner-bij-subsidieontvanger", "W",
     dict(relation=[{"naam": "P. Partner", "relatie": "partner", "relation.organisation": "Zorggroep Lindehof",
                     "aard": "werkt_bij"}]),
     [("relaties.aard", "doet_zaken")], "belangenkruising", "hoog"),
    ("W22-nevenfunctie-bij-leverancier", "W",
     dict(position=[{"position.title": "Adviseur", "position.organisation": "Iets", "position.kvk": "77777777",
                     "position.kind": "adviseur", "relatie_overheid": ["geen"], "betaald": False, "qq": False,
                     "behouden": False}]),
     [("nevenfuncties.relatie_overheid", ["opdrachten"])], "belangenkruising", "hoog"),
    ("W23-werkgever-op-relatielijst", "W", dict(top={"employer": "Adviesbureau Stroomlijn B.V."}),
     ["label.werkgever_relatie"], "belangenkruising", "hoog"),
    # --- kandidaat-gedeputeerde ---
    ("P01-werkgever-is-provincie", "P", dict(top={"employer": "Provincie Voorbeeldland"}),
     ["label.onverenigbaar"], "feit_werkgever_organisatie", "blokkerend"),
    ("P02-werkgever-omgevingsdienst", "P", dict(top={"employer": "Omgevingsdienst Voorbeeldland"}),
     ["label.verbonden_partij"], "feit_werkgever_verbonden_partij", "blokkerend"),
    ("P03-eenmanszaak-levert", "P",
     dict(company=[{"company.name": "Wegenbouw Pietersen", "company.form": "eenmanszaak", "company.share": 100,
                    "company.deals": True}]),
     ["label.levert"], "feit_onderneming_levert", "blokkerend"),
    ("P04-mobiliteit-vervoerder", "P",
     dict(top={"portfolio": ["Mobiliteit"]},
          company=[{"company.name": "Busbedrijf Noord", "company.form": "bv", "company.share": 20,
                    "company.sector": "verkeer_vervoer", "company.deals": False}]),
     ["label.portefeuille_belang"], "feit_portefeuille_overlap", "hoog"),
    ("P05-grond-in-provincie", "P",
     dict(property=[{"property.description": "Akker", "property.location": "Noorddorp", "property.use": "agrarisch"}]),
     [("onroerend_goed.in_gebied", True)], "feit_vastgoed_in_gebied", "hoog"),
    ("P06-vog-niet-ontvangen", "P", dict(top={"vog.status": True}), [], "feit_vog_niet_ontvangen", "aandachtspunt"),
    ("P07-bestuurder-elders", "P",
     dict(position=[{"position.title": "Penningmeester", "position.organisation": "Vereniging Dorpsbelang",
                     "position.kind": "bestuurder", "relatie_overheid": ["geen"], "betaald": False, "qq": False,
                     "behouden": False}]),
     [], "feit_bestuursfunctie", "aandachtspunt"),
    # --- kandidaat-db-lid-waterschap ---
    ("D01-boerderij-in-beheergebied", "D",
     dict(property=[{"property.description": "Boerderij met land", "property.location": "Poldervaart",
                     "property.use": "agrarisch"}]),
     [("onroerend_goed.in_gebied", True), "label.grond_in_gebied", "agrarisch_bedrijf", "peilbesluit_belang"],
     "feit_vastgoed_in_gebied", "hoog"),
    ("D02-werkgever-is-waterschap", "D", dict(top={"employer": "Waterschap De Polder"}),
     ["label.onverenigbaar"], "feit_werkgever_organisatie", "blokkerend"),
    ("D03-maatschap-levert", "D",
     dict(company=[{"company.name": "Loonbedrijf Dijkstra", "company.form": "maatschap", "company.share": 50,
                    "company.deals": True}]),
     ["label.levert"], "feit_onderneming_levert", "blokkerend"),
    ("D04-watersysteem-agrarisch-bedrijf", "D",
     dict(top={"portfolio": ["Watersysteem en peilbeheer"]},
          company=[{"company.name": "Melkveebedrijf Polderzicht", "company.form": "bv", "company.share": 4,
                    "company.sector": "landbouw_natuur", "company.deals": False}]),
     ["label.portefeuille_belang"], "feit_portefeuille_overlap", "hoog"),
    ("D05-natuur-en-peilportefeuille", "D",
     dict(top={"portfolio": ["Watersysteem en peilbeheer"]},
          property=[{"property.description": "Natuurterrein", "property.location": "Dijkhuizen",
                     "property.use": "natuur"}]),
     [("onroerend_goed.in_gebied", True), "label.grond_in_gebied", "label.portefeuille_belang"],
     "feit_vastgoed_in_gebied", "hoog"),
    ("D06-vog-niet-ontvangen", "D", dict(top={"vog.status": True}), [], "feit_vog_niet_ontvangen", "aandachtspunt"),
    # --- kandidaat-bewindspersoon ---
    ("B01-nevenfuncties-neerleggen", "B",
     dict(top={"alle_nevenfuncties_neerleggen": True},
          position=[{"position.title": t, "position.organisation": o, "betaald": False}
                    for t, o in (("Voorzitter", "Stichting A"), ("Lid RvT", "Ziekenhuis B"), ("Bestuurder", "Club C"))]),
     [], "nevenfunctie_neerleggen", "hoog"),
    ("B02-werkgever-ministerie", "B", dict(top={"employer": "Ministerie van Financiën"}), [],
     "feit_werkgever_organisatie", "hoog"),
    ("B03-nevenfunctie-op-relatielijst", "B",
     dict(top={"alle_nevenfuncties_neerleggen": True},
          position=[{"position.title": "Bestuurder", "position.organisation": "Zorggroep Lindehof", "betaald": True,
                     "bedrag_per_jaar": "5000.00"}]),
     [], "nevenfunctie_neerleggen", "hoog"),
    ("B04-partner-bij-subsidieontvanger", "B",
     dict(relation=[{"naam": "P. Partner", "relatie": "partner", "relation.organisation": "Zorggroep Lindehof",
                     "relation.kvk": "87654321", "aard": "werkt_bij"}]),
     [("relaties.aard", "doet_zaken")], "belangenkruising", "hoog"),
]


def _run(code, answers):
    return evaluate(qn(code), answers, today=TODAY, profile=PROFILES[KIND[code]], relations=RELATIONS)


def _find(result, rule):
    return [f for f in result.findings if rule in f.rules]


def test_table_is_large_enough_and_covers_all_questionnaires():
    assert len(CASES) >= 30
    assert {c[1] for c in CASES} == set(QUESTIONNAIRES)
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case_id, code, facts, labels_yes, rule, level", CASES, ids=[c[0] for c in CASES])
def test_facts_only_give_the_finding(case_id, code, facts, labels_yes, rule, level):
    result = _run(code, build(qn(code), **facts))
    found = _find(result, rule)
    assert len(found) == 1, [(f.key, f.rules) for f in result.findings]
    assert found[0].level == level
    assert found[0].legal and found[0].explanation


@pytest.mark.parametrize("case_id, code, facts, labels_yes, rule, level", CASES, ids=[c[0] for c in CASES])
def test_classification_ja_gives_the_same_single_finding(case_id, code, facts, labels_yes, rule, level):
    q = qn(code)
    nee = _run(code, build(q, **facts))
    ja = _run(code, build(q, labels_yes=labels_yes, **facts))
    target_nee, target_ja = _find(nee, rule), _find(ja, rule)
    assert len(target_ja) == 1
    assert (target_ja[0].key, target_ja[0].level) == (target_nee[0].key, target_nee[0].level)
    # No duplicates: the "ja" answers add no finding of their own; counts are the same.
    assert [(f.key, f.level) for f in ja.findings] == [(f.key, f.level) for f in nee.findings]
    assert ja.counts == nee.counts
    # The classification's own rule, if it fired, was merged into the same finding.
    assert len(target_ja[0].rules) >= len(target_nee[0].rules)


# --- contradictions: self-label "nee" against the facts, side by side, with a question ------------------------

def test_contradiction_is_shown_with_a_question_for_the_gesprek():
    q = qn("W")
    f = _find(_run("W", build(q, top={"employer": "Gemeente Voorbeeld"})), "feit_werkgever_organisatie")[0]
    assert f.contradictions == ((q.fact_question("label.onverenigbaar").label, "Nee",
                                 "Werkgever Gemeente Voorbeeld is Gemeente Voorbeeld zelf."),)
    assert "geen onverenigbare functie" in f.ask and "Gemeente Voorbeeld" in f.ask
    ja = _find(_run("W", build(q, top={"employer": "Gemeente Voorbeeld"}, labels_yes=["label.onverenigbaar"])),
               "feit_werkgever_organisatie")[0]
    assert ja.contradictions == ()
    assert set(ja.rules) == {"feit_werkgever_organisatie", "onverenigbare_functie"}
    assert "Gemeentewet art. 36b lid 1 (ambtenaar door of vanwege het gemeentebestuur" in ja.legal and "Gemeentewet art. 36b" in ja.legal_bases[-1]


def test_property_contradiction_names_the_place():
    q = qn("W")
    f = _find(_run("W", build(q, property=[{"property.description": "Weiland", "property.location": "Oostdorp"}])),
              "feit_vastgoed_in_gebied")[0]
    assert f.contradictions and "Oostdorp" in f.contradictions[0][2]


# --- every fact rule both ways ------------------------------------------------------------------------------------

NEGATIVE = [
    ("werkgever elders", "W", dict(top={"employer": "Gemeente Anders"}), "feit_werkgever_organisatie"),
    ("werkgever met gemeentenaam in naam", "W", dict(top={"employer": "Voorbeeld Bouw BV"}),
     "feit_werkgever_organisatie"),
    ("werkgever geen verbonden partij", "W", dict(top={"employer": "Bakkerij Zoet"}), "feit_werkgever_verbonden_partij"),
    ("minderheidsbelang levert", "W",
     dict(company=[{"company.name": "Groot Bouw", "company.form": "bv", "company.share": 10, "company.deals": True}]),
     "feit_onderneming_levert"),
    ("eigen zaak levert niet", "W",
     dict(company=[{"company.name": "Klussen Jansen", "company.form": "eenmanszaak", "company.share": 100,
                    "company.deals": False}]), "feit_onderneming_levert"),
    ("andere sector", "W",
     dict(top={"portfolio": ["Zorg en jeugd"]},
          company=[{"company.name": "Bouw X", "company.form": "bv", "company.share": 2, "company.sector": "bouw_wonen",
                    "company.deals": False}]), "feit_portefeuille_overlap"),
    ("geen portefeuille", "W",
     dict(company=[{"company.name": "Bouw X", "company.form": "bv", "company.share": 2, "company.sector": "bouw_wonen",
                    "company.deals": False}]), "feit_portefeuille_overlap"),
    ("vastgoed buiten gebied", "W",
     dict(property=[{"property.description": "Appartement", "property.location": "Utrecht"}]),
     "feit_vastgoed_in_gebied"),
    ("plaatsnaam als deel van een woord", "W",
     dict(property=[{"property.description": "Huis", "property.location": "Oostdorperweg 3, Anderstad"}]),
     "feit_vastgoed_in_gebied"),
    ("lid van een vereniging", "W",
     dict(position=[{"position.title": "Lid", "position.organisation": "Tennisclub", "position.kind": "lid",
                     "relatie_overheid": ["geen"], "betaald": False, "qq": False, "behouden": False}]),
     "feit_bestuursfunctie"),
    ("vog ontvangen", "W", dict(top={"vog.status": True, "vog.date": "2026-02-20"}), "feit_vog_niet_ontvangen"),
    ("vog niet aangevraagd", "W", dict(top={"vog.status": False}), "feit_vog_niet_ontvangen"),
    ("niet op relatielijst", "W",
     dict(relation=[{"naam": "P. Partner", "relatie": "partner", "relation.organisation": "Zorggroep Anders",
                     "aard": "werkt_bij"}]), "belangenkruising"),
]


@pytest.mark.parametrize("name, code, facts, rule", NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_fact_rules_do_not_fire_without_the_fact(name, code, facts, rule):
    assert _find(_run(code, build(qn(code), **facts)), rule) == []


def test_every_fact_rule_has_a_positive_and_a_negative_case():
    fact_rules = {"feit_werkgever_organisatie", "feit_werkgever_verbonden_partij", "feit_onderneming_levert",
                  "feit_portefeuille_overlap", "feit_vastgoed_in_gebied", "feit_bestuursfunctie",
                  "feit_vog_niet_ontvangen", "belangenkruising"}
    assert fact_rules <= {c[4] for c in CASES}
    assert fact_rules <= {n[3] for n in NEGATIVE}


def test_without_profile_or_relations_the_profile_rules_stay_silent():
    q = qn("W")
    answers = build(q, top={"employer": "Gemeente Voorbeeld", "vog.status": True})
    result = evaluate(q, answers, today=TODAY)
    assert {r for f in result.findings for r in f.rules} == {"feit_vog_niet_ontvangen"}


# --- one fact, one finding -------------------------------------------------------------------------------------

def test_one_farm_is_one_finding():
    q = qn("D")
    answers = build(q, labels_yes=["label.grond_in_gebied", "agrarisch_bedrijf", "peilbesluit_belang"])
    result = evaluate(q, answers, today=TODAY, profile=PROFILES["waterschap"])
    assert [(f.level, set(f.rules)) for f in result.findings] == [
        ("hoog", {"grond_beheergebied", "agrarisch_bedrijf", "peilbesluit_belang"})]
    assert result.counts == {"blokkerend": 0, "hoog": 1, "aandachtspunt": 0}
    assert len(result.findings[0].details) == 2


def test_bewindspersoon_lays_down_every_function_in_one_finding():
    q = qn("B")
    positions = [{"position.title": t, "position.organisation": o, "betaald": False}
                 for t, o in (("Voorzitter", "Stichting A"), ("Lid RvT", "Ziekenhuis B"), ("Bestuurder", "Club C"))]
    result = _run("B", build(q, top={"alle_nevenfuncties_neerleggen": False}, position=positions))
    assert len(result.findings) == 1
    f = result.findings[0]
    assert f.level == "blokkerend" and set(f.rules) == {"nevenfunctie_neerleggen", "nevenfuncties_niet_neerleggen"}
    for text in ("Voorzitter bij Stichting A", "Lid RvT bij Ziekenhuis B", "Bestuurder bij Club C"):
        assert text in " ".join((f.explanation, *f.details))
    assert result.counts == {"blokkerend": 1, "hoog": 0, "aandachtspunt": 0}


def test_merged_finding_lists_every_legal_basis_and_question():
    q = qn("W")
    answers = build(q, top={"portfolio": ["Ruimtelijke ordening en wonen"]}, labels_yes=["label.levert"],
                    company=[{"company.name": "Bouwbedrijf Jansen", "company.form": "eenmanszaak",
                              "company.share": 100, "company.sector": "bouw_wonen", "company.deals": True}])
    result = _run("W", answers)
    assert len(result.findings) == 1
    f = result.findings[0]
    assert f.level == "blokkerend" and f.risk_id == "feit_onderneming_levert"
    assert {"feit_onderneming_levert", "onderneming_zaken", "levert_aan_overheid", "feit_portefeuille_overlap"} \
        <= set(f.rules)
    assert any("41c" in b for b in f.legal_bases) and any("2:4" in b for b in f.legal_bases)
    assert {"ondernemingen", "levert_aan_overheid"} <= set(f.question_ids)
    assert "Ruimtelijke ordening en wonen" in " ".join(f.details)


def test_the_overlap_is_named():
    q = qn("W")
    answers = build(q, top={"portfolio": ["Ruimtelijke ordening en wonen"]},
                    company=[{"company.name": "Bouwbedrijf De Vries", "company.form": "bv", "company.share": 2,
                              "company.sector": "bouw_wonen", "company.deals": False}])
    f = _find(_run("W", answers), "feit_portefeuille_overlap")[0]
    assert "Ruimtelijke ordening en wonen (Bouw en wonen)" in f.explanation and "Bouwbedrijf De Vries" in f.explanation


def test_vog_not_received_suggests_the_dated_measure():
    f = _find(_run("W", build(qn("W"), top={"vog.status": True})), "feit_vog_niet_ontvangen")[0]
    assert f.measures == ("vog_overleggen",)
    assert default_catalog().measures["vog_overleggen"].title == "VOG overleggen vóór de benoeming"


def test_profile_from_dict_is_tolerant():
    p = OrgProfile.from_dict({"naam": "X", "aliassen": ["Y", 3, None], "kvk": ["1234 5678"],
                              "verbonden_partijen": [{"naam": "GR", "soort": "vreemd"}, {"kvk": "1"}, "z"],
                              "portefeuilles": [{"naam": "P", "domeinen": ["water", "onzin"]}, {}], "gebied": "x"})
    assert p.aliases == ("Y", "3") and p.kvk_numbers == ("12345678",)
    assert p.verbonden_partijen == (VerbondenPartij("GR", None, "regeling"),)
    assert p.portefeuilles == (Portefeuille("P", ("water",)),) and p.territory == ()
    assert OrgProfile.from_dict(p.to_dict()) == p
    assert OrgProfile.from_dict(None, kind="waterschap").kind == "waterschap"


def test_docs_facts_example_loads_and_scores_as_documented(tmp_path):
    import re
    from pathlib import Path

    from integrity_tool.questionnaire import load_questionnaire

    doc = Path(__file__).resolve().parents[2] / "docs" / "questionnaire-format.md"
    block = re.findall(r"```yml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    assert len(block) == 1
    path = tmp_path / "feiten.yaml"
    path.write_text(block[0], encoding="utf-8")
    q = load_questionnaire(path)
    profile = OrgProfile(kind="gemeente", name="Gemeente Voorbeeld", territory=("Voorbeeld",))
    nee = evaluate(q, {"werkgever": "Gemeente Voorbeeld", "onverenigbaar": False}, profile=profile)
    assert [(f.key, f.level) for f in nee.findings] == [("feit_werkgever_organisatie", "blokkerend")]
    assert nee.findings[0].contradictions == (("Onverenigbare functie?", "Nee",
                                               "Werkgever Gemeente Voorbeeld is Gemeente Voorbeeld zelf."),)
    ja = evaluate(q, {"werkgever": "Gemeente Voorbeeld", "onverenigbaar": True}, profile=profile)
    assert [(f.key, f.level) for f in ja.findings] == [("feit_werkgever_organisatie", "blokkerend")]
    assert ja.findings[0].rules == ("feit_werkgever_organisatie", "onverenigbaar")
