"""Every kind of broken file gives one precise line: file:line: path: message."""
from __future__ import annotations

import pytest

from integrity_tool.questionnaire import QuestionnaireError, load_questionnaire
from integrity_tool.questionnaire.facts import FACTS



def test_base_is_valid(write, base):
    q = load_questionnaire(write(base))
    assert q.id == "test" and [r.id for r in q.risks] == ["r1"]


CASES = [
    ("bad_indentation", ("        label: B?\n", "       label: B?\n"),
     "18: (document): YAML-syntaxfout: did not find expected '-' indicator (controleer de inspringing)"),
    ("unknown_type", ("type: yesno\n        label: A?", "type: janee\n        label: A?"),
     "13: sections[s1].questions[a].type: onbekend vraagtype 'janee'; kies uit: yesno, choice, "
     "multichoice, text, textarea, number, money, date, email, kvk, repeat"),
    ("unknown_operator", ("when: {is_yes: b}", "when: {is_ja: b}"),
     "25: risks[r1].when.is_ja: onbekende operator 'is_ja'; kies uit: all, all_items, answered, "
     "any, any_item, count_items, equals, gt, gte, in, is_no, is_yes, lt, lte, newer_than_days, "
     "not, older_than_days"),
    ("unknown_question", ("when: {is_yes: b}", "when: {is_yes: zz}"),
     "25: risks[r1].when.is_yes: onbekende vraag 'zz'"),
    ("duplicate_id", ("      - id: b\n", "      - id: a\n"),
     "16: sections[s1].questions[a].id: dubbele id 'a' (eerder gebruikt op {path}:12)"),
    ("forward_reference", ("        label: A?\n        help: Hulp\n",
                           "        label: A?\n        help: Hulp\n        show_if: {is_yes: b}\n"),
     "16: sections[s1].questions[a].show_if.is_yes: voorwaarde verwijst naar vraag 'b' die pas later komt"),
    ("self_reference", ("show_if: {is_yes: a}", "show_if: {is_yes: b}"),
     "20: sections[s1].questions[b].show_if.is_yes: voorwaarde verwijst naar de vraag zelf ('b')"),
    ("unknown_theme", ("theme: t1", "theme: t9"),
     "23: risks[r1].theme: onbekend thema 't9'"),
    ("unknown_measure", ("measures: [verschoning]", "measures: [bestaat_niet]"),
     "28: risks[r1].measures[0]: onbekende maatregel 'bestaat_niet'"),
    ("unknown_key", ("        label: B?\n", "        label: B?\n        hulp: x\n"),
     "19: sections[s1].questions[b].hulp: onbekende sleutel 'hulp'"),
    ("include_not_found", ("sections:\n", "sections:\n  - include: common/weg.yaml\n"),
     "9: sections[0].include: include-bestand niet gevonden: common/weg.yaml"),
    ("missing_key", ("        help: Hulp\n        show_if", "        show_if"),
     "16: sections[s1].questions[b].help: verplichte sleutel 'help' ontbreekt"),
    ("comparison_on_yesno", ("when: {is_yes: b}", "when: {gt: {question: b, value: {param: nope}}}"),
     "25: risks[r1].when.gt.question: 'gt' werkt alleen op number/money-vragen ('b' is yesno)"),
    ("reference_not_an_id", ("when: {is_yes: b}", "when: {is_yes: [b]}"),
     "25: risks[r1].when.is_yes: verwijzing naar een vraag moet een vraag-id zijn"),
    ("duplicate_yaml_key", ("    level: hoog\n", "    level: hoog\n    level: aandachtspunt\n"),
     "25: risks[0].level: dubbele sleutel 'level'"),
    # fact markers (issue 12): unknown, wrong type, wrong level, twice, unknown option source
    ("unknown_fact", ("        label: A?\n", "        label: A?\n        fact: werkgever\n"),
     "15: sections[s1].questions[a].fact: onbekend feit 'werkgever'; kies uit: " + ", ".join(sorted(FACTS))),
    ("fact_wrong_type", ("        label: A?\n", "        label: A?\n        fact: employer\n"),
     "15: sections[s1].questions[a].fact: feit 'employer' hoort bij vraagtype text, niet bij yesno"),
    ("item_fact_outside_repeat", ("        label: A?\n", "        label: A?\n        fact: company.deals\n"),
     "15: sections[s1].questions[a].fact: feit 'company.deals' hoort bij een subvraag van een herhaling met "
     "fact: company"),
    ("fact_twice", ("        label: A?\n        help: Hulp\n      - id: b\n        type: yesno\n        label: B?\n",
                    "        label: A?\n        help: Hulp\n        fact: label.levert\n      - id: b\n"
                    "        type: yesno\n        label: B?\n        fact: label.levert\n"),
     "20: sections[s1].questions[b].fact: feit 'label.levert' staat al bij vraag 'a'"),
    ("unknown_option_source", ("type: yesno\n        label: A?", "type: choice\n        options_from: lijst\n"
                                                                 "        label: A?"),
     "14: sections[s1].questions[a].options_from: onbekende bron 'lijst'; kies uit: domeinen, portefeuilles"),
    ("risk_unknown_fact", ("    legal: Wet\n", "    legal: Wet\n    fact: werkgever\n"),
     "28: risks[r1].fact: onbekend feit 'werkgever'; kies uit: " + ", ".join(sorted(FACTS))),
]


