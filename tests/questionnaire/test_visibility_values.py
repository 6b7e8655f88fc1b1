"""Visibility, pruning, completeness and value validation."""
from __future__ import annotations

import dataclasses

import pytest

from integrity_tool.questionnaire import (default_catalog, display_value, is_visible,
                                          missing_required, prune_hidden, section_complete,
                                          validate_value, visible_questions)


@pytest.fixture(scope="module")
def q():
    return default_catalog().get("kandidaat-wethouder")


def test_show_if_and_prune(q):
    section = next(s for s in q.sections if s.id == "nevenfuncties")
    item = {"omschrijving": "Lid", "organisatie": "X", "betaald": False, "bedrag_per_jaar": "10.00",
            "behouden": False, "onzin": 1}
    answers = {"heeft_nevenfuncties": False, "nevenfuncties": [item], "bestaat_niet": True}
    assert [x.id for x in visible_questions(q, section, answers)] == [
        "heeft_nevenfuncties", "beeindigde_nevenfuncties", "omstreden_rol"]
    assert prune_hidden(q, answers) == {"heeft_nevenfuncties": False}
    pruned = prune_hidden(q, {**answers, "heeft_nevenfuncties": True})
    assert pruned["nevenfuncties"] == [{"omschrijving": "Lid", "organisatie": "X", "betaald": False,
                                        "behouden": False}]
    bedrag = q.question("nevenfuncties.bedrag_per_jaar")
    assert not is_visible(q, bedrag, {"heeft_nevenfuncties": True}, item=item)
    assert is_visible(q, bedrag, {"heeft_nevenfuncties": True}, item={**item, "betaald": True})
    assert not is_visible(q, bedrag, {"heeft_nevenfuncties": False}, item={**item, "betaald": True})
    assert prune_hidden(q, "garbage") == {}
    assert prune_hidden(q, {"heeft_nevenfuncties": True, "nevenfuncties": ["x", 3]})["nevenfuncties"] == [{}, {}]


def test_missing_required_and_complete(q):
    section = next(s for s in q.sections if s.id == "nevenfuncties")
    answers = {"heeft_nevenfuncties": True, "beeindigde_nevenfuncties": False, "omstreden_rol": False}
    assert missing_required(q, section, answers) == ["nevenfuncties"]
    answers["nevenfuncties"] = [{"omschrijving": "Lid", "organisatie": "X", "betaald": True}]
    assert missing_required(q, section, answers) == [
        "nevenfuncties.bedrag_per_jaar", "nevenfuncties.qq", "nevenfuncties.relatie_overheid",
        "nevenfuncties.behouden"]
    answers["nevenfuncties"][0].update(bedrag_per_jaar="100.00", qq=False, relatie_overheid=["geen"],
                                       behouden=False)
    assert section_complete(q, section, answers)
    assert not section_complete(q, section, {"heeft_nevenfuncties": True})
    assert section_complete(q, section, {"heeft_nevenfuncties": False, "beeindigde_nevenfuncties": False,
                                         "omstreden_rol": False})


@pytest.mark.parametrize("qid,value,ok", [
    ("ambt_elders", True, True), ("ambt_elders", "ja", False),
    ("tijdsbesteding", "deeltijd", True), ("tijdsbesteding", "soms", False),
    ("nevenfuncties.relatie_overheid", ["subsidie", "opdrachten"], True),
    ("nevenfuncties.relatie_overheid", ["subsidie", "subsidie"], False),
    ("nevenfuncties.relatie_overheid", "subsidie", False),
    ("nevenfuncties.kvk", "12345678", True), ("nevenfuncties.kvk", "1234567", False),
    ("nevenfuncties.kvk", 12345678, False),
    ("nevenfuncties.bedrag_per_jaar", "25000.00", True), ("nevenfuncties.bedrag_per_jaar", 25000.0, False),
    ("nevenfuncties.bedrag_per_jaar", "25000", False), ("nevenfuncties.bedrag_per_jaar", "-1.00", False),
    ("ondernemingen.belang_percentage", 50, True), ("ondernemingen.belang_percentage", 101, False),
    ("ondernemingen.belang_percentage", True, False), ("ondernemingen.belang_percentage", 2.5, False),
    ("vog_datum", "2026-02-28", True), ("vog_datum", "2026-02-30", False), ("vog_datum", "28-02-2026", False),
    ("werkgever", "Gemeente", True), ("werkgever", "x" * 201, False), ("werkgever", 3, False),
    ("nevenfuncties", [{"organisatie": "X"}], True), ("nevenfuncties", [{"onbekend": 1}], False),
    ("nevenfuncties", [], False), ("nevenfuncties", [{"kvk": "12"}], False),
    ("ambt_elders", None, True),
])
def test_validate_value(q, qid, value, ok):
    assert (validate_value(q.question(qid), value) is None) is ok


def test_display_value(q):
    assert display_value(q.question("nevenfuncties.bedrag_per_jaar"), "25000.5") == "€ 25.000,50"
    assert display_value(q.question("ambt_elders"), True) == "Ja"
    assert display_value(q.question("ambt_elders"), False, "en") == "No"
    assert display_value(q.question("vog_datum"), "2026-02-01") == "01-02-2026"
    assert display_value(q.question("nevenfuncties.relatie_overheid"), ["subsidie", "x"]) == "Ontvangt subsidie, x"


def test_localized(q):
    question = q.question("ambt_elders")
    assert question.localized_label("en") == "Are you currently alderman in another municipality?"
    assert question.localized_label("nl") == question.label
    assert question.localized_help("en") == question.help_en and question.help_en != question.help
    without = dataclasses.replace(question, help_en=None)
    assert without.localized_help("en") == question.help  # no English help: Dutch fallback
    assert q.sections[0].localized_title("en") == "Eligibility and certificate of conduct (VOG)"
