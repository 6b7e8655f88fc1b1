"""Valid example answers for any questionnaire, as a browser would post them.

Used by the load benchmark and the tests to fill in a questionnaire straight from its definition,
so both keep working when a questionnaire changes.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from .model import Question


def form_value(q: Question, *, yes: Collection[str] = (), overrides: dict | None = None,
               text: str = "Antwoord op {id}"):
    """A valid typed value for ``q``: "ja" for the ids in ``yes`` (else "nee"), the first option,
    "geen" where a multiple choice offers it, a short text, a KvK number, the minimum number, an
    amount in Dutch notation, a date ten days ago. ``overrides`` maps question ids to values."""
    if overrides and q.id in overrides:
        return overrides[q.id]
    t = q.type
    if t == "yesno":
        return "ja" if q.id in yes else "nee"
    if t == "choice":
        return q.options[0].value
    if t == "multichoice":
        return [o.value for o in q.options if o.value == "geen"] or [q.options[0].value]
    if t in ("text", "textarea"):
        return text.format(id=q.id)[: q.max_length or 200]
    if t == "email":
        return "kandidaat@example.nl"
    if t == "kvk":
        return "12345678"
    if t == "number":
        return str(q.min if q.min is not None else 1)
    if t == "money":
        return "1.250,50"
    if t == "date":
        return (date.today() - timedelta(days=10)).strftime("%d-%m-%Y")
    raise ValueError(f"no example value for question type {t!r}")


__all__ = ["form_value"]
