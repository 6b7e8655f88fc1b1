"""WTForms classes built from a questionnaire section (or one repeat item).

Fields are keyed by question id, never by position. The forms only *parse* what was typed
(Dutch amounts and dates included) into the stored-value conventions; the questionnaire's own
``validate_value`` stays the final authority, so web and engine can never disagree. Required
answers are checked by the caller with ``missing_required``: "Opslaan en later verder" may save an
unfinished page, and hidden questions are never required.
"""
from __future__ import annotations

import re
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

from ..questionnaire import Question, validate_value
from ..questionnaire.values import format_date, format_money, parse_amount, parse_date
from .forms import BoundedIntegerHiddenField, NoControlChars

YES, NO = "ja", "nee"


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
        return format_money(self.data, symbol=False) if self.data is not None else ""


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
        return format_date(self.data)


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
