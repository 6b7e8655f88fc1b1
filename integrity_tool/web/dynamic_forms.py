"""WTForms classes built from a questionnaire section (or one repeat item).

Fields are keyed by question id, never by position. The forms only *parse* what was typed
(Dutch amounts and dates included) into the stored-value conventions; the questionnaire's own
``validate_value`` stays the final authority, so web and engine can never disagree. Required
answers are checked by the caller with ``missing_required``: "Opslaan en later verder" may save an
unfinished page, and hidden questions are never required.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DecimalField, EmailField, Field, IntegerField, RadioField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..questionnaire import Question, display_value, fill_placeholders, validate_value
from .forms import BoundedIntegerHiddenField, NoControlChars

YES, NO = "ja", "nee"
_DATE_NL = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


# --- parsing helpers (plain functions: unit-testable without a request) -------------------------

def parse_amount(raw: str) -> Decimal:
    """Dutch or plain amounts: "1.250,50", "1250,50", "1250.50", "€ 1.250" -> Decimal. ValueError if not."""
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
    """"17-03-2026", "17/3/2026", "2026-03-17" -> date. ValueError (with a reason) if not."""
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


def format_date_nl(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        y, m, d = value.split("-")
        return f"{d}-{m}-{y}"
    return value or ""


def format_amount_nl(value) -> str:
    """"1250.50" -> "1.250,50" (how a Dutch user reads and types it)."""
    try:
        d = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value or "")
    sign = "-" if d < 0 else ""
    whole, _sep, cents = f"{abs(d):.2f}".partition(".")
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{cents}"


# --- fields -------------------------------------------------------------------------------------

class DutchDecimalField(DecimalField):
    """An amount in euros; accepts Dutch notation. ``data`` is a Decimal with two places."""

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw_text or not self.raw_text.strip():
            return
        try:
            self.data = parse_amount(self.raw_text)
        except (ValueError, InvalidOperation) as exc:
            if str(exc) == "decimalen":
                raise ValueError(_("Gebruik hoogstens twee cijfers achter de komma, bijvoorbeeld 1.250,50.")) from None
            raise ValueError(_("Vul een bedrag in euro's in met alleen cijfers, bijvoorbeeld 1.250,50.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_amount_nl(self.data) if self.data is not None else ""


class DutchIntegerField(IntegerField):
    widget = TextInput()

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace(".", "").replace(" ", "")
        self.data = None
        if not text:
            return
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise ValueError(_("Vul een heel getal in met alleen cijfers, bijvoorbeeld 12."))
        self.data = int(text)


class DutchDateField(StringField):
    """A date typed as dd-mm-jjjj (also jjjj-mm-dd); ``data`` is a ``date``."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        try:
            self.data = parse_date(text)
        except ValueError as exc:
            if str(exc) == "bestaat niet":
                raise ValueError(_("Deze datum bestaat niet. Controleer de dag en de maand.")) from None
            raise ValueError(_("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 17-03-2026.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_date_nl(self.data)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- building forms ----------------------------------------------------------------------------

class AnswerForm(FlaskForm):
    """Base class: every answer form carries the dossier version it was rendered from."""

    version = BoundedIntegerHiddenField()

    def answer_fields(self):
        return [f for f in self if f.name not in ("version", "csrf_token")]


def _field_for(q: Question, lang: str) -> Field:
    label = q.localized_label(lang)
    t = q.type
    validators: list = [Optional()] if t not in ("yesno", "choice", "multichoice") else []
    kwargs: dict = {}
    if t == "yesno":
        return RadioField(label, choices=[SelectChoice(YES, _l("Ja")), SelectChoice(NO, _l("Nee"))], validate_choice=False)
    if t == "choice":
        return RadioField(label, choices=[SelectChoice(o.value, o.localized_label(lang)) for o in q.options],
                          validate_choice=False)
    if t == "multichoice":
        return MultiCheckboxField(label, choices=[SelectChoice(o.value, o.localized_label(lang)) for o in q.options],
                                  validate_choice=False)
    if t in ("text", "textarea", "email"):
        validators.append(NoControlChars())
        if q.max_length or q.min_length:
            validators.append(Length(min=q.min_length or -1, max=q.max_length or -1,
                                     message=_l("Gebruik hoogstens %(max)d tekens; u heeft er nu %(length)d.")
                                     if q.max_length else _l("Gebruik minstens %(min)d tekens.")))
            if q.max_length:
                kwargs["render_kw"] = {"maxlength": q.max_length * 2}  # room to see the error, not truncate
        if q.pattern:
            validators.append(Regexp(rf"^(?:{q.pattern})$", message=_l("Deze invoer heeft niet de juiste vorm.")))
        if t == "email":
            validators.append(Email(message=_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
                                    check_deliverability=False))
            return EmailField(label, validators=validators, filters=[_strip], **kwargs)
        cls = TextAreaField if t == "textarea" else StringField
        return cls(label, validators=validators, filters=[_strip_keep_lines if t == "textarea" else _strip],
                   **kwargs)
    if t == "kvk":
        return StringField(label, validators=[Optional(), Regexp(r"^\d{8}$", message=_l(
            "Een KvK-nummer bestaat uit precies 8 cijfers. U vindt het op uittreksels van de Kamer van Koophandel."))],
            filters=[_digits_only], render_kw={"inputmode": "numeric", "autocomplete": "off"})
    if t == "number":
        return DutchIntegerField(label, validators=validators, render_kw={"inputmode": "numeric"})
    if t == "money":
        return DutchDecimalField(label, validators=validators, render_kw={"inputmode": "decimal"})
    if t == "date":
        return DutchDateField(label, validators=validators, render_kw={"autocomplete": "off"})
    raise ValueError(f"geen formulierveld voor vraagtype {t}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _strip_keep_lines(value):
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _digits_only(value):
    return re.sub(r"[\s.]", "", value) if isinstance(value, str) else value


def build_form(questions: list[Question] | tuple[Question, ...], lang: str = "nl", *, formdata=None,
               data: dict | None = None) -> AnswerForm:
    """A form instance for these (non-repeat) questions, filled from the request or stored ``data``."""
    attrs = {q.id: _field_for(q, lang) for q in questions if q.type != "repeat"}
    cls = type("SectionForm", (AnswerForm,), attrs)
    initial = {q.id: to_form_value(q, (data or {}).get(q.id)) for q in questions if q.type != "repeat"}
    if formdata is not None:
        return cls(formdata=formdata)
    return cls(formdata=None, data=initial)


def to_form_value(q: Question, value):
    """A stored answer as the form field expects it."""
    if value is None:
        return None
    if q.type == "yesno":
        return YES if value is True else NO if value is False else None
    if q.type == "money":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    if q.type == "date":
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            return None
    return value


def to_stored_value(q: Question, field: Field):
    """A parsed field as the stored-value convention (None when left empty)."""
    data = field.data
    if q.type == "yesno":
        return True if data == YES else False if data == NO else None
    if q.type == "choice":
        return data or None
    if q.type == "multichoice":
        return list(dict.fromkeys(data)) if data else None
    if q.type in ("text", "textarea", "email", "kvk"):
        return data or None
    if q.type == "number":
        return data
    if q.type == "money":
        return f"{data:.2f}" if data is not None else None
    if q.type == "date":
        return data.isoformat() if data is not None else None
    return None


def collect(form: AnswerForm, questions) -> dict:
    """Validate the form and convert it to stored values; errors stay attached to the fields.

    Fields with an error are left out of the result (the typed text stays in the form).
    """
    form.validate()
    values: dict = {}
    for q in questions:
        if q.type == "repeat" or q.id not in form:
            continue
        field = form[q.id]
        if field.errors:
            continue
        value = to_stored_value(q, field)
        message = validate_value(q, value)
        if message:
            field.errors = list(field.errors) + [message]
            continue
        values[q.id] = value
    return values


def has_errors(form: AnswerForm, question_ids) -> bool:
    if "csrf_token" in form and form["csrf_token"].errors:  # CSRFProtect also guards every POST
        return True
    return any(form[qid].errors for qid in question_ids if qid in form)


def clear_errors(form: AnswerForm, question_ids) -> None:
    for qid in question_ids:
        if qid in form:
            form[qid].errors = []


def add_required_errors(form: AnswerForm, missing: list[str]) -> None:
    for qid in missing:
        if qid in form:
            field = form[qid]
            if not field.errors:
                field.errors = [_required_message(field)]


def _required_message(field: Field) -> str:
    if isinstance(field, (RadioField, SelectMultipleField)):
        return _("Kies een antwoord.")
    return _("Beantwoord deze vraag.")



# --- view-models for the templates ---------------------------------------------------------------

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


def question_views(questions, visible_ids: set[str], form: AnswerForm, answers: dict, lang: str) -> list[QuestionView]:
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
    from ..questionnaire import visible_questions

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
