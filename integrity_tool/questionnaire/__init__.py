"""Questionnaire definitions: load and validate YAML into frozen objects. No Flask, no db."""
from .catalog import Catalog, default_catalog, questionnaire_files
from .errors import QuestionnaireError
from .loader import SHIPPED_DIR, content_hash, load_measures, load_questionnaire, load_questionnaire_text
from .model import (Condition, Measure, Option, Question, Questionnaire, Risk, Section, Theme,
                    fill_placeholders, version_key)
from .schema import (KINDS, LEVEL_LABELS, OUTCOME_LABELS, OWNER_LABELS, QUESTION_TYPES, SCHEMA_VERSION, Level,
                     MeasureOwner, Outcome, level_label, outcome_label)
from .values import display_value, format_money, validate_value
from .visibility import (is_visible, missing_required, prune_hidden, section_complete,
                         visible_questions, visible_subquestions)

__all__ = [
    "Catalog", "Condition", "KINDS", "LEVEL_LABELS", "Level", "MeasureOwner", "OUTCOME_LABELS", "OWNER_LABELS",
    "Outcome", "level_label", "outcome_label", "Measure", "Option", "QUESTION_TYPES", "Question",
    "Questionnaire", "QuestionnaireError", "Risk", "SCHEMA_VERSION", "SHIPPED_DIR", "Section",
    "Theme", "content_hash", "default_catalog", "display_value", "fill_placeholders",
    "format_money", "is_visible", "load_measures",
    "load_questionnaire", "load_questionnaire_text", "missing_required", "prune_hidden", "questionnaire_files",
    "section_complete", "validate_value", "version_key", "visible_questions",
    "visible_subquestions",
]
