"""Engine behaviour: hidden answers, per-item findings, ordering, outcome, robustness."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrity_tool.questionnaire import default_catalog
from integrity_tool.questionnaire import OUTCOME_LABELS, Level, Outcome
from integrity_tool.scoring import Finding, Result, evaluate

TODAY = date(2026, 3, 1)


def wethouder():
    return default_catalog().get("kandidaat-wethouder")


def test_hidden_answers_are_ignored():
    q = wethouder()
    # vog_datum is hidden when no VOG was requested: no "too old" finding, only "missing".
    r = evaluate(q, {"vog_aangevraagd": False, "vog_datum": "2000-01-01"}, today=TODAY)
    assert [f.risk_id for f in r.findings] == ["vog_ontbreekt"]
    # nevenfuncties hidden by heeft_nevenfuncties = False
    items = [{"organisatie": "X", "relatie_overheid": ["subsidie"]}]
    assert evaluate(q, {"heeft_nevenfuncties": False, "nevenfuncties": items}, today=TODAY).findings == ()


def test_per_item_findings_with_placeholders():
    q = wethouder()
    items = [
        {"omschrijving": "Voorzitter", "organisatie": "Tennisclub", "relatie_overheid": ["geen"]},
        {"omschrijving": "Penningmeester", "organisatie": "Stichting {Kunst} & Co",
         "relatie_overheid": ["subsidie", "opdrachten"]},
        {"omschrijving": "Lid", "relatie_overheid": ["vergunningen"]},
    ]
    r = evaluate(q, {"heeft_nevenfuncties": True, "nevenfuncties": items}, today=TODAY)
    found = [f for f in r.findings if f.risk_id == "nevenfunctie_relatie"]
    assert [f.key for f in found] == ["nevenfunctie_relatie:1", "nevenfunctie_relatie:2"]
    assert found[0].explanation == ("Nevenfunctie (Penningmeester) bij Stichting {Kunst} & Co heeft een "
                                    "relatie met de gemeente: Ontvangt subsidie, Krijgt opdrachten.")
    assert found[1].explanation.startswith("Nevenfunctie (Lid) bij (onbekend) heeft")
    assert found[0].item_index == 1 and found[0].question_ids == ("nevenfuncties",)
    assert found[0].ask == "Legt u de functie bij Stichting {Kunst} & Co neer vóór uw installatie?"
    assert ("Heeft de organisatie een relatie met de gemeente?", "Ontvangt subsidie, Krijgt opdrachten") in found[0].answers
    ctx = found[0].context_dict()
    assert ctx["organisatie"] == "Stichting {Kunst} & Co" and ctx["nummer"] == "2"
    measure = default_catalog().measures["nevenfunctie_neerleggen"]
    assert "Stichting {Kunst} & Co" in measure.render(ctx)


def test_order_counts_outcome_and_roundtrip():
    q = wethouder()
    answers = {"uitingen": True, "levert_aan_overheid": True, "schulden": True, "ingezetene": False,
               "heeft_ondernemingen": True,
               "ondernemingen": [{"naam": "A", "zaken_met_overheid": True},
                                 {"naam": "B", "zaken_met_overheid": True}]}
    r = evaluate(q, answers, today=TODAY)
    # "levert aan de gemeente" is about the candidate's companies: it merges into the most severe
    # company finding (one fact, one finding), at the highest level, with both rules listed.
    assert [f.key for f in r.findings] == [
        "levert_aan_overheid", "onderneming_zaken:1", "schulden", "woonplaats", "uitingen"]
    assert r.findings[0].rules == ("levert_aan_overheid", "onderneming_zaken")
    assert r.findings[0].anchor == "ondernemingen:0" and r.findings[0].item_index == 0
    assert r.counts == {"blokkerend": 1, "hoog": 2, "aandachtspunt": 2}
    assert r.highest_per_theme == {"verboden": "blokkerend", "belangen": "hoog", "kwetsbaarheid": "hoog",
                                   "benoembaarheid": "aandachtspunt", "gedrag": "aandachtspunt"}
    assert r.suggested_outcome == "ernstige_risicos"
    assert OUTCOME_LABELS[r.suggested_outcome] == "Ernstige risico's — benoeming niet geadviseerd"
    assert Result.from_dict(r.to_dict()) == r
    assert all(Finding.from_dict(f.to_dict()) == f for f in r.findings)
    assert r.content_hash == q.content_hash and r.questionnaire_version == "2026.2"


def test_outcome_scale():
    q = wethouder()
    assert evaluate(q, {}, today=TODAY).suggested_outcome == "geen_bijzonderheden"
    assert evaluate(q, {"uitingen": True}, today=TODAY).suggested_outcome == "aandachtspunten"
    assert evaluate(q, {"schulden": True}, today=TODAY).suggested_outcome == "beheersbaar_met_afspraken"
    assert evaluate(q, {"vorderingen": True}, today=TODAY).suggested_outcome == "ernstige_risicos"
    assert list(Outcome)[0] == "geen_bijzonderheden" and list(Level) == ["blokkerend", "hoog", "aandachtspunt"]


def test_parameters_override_and_today():
    q = wethouder()
    answers = {"vog_aangevraagd": True, "vog_datum": "2026-01-01"}
    assert not [f for f in evaluate(q, answers, today=TODAY).findings if f.risk_id == "vog_te_oud"]
    found = [f for f in evaluate(q, answers, {"vog_max_age_days": 30}, today=TODAY).findings
             if f.risk_id == "vog_te_oud"]
    assert found and found[0].explanation == (
        "De VOG is afgegeven op 01-01-2026 en is ouder dan 30 dagen; vraag een nieuwe aan.")
    assert [f for f in evaluate(q, answers, today=date(2026, 6, 1)).findings if f.risk_id == "vog_te_oud"]


def test_count_items_threshold_parameter():
    q = wethouder()
    items = [{"organisatie": str(i), "behouden": True} for i in range(3)]
    base = {"heeft_nevenfuncties": True, "nevenfuncties": items}
    assert "nevenfuncties_tijd" in {f.risk_id for f in evaluate(q, base, today=TODAY).findings}
    assert "nevenfuncties_tijd" not in {
        f.risk_id for f in evaluate(q, base, {"max_nevenfuncties_behouden": 4}, today=TODAY).findings}


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                      st.text(max_size=12), st.sampled_from(["2026-01-01", "25000.00", "1e999", "NaN",
                                                             "subsidie", "deeltijd", "2026-02-30"]))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


@st.composite
def answer_dicts(draw):
    cat = default_catalog()
    q = draw(st.sampled_from(cat.all()))
    ids = [x.id for x in q.top_questions()]
    answers = draw(st.dictionaries(st.one_of(st.sampled_from(ids), st.text(max_size=5)), json_value, max_size=25))
    for rep in [x for x in q.top_questions() if x.type == "repeat"]:
        if draw(st.booleans()):
            subs = [s.id for s in rep.questions]
            answers[rep.id] = draw(st.lists(st.one_of(
                st.dictionaries(st.sampled_from(subs), json_value, max_size=len(subs)), json_value), max_size=4))
    return q, answers


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_dicts(), st.one_of(st.none(), st.dictionaries(st.text(max_size=8), json_value, max_size=3)))
def test_evaluate_never_raises(qa, params):
    q, answers = qa
    r = evaluate(q, answers, params, today=TODAY)
    assert r.suggested_outcome in list(Outcome)
    Result.from_dict(r.to_dict())


@settings(max_examples=100, deadline=None)
@given(json_value)
def test_evaluate_never_raises_on_non_dicts(value):
    assert evaluate(wethouder(), value, today=TODAY).suggested_outcome in list(Outcome)
