"""The one money/date convention (questionnaire.values) and its Jinja filters.

Timestamps are stored as naive UTC; people see Europe/Amsterdam time, also across the DST change.
"""
from datetime import date, datetime, timezone

import pytest
from flask import render_template_string

from integrity_tool.pdf.text import nl_date, nl_datetime
from integrity_tool.questionnaire.values import (format_date, format_date_long, format_datetime, format_money,
                                                 to_local)


@pytest.mark.parametrize("utc, shown", [
    # 29 March 2026: clocks go from 02:00 CET to 03:00 CEST at 01:00 UTC
    (datetime(2026, 3, 29, 0, 30), "29-03-2026 01:30"),
    (datetime(2026, 3, 29, 1, 30), "29-03-2026 03:30"),
    # 25 October 2026: clocks go from 03:00 CEST back to 02:00 CET at 01:00 UTC
    (datetime(2026, 10, 25, 0, 30), "25-10-2026 02:30"),
    (datetime(2026, 10, 25, 1, 30), "25-10-2026 02:30"),
    (datetime(2026, 10, 25, 2, 30), "25-10-2026 03:30"),
    # the date itself moves at local midnight
    (datetime(2026, 6, 30, 22, 30), "01-07-2026 00:30"),
    (datetime(2026, 12, 31, 23, 15), "01-01-2027 00:15"),
])
def test_stored_utc_is_shown_in_amsterdam_time(utc, shown):
    assert format_datetime(utc) == shown
    assert format_datetime(utc.replace(tzinfo=timezone.utc)) == shown  # aware input: same clock
    assert format_date(utc) == shown.split()[0]


def test_dst_fold_stays_distinguishable_by_offset():
    first, second = to_local(datetime(2026, 10, 25, 0, 30)), to_local(datetime(2026, 10, 25, 1, 30))
    assert (first.utcoffset().total_seconds(), second.utcoffset().total_seconds()) == (7200, 3600)


def test_dates_and_empty_values():
    assert format_date(date(2026, 3, 7)) == "07-03-2026"
    assert format_date("2026-03-17") == "17-03-2026"
    assert format_date(None) == "" and format_date(None, "—") == "—"
    assert format_datetime(date(2026, 3, 7)) == "07-03-2026"
    assert format_datetime(datetime(2026, 1, 2, 3, 4, 5), seconds=True) == "02-01-2026 04:04:05"
    assert format_date_long(datetime(2026, 3, 31, 22, 30)) == "1 april 2026"


def test_pdf_dates_use_the_same_clock():
    assert nl_date(datetime(2026, 3, 31, 22, 30)) == "1 april 2026"
    assert nl_datetime(datetime(2026, 3, 29, 1, 30)) == "29 maart 2026 om 03:30"
    assert nl_date(None) == "—" and nl_date(date(2026, 3, 3)) == "3 maart 2026"


@pytest.mark.parametrize("value, shown, bare", [
    ("25000.5", "€ 25.000,50", "25.000,50"),
    ("-1250", "-€ 1.250,00", "-1.250,00"),
    ("0.00", "€ 0,00", "0,00"),
    ("1234567.89", "€ 1.234.567,89", "1.234.567,89"),
    ("geen bedrag", "geen bedrag", "geen bedrag"),
])
def test_money(value, shown, bare):
    assert format_money(value) == shown
    assert format_money(value, symbol=False) == bare


def test_jinja_filters(app):
    with app.test_request_context():
        out = render_template_string(
            "{{ d|date_nl }}|{{ t|datetime_nl }}|{{ t|datetime_nl(seconds=True) }}|{{ none|date_nl }}|"
            "{{ none|date_nl('') }}|{{ m|money }}|{{ none|money }}",
            d=date(2026, 3, 17), t=datetime(2026, 10, 25, 1, 30, 9), none=None, m="1250.5")
    assert out == "17-03-2026|25-10-2026 02:30|25-10-2026 02:30:09|—||€ 1.250,50|—"
