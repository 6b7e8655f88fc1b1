"""Small shared forms (Flask-WTF: every form carries a CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


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
