"""Which questions are shown, which answers count, and whether a section is complete.

Pure functions over plain answer dicts. Conditions only look backwards, so one pass in
document order decides visibility, including chains (B depends on A, A is hidden).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from .conditions import Ctx, is_answered
from .model import Question, Questionnaire, Section


def _ctx(q: Questionnaire, answers: dict, item: dict | None = None, today: date | None = None) -> Ctx:
    return Ctx(answers, item, q.parameters, today or date.today())


def _visible(q: Question, ctx: Ctx) -> bool:
    return q.show_if is None or bool(q.show_if(ctx))


def _prune_item(qn: Questionnaire, rq: Question, item: Any, pruned: dict, today) -> dict:
    if not isinstance(item, dict):
        return {}
    out: dict = {}
    ctx = _ctx(qn, pruned, out, today)
    for sub in rq.questions:
        if sub.id in item and item[sub.id] is not None and _visible(sub, ctx):
            out[sub.id] = item[sub.id]
    return out


def prune_hidden(questionnaire: Questionnaire, answers: Any, today: date | None = None) -> dict:
    """A new answers dict without hidden questions' answers and unknown keys (also in items)."""
    if not isinstance(answers, dict):
        return {}
    out: dict = {}
    ctx = _ctx(questionnaire, out, None, today)
    for section in questionnaire.sections:
        for q in section.questions:
            if q.id not in answers or answers[q.id] is None or not _visible(q, ctx):
                continue
            value = answers[q.id]
            if q.type == "repeat":
                if not isinstance(value, list):
                    continue
                value = [_prune_item(questionnaire, q, item, out, today) for item in value]
            out[q.id] = value
    return out


def is_visible(questionnaire: Questionnaire, question: Question, answers: Any,
               item: dict | None = None, today: date | None = None) -> bool:
    """Is ``question`` shown given ``answers`` (and, for a sub-question, its repeat ``item``)?"""
    pruned = prune_hidden(questionnaire, answers, today)
    if question.parent:
        parent = questionnaire.question(question.parent)
        if not is_visible(questionnaire, parent, answers, today=today):
            return False
        item_pruned = _prune_item(questionnaire, parent, item or {}, pruned, today)
        # Siblings before this one count as the item is seen so far.
        return _visible(question, _ctx(questionnaire, pruned, item_pruned, today))
    return _visible(question, _ctx(questionnaire, pruned, None, today))


def visible_questions(questionnaire: Questionnaire, section: Section, answers: Any,
                      today: date | None = None) -> list[Question]:
    pruned = prune_hidden(questionnaire, answers, today)
    ctx = _ctx(questionnaire, pruned, None, today)
    return [q for q in section.questions if _visible(q, ctx)]


def visible_subquestions(questionnaire: Questionnaire, repeat: Question, answers: Any,
                         item: Any, today: date | None = None) -> list[Question]:
    """Sub-questions of ``repeat`` shown for one item."""
    pruned = prune_hidden(questionnaire, answers, today)
    item_pruned = _prune_item(questionnaire, repeat, item, pruned, today)
    ctx = _ctx(questionnaire, pruned, item_pruned, today)
    return [s for s in repeat.questions if _visible(s, ctx)]


def missing_required(questionnaire: Questionnaire, section: Section, answers: Any,
                     today: date | None = None) -> list[str]:
    """Ids of visible required questions without an answer; repeats: too few items, or an
    item missing a visible required sub-question (reported as ``repeat_id.sub_id``)."""
    pruned = prune_hidden(questionnaire, answers, today)
    ctx = _ctx(questionnaire, pruned, None, today)
    missing: list[str] = []
    for q in section.questions:
        if not _visible(q, ctx):
            continue
        value = pruned.get(q.id)
        if q.type == "repeat":
            items = value if isinstance(value, list) else []
            needed = q.min_items if q.min_items is not None else (1 if q.required else 0)
            if len(items) < needed:
                missing.append(q.id)
                continue
            for item in items:
                ictx = _ctx(questionnaire, pruned, item, today)
                for sub in q.questions:
                    key = f"{q.id}.{sub.id}"
                    if sub.required and _visible(sub, ictx) and not is_answered(item.get(sub.id)) \
                            and key not in missing:
                        missing.append(key)
        elif q.required and not is_answered(value):
            missing.append(q.id)
    return missing


def section_complete(questionnaire: Questionnaire, section: Section, answers: Any,
                     today: date | None = None) -> bool:
    return not missing_required(questionnaire, section, answers, today)
