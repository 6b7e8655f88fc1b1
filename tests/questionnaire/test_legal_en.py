"""Legal bases in English: descriptive bases have an English form, citations stay as they are,
and ``validate --require-en`` names a descriptive basis without one at file:line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from integrity_tool.cli.questionnaire import questionnaire as cli
from integrity_tool.questionnaire import QuestionnaireError, load_questionnaire
from integrity_tool.questionnaire.legal import is_citation, legal_in, split_legal, untranslated_legal


def test_citations_stay_descriptive_bases_get_english():
    text = "Risicoanalyse integriteit (reputatie); Gemeentewet art. 36b"
    assert legal_in(text, "en") == "Integrity risk analysis (reputation); Gemeentewet art. 36b"
    assert legal_in(text, "nl") == text
    assert legal_in("Handboek voor bewindspersonen (blauwe boek)", "en") == \
        "Handbook for ministers and state secretaries (Blue Book)"
    for citation in ("Gemeentewet art. 36b", "Algemene wet bestuursrecht art. 2:4", "AVG art. 6 en 13",
                     "Waterschapswet art. 33 lid 3 en art. 47", "Gemeentewet art. 41c lid 1 jo. art. 15 lid 2"):
        assert is_citation(citation) and legal_in(citation, "en") == citation
    assert not is_citation("Risicoanalyse integriteit")


def test_split_keeps_a_semicolon_inside_parentheses():
    assert split_legal("Waterschapswet (VOG dagelijks bestuur; artikel te verifiëren); AVG art. 10") == \
        ["Waterschapswet (VOG dagelijks bestuur; artikel te verifiëren)", "AVG art. 10"]
    assert untranslated_legal("Eigen beleid; Gemeentewet art. 36b") == ["Eigen beleid"]


def test_require_en_names_a_descriptive_legal_basis_without_english(write, base):
    text = base.replace("    legal: Wet\n", "    legal: Eigen integriteitsbeleid; Gemeentewet art. 36b\n")
    assert text != base
    path = write(text)
    line = text.split("\n").index("    legal: Eigen integriteitsbeleid; Gemeentewet art. 36b") + 1
    load_questionnaire(path)  # without the option the file is fine
    with pytest.raises(QuestionnaireError) as exc:
        load_questionnaire(path, require_en=True)
    legal_errors = [e for e in exc.value.errors if ".legal:" in e]
    assert legal_errors == [f"{path}:{line}: risks[r1].legal: Engelse vorm ontbreekt voor grondslag "
                            f"'Eigen integriteitsbeleid': voeg die toe aan "
                            f"integrity_tool/questionnaire/legal.py (LEGAL_EN)"]
    result = CliRunner().invoke(cli, ["validate", "--require-en", str(path)])
    assert result.exit_code == 1 and "grondslag 'Eigen integriteitsbeleid'" in result.output
    assert "Gemeentewet" not in result.output


def test_every_fact_rule_basis_has_english():
    """The legal bases the fact rules compose (citation + Dutch notes) read in English for an English
    reader: every finding of the 'facts only' table, classification answered 'nee' and 'ja'."""
    from tests.scoring import test_facts as table

    seen = set()
    for _, code, facts, labels_yes, _, _ in table.CASES:
        q = table.qn(code)
        for answers in (table.build(q, **facts), table.build(q, labels_yes=labels_yes, **facts)):
            for finding in table._run(code, answers).findings:
                assert untranslated_legal(finding.legal) == [], finding.legal
                seen.add(finding.legal)
    assert any("discutabel" in text for text in seen)  # the composed notes were among them
    onverenigbaar = next(t for t in seen if t.startswith("Gemeentewet art. 36b lid 1 (ambtenaar"))
    english = legal_in(onverenigbaar, "en")
    assert english.startswith("Gemeentewet art. 36b lid 1 (civil servant appointed by or on behalf of")
    assert "ambtenaar" not in english and "discutabel" not in legal_in("; ".join(sorted(seen)), "en")


def test_an_unknown_note_keeps_the_basis_untranslated():
    assert untranslated_legal("Gemeentewet art. 36b (eigen toelichting)") == ["Gemeentewet art. 36b (eigen toelichting)"]
    assert legal_in("Gemeentewet art. 36b (te verifiëren) lid 2 en 3", "en") == \
        "Gemeentewet art. 36b (to be verified) lid 2 en 3"
