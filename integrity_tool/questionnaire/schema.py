"""The one schema for questionnaire and measures files (pydantic, unknown keys rejected).

Conditions are kept as raw data here; ``integrity_tool.questionnaire.conditions`` checks and compiles
them with their own operator registry so that messages can name the operator.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import Problem

# The domain vocabulary is defined once, in integrity_tool/vocabulary.py (below every room, so pdf/
# may use it too); the definition language re-exports it.
from ..vocabulary import (LEVEL_LABELS, OUTCOME_LABELS, OWNER_LABELS, Level, MeasureOwner,  # noqa: F401
                          Outcome, level_label, outcome_label)

SCHEMA_VERSION = 1
QUESTION_TYPES = (
    "yesno", "choice", "multichoice", "text", "textarea", "number", "money", "date",
    "email", "kvk", "repeat",
)
KINDS = ("gemeente", "provincie", "waterschap", "kabinetsformatie")


ID_PATTERN = r"^[a-z][a-z0-9_]*$"
QID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class OptionSchema(_Strict):
    value: str = Field(min_length=1)
    label: str
    label_en: str | None = None


class QuestionSchema(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    type: str
    label: str
    label_en: str | None = None
    help: str
    help_en: str | None = None
    legal: str | None = None
    required: bool = True
    options: list[OptionSchema] | None = None
    min: int | float | str | None = None
    max: int | float | str | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = None
    show_if: Any = None
    public: bool = False
    term: bool = False
    sensitive: bool = False
    questions: list[QuestionSchema] | None = None
    min_items: int | None = Field(default=None, ge=0)
    max_items: int | None = Field(default=None, ge=1)
    item_label: str | None = None
    fact: str | None = None          # which fact the answer holds (questionnaire/facts.py)
    options_from: str | None = None  # "domeinen" or "portefeuilles" instead of fixed options
    item_label_en: str | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in QUESTION_TYPES:
            raise ValueError(Problem("onbekend vraagtype '%(type)s'; kies uit: %(choices)s", type=value,
                                     choices=", ".join(QUESTION_TYPES)))
        return value


class SectionSchema(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    title_en: str | None = None
    intro: str | None = None
    intro_en: str | None = None
    questions: list[QuestionSchema] = Field(min_length=1)


class ThemeSchema(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    title_en: str | None = None
    order: int


class RiskSchema(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    theme: str
    level: Literal["blokkerend", "hoog", "aandachtspunt"]
    for_each: str | None = None
    when: Any
    explanation: str
    explanation_en: str | None = None
    legal: str
    measures: list[str] = Field(default_factory=list)
    ask: str | None = None
    fact: str | None = None          # the fact this rule is about (findings on one fact are merged)
    combine: bool = False            # with for_each: one finding listing every matching item
    ask_en: str | None = None


class QuestionnaireSchema(_Strict):
    schema_: Literal[1] = Field(alias="schema")
    id: str = Field(pattern=QID_PATTERN)
    version: str = Field(min_length=1)
    title: str
    title_en: str | None = None
    applies_to: list[Literal["gemeente", "provincie", "waterschap", "kabinetsformatie"]] = Field(
        min_length=1)
    intro: str | None = None
    intro_en: str | None = None
    parameters: dict[str, int | float | str | bool] = Field(default_factory=dict)
    themes: list[ThemeSchema] = Field(min_length=1)
    sections: list[SectionSchema] = Field(min_length=1)
    risks: list[RiskSchema] = Field(default_factory=list)


class MeasureSchema(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    title_en: str | None = None
    description: str
    description_en: str | None = None
    default_owner: Literal["candidate", "reviewer", "griffier"]
    typical_deadline_days: int = Field(ge=0)
    legal: str | None = None


class MeasuresFileSchema(_Strict):
    schema_: Literal[1] = Field(alias="schema")
    measures: list[MeasureSchema] = Field(min_length=1)


def pydantic_message(err: dict) -> Problem:
    """The message (id + parameters, ``errors.Problem``) for one pydantic error."""
    kind = err.get("type", "")
    loc = err.get("loc", ())
    last = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return Problem("onbekende sleutel '%(name)s'", name=last)
    if kind == "missing":
        return Problem("verplichte sleutel '%(name)s' ontbreekt", name=last)
    if kind == "value_error":
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Problem):
            return cause.args[0]
        return Problem(str(err.get("msg", "")).removeprefix("Value error, "))
    if kind == "string_type":
        return Problem("moet tekst zijn")
    if kind == "bool_type":
        return Problem("moet true of false zijn")
    if kind in ("int_type", "int_parsing"):
        return Problem("moet een geheel getal zijn")
    if kind in ("list_type",):
        return Problem("moet een lijst zijn")
    if kind in ("dict_type", "model_type"):
        return Problem("moet een mapping (sleutel: waarde) zijn")
    if kind == "string_pattern_mismatch":
        return Problem("ongeldige id: gebruik kleine letters, cijfers en _ (begin met een letter)")
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        return Problem("ongeldige waarde %(value)s; toegestaan: %(allowed)s", value=repr(err.get("input")),
                       allowed=str(expected))
    if kind in ("too_short",):
        return Problem("mag niet leeg zijn")
    if kind in ("greater_than_equal",):
        return Problem("moet minstens %(min)s zijn", min=(err.get("ctx") or {}).get("ge"))
    return Problem(str(err.get("msg", kind)))
QuestionSchema.model_rebuild()
