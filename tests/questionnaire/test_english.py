"""English as a second language in the questionnaire files: every shipped text has its ``*_en``
counterpart, ``validate --require-en`` names each missing one at file:line, and ``${vars}`` take
their English value in English texts."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrity_tool.cli.questionnaire import questionnaire as cli
from integrity_tool.questionnaire import (QuestionnaireError, SHIPPED_DIR, load_measures, load_questionnaire,
                                          questionnaire_files)
from integrity_tool.questionnaire.model import fill_placeholders, match_placeholders

SHIPPED = questionnaire_files(SHIPPED_DIR)


def test_four_shipped_questionnaires_are_checked():
    assert len(SHIPPED) == 8  # the four questionnaires, 2026.2 and the archived 2026.1


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_questionnaire_text_has_english(path):
    q = load_questionnaire(path, require_en=True)  # raises with file:line for each missing text
    assert q.title_en and q.intro_en
    assert all(t.title_en for t in q.themes)
    for section in q.sections:
        assert section.title_en
        assert bool(section.intro) == bool(section.intro_en)
    for question in q.all_questions():
        assert question.label_en and question.help_en, question.path
        assert all(o.label_en for o in question.options), question.path
        assert bool(question.item_label) == bool(question.item_label_en), question.path
    for risk in q.risks:
        assert risk.explanation_en, risk.id
        assert bool(risk.ask) == bool(risk.ask_en), risk.id


def test_every_catalogue_measure_has_english():
    measures = load_measures(SHIPPED_DIR / "measures.yaml", require_en=True)
    assert measures
    for m in measures.values():
        assert m.title_en and m.description_en, m.id
        assert set(_names(m.description)) == set(_names(m.description_en)), m.id


def _names(text):
    import re
    return re.findall(r"\{([a-z0-9_]+)\}", text)


def test_english_texts_use_the_english_variables():
    q = load_questionnaire(SHIPPED_DIR / "kandidaat-wethouder.yaml", require_en=True)
    label = q.question("ondernemingen.zaken_met_overheid")
    assert "de gemeente" in label.label
    assert "the municipality" in label.label_en and "gemeente" not in label.label_en
    legal_help = q.question("ingezetene").help_en
    assert "the municipal council" in legal_help and "${" not in legal_help
    # an English text in the other questionnaires gets their own English terms
    water = load_questionnaire(SHIPPED_DIR / "kandidaat-db-lid-waterschap.yaml")
    assert "the water authority" in water.question("ondernemingen.zaken_met_overheid").label_en


def test_require_en_names_each_missing_text_at_file_and_line(tmp_path):
    work = tmp_path / "q"
    shutil.copytree(SHIPPED_DIR, work)
    common = work / "common" / "verboden.yaml"
    lines = common.read_text(encoding="utf-8").split("\n")
    # drop the English of the section title and of the first explanation
    title_en = next(i for i, line in enumerate(lines) if line.strip().startswith("title_en:"))
    del lines[title_en]
    expl_en = next(i for i, line in enumerate(lines) if line.strip().startswith("explanation_en:"))
    expl_line = expl_en  # the Dutch explanation is on the line before (1-based: expl_en)
    end = expl_en + 1
    while end < len(lines) and lines[end].startswith(" " * 8):  # a folded continuation
        end += 1
    del lines[expl_en:end]
    common.write_text("\n".join(lines), encoding="utf-8")
    target = work / "kandidaat-wethouder.yaml"
    load_questionnaire(target)  # without the option the file is fine
    with pytest.raises(QuestionnaireError) as exc:
        load_questionnaire(target, require_en=True)
    shown = str(target.parent / "common/verboden.yaml")
    assert f"{shown}:{title_en}: sections[verboden].title: Engelse tekst ontbreekt: voeg 'title_en' toe" \
        in exc.value.errors
    assert any(e.startswith(f"{shown}:{expl_line}: risks[") and e.endswith("voeg 'explanation_en' toe")
               for e in exc.value.errors), exc.value.errors
    assert len(exc.value.errors) == 2

    result = CliRunner().invoke(cli, ["validate", "--require-en", str(target)])
    assert result.exit_code == 1
    assert f"{shown}:{title_en}: sections[verboden].title" in result.output
    assert CliRunner().invoke(cli, ["validate", str(target)]).exit_code == 0


def test_require_en_on_a_dutch_only_organisation_questionnaire(write, base):
    path = write(base)
    assert load_questionnaire(path).title == "Test"  # Dutch-only is allowed without the option
    result = CliRunner().invoke(cli, ["validate", "--require-en", str(path)])
    assert result.exit_code == 1
    assert f"{path}:4: title: Engelse tekst ontbreekt: voeg 'title_en' toe" in result.output
    assert f"{path}:19: sections[s1].questions[b].help: Engelse tekst ontbreekt" in result.output
    assert f"{path}:26: risks[r1].explanation: Engelse tekst ontbreekt" in result.output


def test_cli_validate_require_en_passes_on_the_shipped_files():
    result = CliRunner().invoke(cli, ["validate", "--require-en"])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK  ") == 9  # measures + 4 questionnaires x 2 versions


def test_unknown_placeholder_in_english_text_is_an_error(write, base):
    text = base.replace("    explanation: Uitleg\n", "    explanation: Uitleg\n    explanation_en: About {onbekend}\n")
    with pytest.raises(QuestionnaireError) as exc:
        load_questionnaire(write(text))
    assert any("risks[r1].explanation_en: onbekende placeholder '{onbekend}'" in e for e in exc.value.errors)


@pytest.mark.parametrize("template,values", [
    ("De kandidaat legt de nevenfunctie bij {organisatie} neer.", {"organisatie": "Stichting {x} (b.v.)"}),
    ("Aandelen in {naam} en {naam} opnieuw; {omschrijving}.", {"naam": "A*B", "omschrijving": "grond"}),
    ("Geen placeholders.", {}),
])
def test_match_placeholders_inverts_fill(template, values):
    text = fill_placeholders(template, values)
    assert match_placeholders(template, text) == values
    assert match_placeholders(template, text + " Aangepast door de beoordelaar.") is None
