"""Small shared forms (Flask-WTF: every form carries a CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from ..textcheck import MAX_DB_INT, bounded_int, text_error


class NoControlChars:
    """Field validator: refuses control characters (tab and newlines allowed in multi-line text).
    The message comes from the one helper in ``textcheck`` that the services use too."""

    def __init__(self, multiline: bool = True):
        self.multiline = multiline

    def __call__(self, form, field):
        from flask_babel import gettext

        if isinstance(field.data, str):
            message = text_error(field.data, multiline=self.multiline)
            if message:
                raise ValidationError(gettext(message))


class BoundedIntegerHiddenField(HiddenField):
    """A hidden integer (a dossier version, an id): ``data`` is an int in [0, 2^31-1] or None. Anything
    else (a huge number, text, a control character) becomes None, which the services treat as a stale
    form (409), never as a database error."""

    def __init__(self, *args, lo: int = 0, hi: int = MAX_DB_INT, **kwargs):
        super().__init__(*args, **kwargs)
        self.lo, self.hi = lo, hi

    def process_formdata(self, valuelist):
        self.data = bounded_int(valuelist[0], self.lo, self.hi) if valuelist else None

    def _value(self):
        return "" if self.data is None else str(self.data)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in.")), Length(max=256)])
    submit = SubmitField(_l("Inloggen"))


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Vul de code in.")), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Bevestigen"))


class ActionForm(FlaskForm):
    """An empty form: a CSRF-protected button (log-out, confirmations)."""

    submit = SubmitField(_l("Bevestigen"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired(_l("Vul uw huidige wachtwoord in."))])
    new = PasswordField(_l("Nieuw wachtwoord (minimaal 12 tekens)"),
                        validators=[DataRequired(_l("Kies een nieuw wachtwoord.")), Length(max=256)])
    submit = SubmitField(_l("Wachtwoord wijzigen"))
