"""View-models for the questionnaire pages: what a template needs to show a question or an answer.

Pure data built from the questionnaire, the stored answers and (for editable pages) the form built
by :mod:`.dynamic_forms`; no request, no database.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field

from wtforms import Field

from ..questionnaire import Question, display_value, fill_placeholders, visible_questions


@dataclass(frozen=True)
class QuestionView:
    """One question on a page: its field (None for a repeat), whether the server shows it, and
    the condition as JSON for the client-side enhancement."""

    question: Question
    field: Field | None
    visible: bool
    show_if: str | None
    label: str
    help: str
    items: list = dc_field(default_factory=list)  # repeat: [(number, title, [(label, value)])]


def show_if_json(q: Question) -> str | None:
    if q.show_if is None:
        return None
    try:
        return json.dumps(q.show_if.source, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return json.dumps({"unsupported": True})


def item_title(repeat: Question, item: dict, number: int, lang: str) -> str:
    context = {s.id: display_value(s, item.get(s.id), lang) for s in repeat.questions if item.get(s.id) is not None}
    if repeat.item_label:
        title = fill_placeholders(repeat.item_label, context)
        if "(onbekend)" not in title:
            return title
    first = next((context[s.id] for s in repeat.questions if s.id in context), None)
    return first or f"{repeat.localized_label(lang)} {number}"


def item_rows(repeat: Question, item: dict, lang: str) -> list[tuple[str, str]]:
    return [(s.localized_label(lang), display_value(s, item[s.id], lang)) for s in repeat.questions
            if item.get(s.id) is not None]


def question_views(questions, visible_ids: set[str], form, answers: dict, lang: str) -> list[QuestionView]:
    views = []
    for q in questions:
        items = []
        if q.type == "repeat":
            stored = answers.get(q.id) if isinstance(answers.get(q.id), list) else []
            items = [(n, item_title(q, item, n, lang), item_rows(q, item, lang))
                     for n, item in enumerate(stored, 1) if isinstance(item, dict)]
        views.append(QuestionView(q, form[q.id] if q.id in form else None, q.id in visible_ids, show_if_json(q),
                                  q.localized_label(lang), q.localized_help(lang), items))
    return views


def answer_rows(questionnaire, section, answers: dict, lang: str) -> list[dict]:
    """Visible answers of a section, readable: for the review page and the conflict panel."""
    rows = []
    for q in visible_questions(questionnaire, section, answers):
        value = answers.get(q.id)
        if q.type == "repeat":
            items = value if isinstance(value, list) else []
            rows.append({"question": q, "label": q.localized_label(lang), "value": None,
                         "items": [(item_title(q, i, n, lang), item_rows(q, i, lang))
                                   for n, i in enumerate(items, 1) if isinstance(i, dict)]})
        else:
            rows.append({"question": q, "label": q.localized_label(lang),
                         "value": display_value(q, value, lang) if value is not None else None, "items": None})
    return rows
