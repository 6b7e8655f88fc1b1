"""The domain vocabulary (questionnaire/schema.py): defined once, with labels beside it, and every
other spelling of it (the YAML schema, the PDFs, the stored counts) kept equal to it."""
from __future__ import annotations

import json
from typing import get_args

import pytest

from integrity_tool.models import Dossier, FindingCounts
from integrity_tool.pdf import styles as pdf_styles
from integrity_tool.questionnaire import (LEVEL_LABELS, OUTCOME_LABELS, OWNER_LABELS, Level, MeasureOwner, Outcome,
                                          level_label, outcome_label)
from integrity_tool.questionnaire.schema import MeasureSchema, RiskSchema


def test_members_are_their_values():
    assert Level.hoog == "hoog" and str(Level.hoog) == "hoog" and f"{Level.hoog}" == "hoog"
    assert {"hoog": 1}[Level.hoog] == 1 and LEVEL_LABELS["hoog"] == "Hoog risico"
    assert json.dumps({Level.blokkerend: 1, "outcome": Outcome.aandachtspunten}) == \
        '{"blokkerend": 1, "outcome": "aandachtspunten"}'


def test_order_and_labels():
    assert [lv.rank for lv in Level] == [0, 1, 2] and Level.blokkerend.rank < Level.aandachtspunt.rank
    assert [lv.label for lv in Level] == ["Blokkerend", "Hoog risico", "Aandachtspunt"]
    assert [o for o in Outcome if o.mild] == [Outcome.geen_bijzonderheden, Outcome.aandachtspunten]
    assert MeasureOwner.reviewer.label == "beoordelaar"
    for enum, labels in ((Level, LEVEL_LABELS), (Outcome, OUTCOME_LABELS), (MeasureOwner, OWNER_LABELS)):
        assert list(labels) == list(enum)  # every member labelled, in declaration order


@pytest.mark.parametrize("value, expected", [("hoog", Level.hoog), ("HOOG", None), (None, None), (3, None), ("", None)])
def test_of_never_raises(value, expected):
    assert Level.of(value) is expected


def test_label_functions_for_stored_values():
    assert level_label("aandachtspunt") == "Aandachtspunt" and level_label("onbekend") == "onbekend"
    assert level_label(None) == ""
    assert outcome_label("ernstige_risicos").startswith("Ernstige risico's") and outcome_label(None) == ""


def test_yaml_schema_and_pdf_use_the_same_vocabulary():
    assert get_args(RiskSchema.model_fields["level"].annotation) == tuple(Level)
    assert get_args(MeasureSchema.model_fields["default_owner"].annotation) == tuple(MeasureOwner)
    assert not hasattr(pdf_styles, "LEVEL_LABELS")  # the PDFs use the one vocabulary (integrity_tool/vocabulary.py)
    assert set(pdf_styles.LEVEL_COLOURS) == set(Level) and set(pdf_styles.OUTCOME_COLOURS) == set(Outcome)


def test_finding_counts_value_object():
    counts = FindingCounts.of({"blokkerend": 1, Level.aandachtspunt: 4})
    assert counts == (1, 0, 4) and counts.aandachtspunt == 4
    assert FindingCounts.columns_of(counts) == {"count_blokkerend": 1, "count_hoog": 0, "count_aandachtspunt": 4}
    assert FindingCounts.columns_of(None) == {"count_blokkerend": None, "count_hoog": None, "count_aandachtspunt": None}
    d = Dossier()
    assert d.finding_counts is None and d.counts == (0, 0, 0)
    d.finding_counts = (2, 1, 0)
    assert d.finding_counts == FindingCounts(2, 1, 0) and d.count_hoog == 1
    d.finding_counts = None
    assert d.count_blokkerend is None and d.finding_counts is None
