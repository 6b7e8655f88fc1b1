"""Validate, parse and display values, following the stored-value and Dutch conventions.

Stored answers: yesno bool; choice str; multichoice list[str]; text/textarea/email str; kvk 8
digits; number int; money "1234.50" (str, two decimals); date "YYYY-MM-DD"; repeat list of dicts.

This is also the one home of how people read and type money and dates (web forms, templates via
the Jinja filters, PDFs): amounts "€ 1.250,50", dates "17-03-2026". Timestamps are stored as naive
UTC; :func:`to_local` is the one clock helper that turns them into Europe/Amsterdam time for display.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from ..textcheck import text_error
from .model import Question

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni",
           "juli", "augustus", "september", "oktober", "november", "december")
_DATE_NL = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")

_MONEY = re.compile(r"^-?\d{1,12}\.\d{2}$")
_KVK = re.compile(r"^\d{8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _text(q: Question, value: Any) -> str | None:
    if not isinstance(value, str):
        return "Vul tekst in."
    control = text_error(value)
    if control:
        return control
    if q.min_length is not None and len(value) < q.min_length:
        return f"Gebruik minstens {q.min_length} tekens."
    if q.max_length is not None and len(value) > q.max_length:
        return f"Gebruik hoogstens {q.max_length} tekens."
    if q.pattern is not None and not re.fullmatch(q.pattern, value):
        return "Deze invoer heeft niet de juiste vorm."
    return None


def _bounds(q: Question, number: Decimal, fmt) -> str | None:
    try:
        if q.min is not None and number < Decimal(str(q.min)):
            return f"De waarde moet minstens {fmt(q.min)} zijn."
        if q.max is not None and number > Decimal(str(q.max)):
            return f"De waarde mag hoogstens {fmt(q.max)} zijn."
    except InvalidOperation:
        return None
    return None


def validate_value(question: Question, value: Any) -> str | None:
    """A Dutch error message when ``value`` is not a valid stored answer, else None.

    ``None`` (unanswered) is valid here; use ``missing_required`` for required checks.
    """
    if value is None:
        return None
    t = question.type
    if t == "yesno":
        return None if isinstance(value, bool) else "Kies ja of nee."
    if t == "choice":
        return None if isinstance(value, str) and question.option(value) else "Kies een van de opties."
    if t == "multichoice":
        if not isinstance(value, list) or not all(isinstance(v, str) and question.option(v) for v in value):
            return "Kies een of meer van de opties."
        if len(set(value)) != len(value):
            return "Kies elke optie hoogstens één keer."
        return None
    if t in ("text", "textarea"):
        return _text(question, value)
    if t == "email":
        if not isinstance(value, str) or not _EMAIL.match(value):
            return "Vul een geldig e-mailadres in."
        return _text(question, value)
    if t == "kvk":
        return None if isinstance(value, str) and _KVK.match(value) else \
            "Een KvK-nummer bestaat uit precies 8 cijfers."
    if t == "number":
        if isinstance(value, bool) or not isinstance(value, int):
            return "Vul een heel getal in."
        return _bounds(question, Decimal(value), str)
    if t == "money":
        if not isinstance(value, str) or not _MONEY.match(value):
            return "Vul een bedrag in euro's in met twee decimalen, bijvoorbeeld 25000.00."
        return _bounds(question, Decimal(value), lambda v: format_money(str(v)))
    if t == "date":
        if not isinstance(value, str) or not _DATE.match(value):
            return "Vul een datum in als JJJJ-MM-DD."
        try:
            d = date.fromisoformat(value)
        except ValueError:
            return "Deze datum bestaat niet."
        if question.min is not None and str(question.min) > d.isoformat():
            return f"De datum mag niet vóór {question.min} liggen."
        if question.max is not None and str(question.max) < d.isoformat():
            return f"De datum mag niet na {question.max} liggen."
        return None
    if t == "repeat":
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            return "Ongeldige lijst."
        if question.min_items is not None and len(value) < question.min_items:
            return f"Vul minstens {question.min_items} in."
        if question.max_items is not None and len(value) > question.max_items:
            return f"Vul hoogstens {question.max_items} in."
        for n, item in enumerate(value, 1):
            for key, sub_value in item.items():
                sub = question.sub(key) if isinstance(key, str) else None
                if sub is None:
                    return f"Onbekend veld in regel {n}."
                msg = validate_value(sub, sub_value)
                if msg:
                    return f"{sub.label} (regel {n}): {msg}"
        return None
    return "Onbekend vraagtype."


# --- parsing what people type ------------------------------------------------------------------

def parse_amount(raw: str) -> Decimal:
    """Dutch or plain amounts: "1.250,50", "1250,50", "1250.50", "€ 1.250" -> Decimal.

    ValueError if not an amount ("decimalen" when it has more than two decimals).
    """
    text = (raw or "").strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if text.endswith(",-"):
        text = text[:-2]
    if "," in text and "." in text:
        decimal_sep, group_sep = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        whole, _sep, cents = text.rpartition(decimal_sep)
        if not re.fullmatch(rf"-?\d{{1,3}}(\{group_sep}\d{{3}})+", whole):
            raise ValueError("groepering")
        text = whole.replace(group_sep, "") + "." + cents
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError("komma")
        text = text.replace(",", ".")
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    if not _AMOUNT.match(text):
        raise ValueError("geen bedrag")
    value = Decimal(text)
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("decimalen")
    return value.quantize(Decimal("0.01"))


def parse_date(raw: str) -> date:
    """"17-03-2026", "17/3/2026", "2026-03-17" -> date. ValueError ("vorm" / "bestaat niet") if not."""
    text = (raw or "").strip()
    m = _DATE_NL.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = _DATE_ISO.match(text)
        if not m:
            raise ValueError("vorm")
        year, month, day = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("bestaat niet") from None


# --- showing values to people ------------------------------------------------------------------

def format_money(value: Any, *, symbol: bool = True) -> str:
    """"25000.5" -> "€ 25.000,50" ("25.000,50" without symbol); unreadable input is returned as text."""
    try:
        d = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return "" if value is None else str(value)
    sign = "-" if d < 0 else ""
    whole, _, cents = f"{abs(d):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}€ {groups},{cents}" if symbol else f"{sign}{groups},{cents}"


def to_local(dt: datetime) -> datetime:
    """A stored timestamp (naive UTC, or aware) as Europe/Amsterdam time: the one clock for people."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(LOCAL_TZ)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return to_local(value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def format_date(value: Any, empty: str = "") -> str:
    """date, timestamp or "2026-03-17" -> "17-03-2026" (timestamps in local time); ``empty`` for None."""
    if value is None or value == "":
        return empty
    if isinstance(value, str) and _DATE.match(value):
        y, m, d = value.split("-")
        return f"{d}-{m}-{y}"
    d = _as_date(value)
    return f"{d.day:02d}-{d.month:02d}-{d.year}" if d else str(value)


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def format_date_long(value: Any, empty: str = "", lang: str | None = None) -> str:
    """"3 maart 2026" ("3 March 2026" for ``lang`` "en"; timestamps in local time); ``empty`` for None."""
    if value is None or value == "":
        return empty
    d = _as_date(value)
    months = _MONTHS_EN if lang and str(lang).startswith("en") else _MONTHS
    return f"{d.day} {months[d.month - 1]} {d.year}" if d else str(value)


