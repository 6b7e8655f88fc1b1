"""The domain vocabulary: finding levels, outcomes and measure owners, with their labels beside them.

Defined once here, on the ground floor, so that every room may import it: the questionnaire
definition (``questionnaire/schema.py`` re-exports it), the engine, the PDFs (``pdf/`` imports
nothing else of the application), the models, services and templates. The members are StrEnums:
they equal, hash and render as their value, so the YAML, the JSON snapshots and the database keep
the plain strings. Labels are Dutch source text; pages show them with ``_()`` (the English
catalogue has them: constants named *_LABELS are extracted by web/i18n_strings.py); the PDFs
translate them in the report's own language (pdf/i18n.py).
"""
from __future__ import annotations

from enum import StrEnum

__all__ = ["LEVEL_LABELS", "OUTCOME_LABELS", "OWNER_LABELS", "Level", "MeasureOwner", "Outcome", "level_label",
           "outcome_label"]


class _Vocabulary(StrEnum):
    @classmethod
    def of(cls, value):
        """The member with this value, or ``None`` (for unknown input; never raises)."""
        try:
            return cls(value)
        except ValueError:
            return None


class Level(_Vocabulary):
    """How serious a finding is. Declared most severe first: that order is the rank."""

    blokkerend = "blokkerend"
    hoog = "hoog"
    aandachtspunt = "aandachtspunt"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the most severe level."""
        return _LEVEL_RANK[self]


LEVEL_LABELS = {Level.blokkerend: "Blokkerend", Level.hoog: "Hoog risico", Level.aandachtspunt: "Aandachtspunt"}
_LEVEL_RANK = {level: i for i, level in enumerate(Level)}


class Outcome(_Vocabulary):
    """The reviewer's conclusion on a dossier, mildest first."""

    geen_bijzonderheden = "geen_bijzonderheden"
    aandachtspunten = "aandachtspunten"
    beheersbaar_met_afspraken = "beheersbaar_met_afspraken"
    ernstige_risicos = "ernstige_risicos"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def mild(self) -> bool:
        """A mild outcome cannot stand while a blocking finding is unresolved."""
        return self in (Outcome.geen_bijzonderheden, Outcome.aandachtspunten)


OUTCOME_LABELS = {
    Outcome.geen_bijzonderheden: "Geen bijzonderheden",
    Outcome.aandachtspunten: "Aandachtspunten",
    Outcome.beheersbaar_met_afspraken: "Risico's beheersbaar met afspraken",
    Outcome.ernstige_risicos: "Ernstige risico's — benoeming niet geadviseerd",
}


class MeasureOwner(_Vocabulary):
    """Who carries out a measure."""

    candidate = "candidate"
    reviewer = "reviewer"
    griffier = "griffier"

    @property
    def label(self) -> str:
        """The generic label; ``models.owner_label_for`` names the reviewer by office."""
        return OWNER_LABELS[self]


OWNER_LABELS = {MeasureOwner.candidate: "kandidaat", MeasureOwner.reviewer: "beoordelaar",
                MeasureOwner.griffier: "griffier"}


def level_label(level: str | None) -> str:
    """The label of a level value (the value itself when unknown, "" for none)."""
    return LEVEL_LABELS.get(level, level or "")


def outcome_label(outcome: str | None) -> str:
    """The label of an outcome value ("" when unknown or none)."""
    return OUTCOME_LABELS.get(outcome or "", "")
