"""Jinja filters: how templates show dates, times and money (the conventions of questionnaire.values).

    {{ dossier.deadline|date_nl }}          17-03-2026       ("—" when empty; date_nl('') for nothing)
    {{ sub.created_at|datetime_nl }}        17-03-2026 14:05 (Europe/Amsterdam time, from stored UTC)
    {{ e.at|datetime_nl(seconds=True) }}    17-03-2026 14:05:09
    {{ "1250.5"|money }}                    € 1.250,50
"""
from __future__ import annotations

from flask import Flask

from ..questionnaire.values import format_date, format_datetime, format_money

EMPTY = "—"


def date_nl(value, empty: str = EMPTY) -> str:
    return format_date(value, empty)


def datetime_nl(value, empty: str = EMPTY, *, seconds: bool = False) -> str:
    return format_datetime(value, empty, seconds=seconds)


def money(value, empty: str = EMPTY) -> str:
    return empty if value is None or value == "" else format_money(value)


def register_filters(app: Flask) -> None:
    app.add_template_filter(date_nl, "date_nl")
    app.add_template_filter(datetime_nl, "datetime_nl")
    app.add_template_filter(money, "money")