def format_datetime(value: Any, empty: str = "", *, seconds: bool = False) -> str:
    """A timestamp -> "17-03-2026 14:05" in Europe/Amsterdam time; a plain date as format_date."""
    if value is None or value == "":
        return empty
    if not isinstance(value, datetime):
        return format_date(value, empty)
    local = to_local(value)
    return f"{format_date(local)} {local:%H:%M:%S}" if seconds else f"{format_date(local)} {local:%H:%M}"


_PLAIN_TYPES = frozenset({"text", "textarea", "email", "kvk", "number"})


def display_value(question: Question, value: Any, lang: str | None = None) -> str:
    """Human-readable form of a stored answer (for findings, summaries, PDFs). Never raises."""
    cls = value.__class__  # the common cases first: this runs for every answer a finding shows
    if cls is str and question.type in _PLAIN_TYPES:
        return value
    if cls is bool and question.type == "yesno":
        return ("Yes" if value else "No") if lang and lang.startswith("en") else ("Ja" if value else "Nee")
    try:
        if value is None:
            return ""
        t = question.type
        if t == "yesno" and isinstance(value, bool):
            return ("Yes" if value else "No") if lang and lang.startswith("en") else ("Ja" if value else "Nee")
        if t == "choice":
            opt = question.option(value) if isinstance(value, str) else None
            return opt.localized_label(lang) if opt else str(value)
        if t == "multichoice" and isinstance(value, list):
            labels = []
            for v in value:
                opt = question.option(v) if isinstance(v, str) else None
                labels.append(opt.localized_label(lang) if opt else str(v))
            return ", ".join(labels)
        if t == "money":
            return format_money(value)
        if t == "date" and isinstance(value, str) and _DATE.match(value):
            return format_date(value)
        if t == "repeat" and isinstance(value, list):
            return f"{len(value)} item(s)"
        return str(value)
    except Exception:  # display must never break a report
        return "(onleesbaar)"
