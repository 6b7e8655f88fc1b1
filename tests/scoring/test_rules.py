"""Every risk rule of every shipped questionnaire, tested both ways (table-driven).

Keys are risk ids; a rule id shared by several questionnaires (via common/ includes) is tested
in each of them. ``test_every_rule_has_a_case`` fails when a rule is added without a case.
"""
from __future__ import annotations

from datetime import date

import pytest

from integrity_tool.questionnaire import default_catalog
from integrity_tool.scoring import evaluate

TODAY = date(2026, 3, 1)


def nf(**kw):
    item = {"omschrijving": "Voorzitter", "organisatie": "Stichting Voorbeeld", "betaald": False,
            "qq": False, "relatie_overheid": ["geen"], "behouden": False}
    return {"heeft_nevenfuncties": True, "nevenfuncties": [{**item, **kw}]}


def nfs(n, **kw):
    return {"heeft_nevenfuncties": True,
            "nevenfuncties": [{**nf(**kw)["nevenfuncties"][0], "organisatie": f"Org {i}"} for i in range(n)]}


def ond(**kw):
    item = {"naam": "Bakkerij BV", "rechtsvorm": "bv", "belang_percentage": 0, "zaken_met_overheid": False}
    return {"heeft_ondernemingen": True, "ondernemingen": [{**item, **kw}]}


def og(**kw):
    item = {"omschrijving": "Weiland", "ligging": "Ergens", "in_gebied": False, "verhuurd": False}
    return {"heeft_onroerend_goed": True, "onroerend_goed": [{**item, **kw}]}


def rel(**kw):
    item = {"naam": "Jan Jansen", "relatie": "familie", "organisatie": "Bouw BV", "aard": "werkt_bij"}
    return {"familie_zaken_overheid": True, "relaties": [{**item, **kw}]}


def yn(qid, trigger=True):
    """Trigger when answered ``trigger``; the opposite does not trigger."""
    return ({qid: trigger}, {qid: not trigger})


