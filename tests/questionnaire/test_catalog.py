"""Shipped content, references, versions, content hash, docs example, CLI."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrity_tool.cli.questionnaire import questionnaire as cli
from integrity_tool.questionnaire import (Catalog, QuestionnaireError, default_catalog,
                                          load_questionnaire)
from integrity_tool.scoring import evaluate

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "questionnaires"
DOC = ROOT / "docs" / "questionnaire-format.md"
THEMES = {"benoembaarheid", "onverenigbaar", "hoofdfunctie", "nevenfuncties", "belangen", "verboden",
          "relaties", "kwetsbaarheid", "gedrag", "weerbaarheid", "portefeuille", "afsluiting"}


def test_four_questionnaires_for_the_four_kinds():
    cat = default_catalog()
    assert [q.id for q in cat.latest()] == ["kandidaat-bewindspersoon", "kandidaat-db-lid-waterschap",
                                            "kandidaat-gedeputeerde", "kandidaat-wethouder"]
    assert [q.id for q in cat.for_kind("gemeente")] == ["kandidaat-wethouder"]
    assert [q.id for q in cat.for_kind("provincie")] == ["kandidaat-gedeputeerde"]
    assert [q.id for q in cat.for_kind("waterschap")] == ["kandidaat-db-lid-waterschap"]
    assert [q.id for q in cat.for_kind("kabinetsformatie")] == ["kandidaat-bewindspersoon"]
    with pytest.raises(KeyError):
        cat.get("bestaat-niet")


def test_versions_the_fact_markers_came_with_and_the_archived_ones():
    """The fact markers (issue 12) changed the content, so the four questionnaires are 2026.2; 2026.1 stays
    (archived as it was, includes resolved) so dossiers that began on it keep being shown and scored with it."""
    cat = default_catalog()
    for qid in ("kandidaat-bewindspersoon", "kandidaat-db-lid-waterschap", "kandidaat-gedeputeerde",
                "kandidaat-wethouder"):
        assert cat.versions(qid) == ["2026.1", "2026.2"]
        new, old = cat.get(qid), cat.get(qid, "2026.1")
        assert new.version == "2026.2" and new.facts and not old.facts
        assert new.content_hash != old.content_hash and cat.by_hash(old.content_hash) is old
        assert old.source.name == f"{qid}-2026.1.yaml"


def test_wethouder_coverage():
    q = default_catalog().get("kandidaat-wethouder")
    assert len(q.all_questions()) >= 50
    assert {t.id for t in q.themes} == THEMES
    assert {r.theme for r in q.risks} == THEMES  # every theme has at least one rule
    blocking = {r.id for r in q.risks if r.level == "blokkerend"}
    assert {"onverenigbare_functie", "levert_aan_overheid", "vog_ontbreekt", "ambt_elders"} <= blocking
    nf = q.question("nevenfuncties")
    assert nf.type == "repeat"
    assert {s.id for s in nf.questions} >= {"omschrijving", "organisatie", "kvk", "betaald",
                                            "bedrag_per_jaar", "relatie_overheid", "behouden"}
    assert {s.id for s in nf.questions if s.public} == {"omschrijving", "organisatie", "betaald",
                                                       "bedrag_per_jaar"}
    assert q.question("nevenfuncties.kvk").required is False
    for rid in ("ondernemingen", "onroerend_goed", "relaties"):
        assert q.question(rid).type == "repeat"
    assert q.question("overige_feiten").sensitive and q.question("schulden").sensitive
    assert q.parameters["vog_max_age_days"] == 90


def test_bewindspersoon_coverage():
    q = default_catalog().get("kandidaat-bewindspersoon")
    ids = {r.id for r in q.risks}
    assert {"nevenfuncties_niet_neerleggen", "aandelen_boven_drempel", "onroerend_buitenland",
            "commerciele_verhuur", "zeggenschap_onderneming", "fysieke_belasting", "overige_feiten"} <= ids
    assert q.parameters["aandelen_drempel"] == "25000.00"


def test_every_question_has_help_and_legal_and_every_reference_resolves():
    cat = default_catalog()
    for q in cat.all():
        theme_ids = {t.id for t in q.themes}
        for question in q.all_questions():
            assert question.help.strip(), (q.id, question.path)
            assert (question.legal or "").strip(), (q.id, question.path)
            if question.show_if:
                for ref in question.show_if.refs:
                    assert q.question(ref)
        for r in q.risks:
            assert r.theme in theme_ids
            assert r.measures and all(m in cat.measures for m in r.measures), r.id
            assert r.legal.strip() and r.explanation.strip()
            for ref in r.when.refs:
                assert q.question(ref)
            if r.for_each:
                rep = q.question(r.for_each)
                assert all(rep.sub(s) for s in r.when.item_refs)


def test_measures_catalogue_covers_domain_brief():
    m = default_catalog().measures
    for mid in ("nevenfunctie_neerleggen", "openbaarmaking", "verschoning", "portefeuille_aanpassen",
                "beheer_op_afstand", "onderneming_staken", "ontheffing_gs", "verhuur_stoppen",
                "vastgoed_melden", "terugkeergarantie_openbaar", "tussentijds_melden",
                "post_benoemingsgesprek", "herbeoordeling", "training_gedragscode", "register_geschenken"):
        assert mid in m
    assert m["verschoning"].render({"organisatie": "Club {x}"}).count("Club {x}") == 1
    assert "(onbekend)" in m["nevenfunctie_neerleggen"].render({})
    assert {x.default_owner for x in m.values()} <= {"candidate", "reviewer", "griffier"}


def test_content_hash_is_stable_and_changes_with_content(tmp_path):
    a = load_questionnaire(SHIPPED / "kandidaat-wethouder.yaml")
    b = load_questionnaire(SHIPPED / "kandidaat-wethouder.yaml")
    assert a.content_hash == b.content_hash and len(a.content_hash) == 64
    work = tmp_path / "q"
    shutil.copytree(SHIPPED, work)
    path = work / "kandidaat-wethouder.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("# extra commentaar\n" + text.replace("intro: >-", "intro:   >-", 1), encoding="utf-8")
    assert load_questionnaire(path).content_hash == a.content_hash  # comments/whitespace don't count
    common = work / "common" / "gedrag.yaml"
    common.write_text(common.read_text(encoding="utf-8").replace("Gedrag, uitingen en verleden",
                                                                 "Gedrag en verleden", 1), encoding="utf-8")
    assert load_questionnaire(path).content_hash != a.content_hash  # included content counts


def _example_yaml() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_two_versions_side_by_side(tmp_path):
    text = _example_yaml()
    (tmp_path / "v1.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "v10.yaml").write_text(text.replace('version: "1.0"', 'version: "1.10"')
                                       .replace("Gemeentewet art. 36a\n  - id: subsidie",
                                                "Gemeentewet art. 36a (nieuw)\n  - id: subsidie"), encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(text.replace('version: "1.0"', 'version: "1.2"'), encoding="utf-8")
    cat = Catalog.from_dirs([SHIPPED, tmp_path])
    assert cat.versions("voorbeeld-wethouder") == ["1.0", "1.2", "1.10"]
    assert cat.get("voorbeeld-wethouder").version == "1.10"
    old = cat.get("voorbeeld-wethouder", "1.0")
    assert old.version == "1.0" and old.content_hash != cat.get("voorbeeld-wethouder").content_hash
    assert cat.by_hash(old.content_hash) is old
    assert {q.id for q in cat.for_kind("gemeente")} == {"kandidaat-wethouder", "voorbeeld-wethouder"}
    with pytest.raises(KeyError):
        cat.get("voorbeeld-wethouder", "9")
    (tmp_path / "dup.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="bestaat al"):
        Catalog.from_dirs([tmp_path])
    assert len(Catalog.from_dirs([tmp_path], strict=False).errors) == 1


def test_docs_example_loads_and_scores_as_documented(tmp_path):
    path = tmp_path / "voorbeeld.yaml"
    path.write_text(_example_yaml(), encoding="utf-8")
    q = load_questionnaire(path)
    answers = {"heeft_nevenfuncties": True,
               "nevenfuncties": [{"organisatie": "Sportclub De Bal", "subsidie": True},
                                 {"organisatie": "Buurtvereniging", "subsidie": False}],
               "vog_datum": "2025-01-01"}
    result = evaluate(q, answers, today=date(2026, 3, 1))
    assert [(f.key, f.level, f.explanation) for f in result.findings] == [
        ("vog_oud", "hoog", "Uw VOG van 01-01-2025 is ouder dan 90 dagen."),
        ("subsidie:0", "hoog", "Nevenfunctie bij Sportclub De Bal ontvangt subsidie van de gemeente."),
    ]
    assert result.suggested_outcome == "beheersbaar_met_afspraken"
    hidden = evaluate(q, {**answers, "heeft_nevenfuncties": False}, today=date(2026, 3, 1))
    assert [f.key for f in hidden.findings] == ["vog_oud"]


def test_cli_validate_shipped_ok():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK  ") == 9  # measures + 4 questionnaires x 2 versions


def test_cli_validate_broken_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(_example_yaml().replace("type: yesno", "type: janee", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:25: sections[nevenfuncties].questions[heeft_nevenfuncties].type: onbekend vraagtype 'janee'" in result.output


def test_cli_list(monkeypatch, tmp_path):
    monkeypatch.setenv("INTEGRITY_TOOL_INSTANCE", str(tmp_path))
    (tmp_path / "questionnaires").mkdir()
    (tmp_path / "questionnaires" / "eigen.yaml").write_text(_example_yaml(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    # instance/questionnaires/ is no longer read: an organisation's own questionnaires live in the database
    assert "kandidaat-wethouder" in result.output and "voorbeeld-wethouder" not in result.output
    assert default_catalog().get("kandidaat-wethouder").content_hash[:12] in result.output