@pytest.mark.parametrize("name,replace,expected", CASES, ids=[c[0] for c in CASES])
def test_error_line(write, base, name, replace, expected):
    old, new = replace
    assert old in base, name
    path = write(base.replace(old, new, 1))
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    want = f"{path}:" + expected.replace("{path}", str(path))
    assert info.value.errors[0] == want
    assert str(info.value).splitlines()[0] == want


def test_error_in_included_file_points_at_that_file(write, base):
    write("sections:\n  - id: inc\n    title: X\n    questions:\n      - id: c\n        type: jaja\n"
          "        label: C\n        help: H\n", "common/inc.yaml")
    path = write(base.replace("sections:\n", "sections:\n  - include: common/inc.yaml\n"))
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    inc = path.parent / "common/inc.yaml"
    assert info.value.errors[0].startswith(f"{inc}:6: sections[inc].questions[c].type: onbekend vraagtype 'jaja'")


def test_unknown_include_variable(write, base):
    write("sections:\n  - id: inc\n    title: X ${wie}\n    questions:\n      - {id: c, type: yesno, label: C, help: H}\n",
          "common/inc.yaml")
    path = write(base.replace("sections:\n", "sections:\n  - {include: common/inc.yaml, vars: {wat: 1}}\n"))
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    inc = path.parent / "common/inc.yaml"
    assert info.value.errors == [f"{inc}:3: sections[0].title: onbekende variabele '${{wie}}'"]


def test_several_errors_reported_together(write, base):
    text = base.replace("theme: t1", "theme: t9").replace("measures: [verschoning]", "measures: [x]")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(write(text))
    assert len(info.value.errors) == 2


def test_forward_reference_inside_repeat_item(write, base):
    text = base.replace("risks:\n", """\
      - id: rep
        type: repeat
        label: R
        help: H
        questions:
          - id: x
            type: yesno
            label: X
            help: H
            show_if: {is_yes: y}
          - {id: y, type: yesno, label: Y, help: H}
risks:
""", 1)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(write(text))
    assert info.value.errors[0].endswith(
        "sections[s1].questions[rep].questions[x].show_if.is_yes: voorwaarde verwijst naar vraag 'y' die pas later komt")


def test_empty_file(write):
    path = write("")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    assert info.value.errors == [f"{path}:1: (document): leeg bestand"]


def test_term_marker(write, base):
    """Issue 19: `term: true` marks what the term record keeps; validated like every other key."""
    from integrity_tool.services.terms import term_answers, term_questions

    q = load_questionnaire(write(base.replace("      - id: a\n", "      - id: a\n        term: true\n", 1)))
    assert [x.id for x in term_questions(q)] == ["a"]
    assert term_answers(q, {"a": True, "b": False}) == {"a": True}
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(write(base.replace("      - id: a\n", "      - id: a\n        term: ja graag\n", 1)))
    assert "sections[s1].questions[a].term" in info.value.errors[0]
    repeat = base.replace("""      - id: b
        type: yesno
        label: B?
        help: Hulp
        show_if: {is_yes: a}
""", """      - id: b
        type: yesno
        label: B?
        help: Hulp
        show_if: {is_yes: a}
      - id: lijst
        type: repeat
        label: Lijst
        help: Hulp
        questions:
          - id: naam
            type: text
            label: Naam
            help: Hulp
            term: true
""")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(write(repeat))
    assert "questions[naam].term: 'term' geldt voor een hele vraag: zet 'term: true' op de herhaalvraag 'lijst'" \
        in info.value.errors[0]


def test_an_include_name_too_long_for_the_file_system_is_a_load_error(tmp_path):
    from integrity_tool.questionnaire.errors import QuestionnaireError
    from integrity_tool.questionnaire.loader import load_questionnaire
    path = tmp_path / "q.yaml"
    path.write_text("schema: 1\nid: x\nversion: '1'\ntitle: t\napplies_to: [gemeente]\nthemes: []\n"
                    "sections:\n  - include: " + "a" * 5000 + "\n", "utf-8")
    with pytest.raises(QuestionnaireError, match="include-bestand niet gevonden"):
        load_questionnaire(path)