CASES: dict[str, tuple[dict, dict]] = {
    # 1 benoembaarheid
    "woonplaats": yn("ingezetene", False),
    "niet_kiesgerechtigd": yn("kiesgerechtigd", False),
    "ambt_elders": yn("ambt_elders"),
    "vog_ontbreekt": yn("vog_aangevraagd", False),
    "vog_te_oud": ({"vog_aangevraagd": True, "vog_datum": "2025-11-30"},
                   {"vog_aangevraagd": True, "vog_datum": "2025-12-02"}),
    "strafbare_feiten": yn("strafbare_feiten"),
    "bibob_toezicht": yn("bibob_toezicht"),
    "geen_feitenonderzoek": yn("toestemming_feitenonderzoek", False),
    # 2 onverenigbaar
    "onverenigbare_functie": yn("onverenigbare_functie"),
    "lid_volksvertegenwoordiging": yn("lid_volksvertegenwoordiging"),
    "werk_verbonden_partij": yn("werk_verbonden_partij"),
    # 3 hoofdfunctie
    "werkgever_relatie": yn("werkgever_relatie"),
    "terugkeergarantie": yn("terugkeergarantie"),
    "cv_onjuist": yn("cv_juist", False),
    "vergoedingen_oud": yn("vergoedingen_oud"),
    "functie_na_ambt": yn("functie_na_ambt"),
    # 4 nevenfuncties
    "nevenfunctie_relatie": (nf(relatie_overheid=["subsidie"]), nf(relatie_overheid=["geen"])),
    "nevenfunctie_behouden": (nf(behouden=True), nf(behouden=False)),
    "nevenfuncties_tijd": (nfs(3, behouden=True), nfs(2, behouden=True)),
    "beeindigde_nevenfuncties": yn("beeindigde_nevenfuncties"),
    "omstreden_rol": yn("omstreden_rol"),
    "nevenfunctie_neerleggen": (nf(), {"heeft_nevenfuncties": False}),
    "nevenfuncties_niet_neerleggen": ({"heeft_nevenfuncties": True, "alle_nevenfuncties_neerleggen": False},
                                      {"heeft_nevenfuncties": False, "alle_nevenfuncties_neerleggen": False}),
    # 5 belangen
    "onderneming_zaken": (ond(zaken_met_overheid=True), ond(zaken_met_overheid=False)),
    "onderneming_zeggenschap": (ond(belang_percentage=50), ond(belang_percentage=4)),
    "effecten_boven_drempel": yn("effecten_boven_drempel"),
    "vastgoed_in_gebied": (og(in_gebied=True), og(in_gebied=False)),
    "vastgoed_verhuur": (og(verhuurd=True), og(verhuurd=False)),
    "ontwikkelgebied": yn("ontwikkelgebied"),
    "leningen": yn("leningen"),
    "procedures_overheid": yn("procedures_overheid"),
    "partner_belangen": yn("partner_belangen"),
    "provinciale_subsidies": yn("provinciale_subsidies"),
    "grond_beheergebied": yn("grond_beheergebied"),
    "agrarisch_bedrijf": yn("agrarisch_bedrijf"),
    "peilbesluit_belang": yn("peilbesluit_belang"),
    "aandelen_boven_drempel": ({"aandelen_waarde": "25000.01"}, {"aandelen_waarde": "25000.00"}),
    "fondsen_financien": ({"brede_fondsen": True, "beoogd_financien": True},
                          {"brede_fondsen": True, "beoogd_financien": False}),
    "zeggenschap_onderneming": yn("zeggenschap_onderneming"),
    "onroerend_buitenland": yn("onroerend_buitenland"),
    "commerciele_verhuur": yn("commerciele_verhuur"),
    # 6 verboden handelingen
    "levert_aan_overheid": yn("levert_aan_overheid"),
    "onroerend_van_overheid": yn("onroerend_van_overheid"),
    "advocaat_tegen_overheid": yn("advocaat_tegen_overheid"),
    "vorderingen": yn("vorderingen"),
    # 7 relaties
    "relatie_werkt_bij_overheid": (rel(aard="werkt_bij"), rel(aard="doet_zaken")),
    "relatie_doet_zaken": (rel(aard="doet_zaken"), rel(aard="werkt_bij")),
    "nauwe_banden": yn("nauwe_banden"),
    "criminele_contacten": yn("criminele_contacten"),
    # 8 kwetsbaarheid
    "schulden": yn("schulden"),
    "fiscale_geschillen": yn("fiscale_geschillen"),
    "failliet_bestuurder": yn("failliet_bestuurder"),
    # 9 gedrag
    "uitingen": yn("uitingen"),
    "integriteitsmeldingen": yn("integriteitsmeldingen"),
    "conflicten_werkgever": yn("conflicten_werkgever"),
    "politiek_verleden": yn("politiek_verleden"),
    "geschenken": yn("geschenken"),
    # 10 weerbaarheid
    "bedreigd": yn("bedreigd"),
    "chantabel": yn("chantabel"),
    # 11 portefeuille
    "belangen_in_portefeuille": yn("belangen_in_portefeuille"),
    "hoofdbaan_houden": ({"tijdsbesteding": "deeltijd", "hoofdbaan_houden": True},
                         {"tijdsbesteding": "voltijd", "hoofdbaan_houden": True}),
    "fysieke_belasting": yn("fysieke_belasting", False),
    # 12 afsluiting
    "gedragscode_onbekend": yn("kent_gedragscode", False),
    "overige_feiten": yn("overige_feiten"),
    "geen_toestemming": yn("toestemming_privacy", False),
}


def shipped_rules() -> list[tuple[str, str]]:
    return sorted((q.id, r.id) for q in default_catalog().all() for r in q.risks)


def test_every_rule_has_a_case():
    missing = sorted({rid for _, rid in shipped_rules()} - set(CASES))
    assert missing == [], f"risk rules without a test case: {missing}"


def test_no_stale_cases():
    assert sorted(set(CASES) - {rid for _, rid in shipped_rules()}) == []


def test_rule_count_is_what_we_think():
    # 4 questionnaires; if this changes, CASES must still cover every rule (test above).
    counts = {q.id: len(q.risks) for q in default_catalog().all()}
    assert counts == {"kandidaat-wethouder": 52, "kandidaat-gedeputeerde": 53,
                      "kandidaat-db-lid-waterschap": 55, "kandidaat-bewindspersoon": 33}


@pytest.mark.parametrize("qid,rid", shipped_rules(), ids=lambda v: v)
def test_rule_triggers_and_does_not(qid, rid):
    q = default_catalog().get(qid)
    trigger, quiet = CASES[rid]
    hit = [f for f in evaluate(q, trigger, today=TODAY).findings if f.risk_id == rid]
    assert hit, f"{qid}/{rid} did not trigger on {trigger}"
    risk = next(r for r in q.risks if r.id == rid)
    assert all(f.level == risk.level and f.legal and f.measures == risk.measures for f in hit)
    assert "{" not in hit[0].explanation, hit[0].explanation
    miss = [f for f in evaluate(q, quiet, today=TODAY).findings if f.risk_id == rid]
    assert miss == [], f"{qid}/{rid} triggered on {quiet}"
