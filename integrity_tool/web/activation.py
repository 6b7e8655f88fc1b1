"""Account activation from the invitation link: password, second factor, privacy statement.

The link stays the key to every step (each request re-checks that it is still open); progress
is kept in the session, tied to the invitation, with secrets encrypted. Nothing touches the
account until the last step, which uses the invitation up atomically.
"""
from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from .. import crypto
from ..services import activation, security
from ..services.errors import InvalidInput, NotFound
from .auth import finish_login, qr_svg
from .forms import ActionForm, CodeForm
from .hooks import client_ip
from .i18n import message_text

bp = Blueprint("activation", __name__, url_prefix="/activeren")

STATE_KEY = "activation"
STATE_SECONDS = 3600


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(_l("Kies een wachtwoord.")),
                                                                 Length(max=256)])
    repeat = PasswordField(_l("Herhaal het wachtwoord"), validators=[DataRequired(_l("Typ het wachtwoord nog een keer."))])
    submit = SubmitField(_l("Verder"))


class PrivacyForm(FlaskForm):
    accept = BooleanField(_l("Ik heb de privacyverklaring gelezen"),
                          validators=[DataRequired(_l("Vink aan dat u de privacyverklaring heeft gelezen."))])
    submit = SubmitField(_l("Account activeren"))


def _unusable():
    session.pop(STATE_KEY, None)
    return render_template("activation/unusable.html"), 410


def _seal(text: str) -> str:
    return crypto.keyring().encrypt_text(text).decode("ascii")


def _unseal(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return crypto.keyring().decrypt_text(token.encode("ascii"))
    except (crypto.InvalidToken, ValueError):
        return None


def _state(invitation) -> dict:
    """The activation progress for this invitation (a fresh one for another or an old invitation)."""
    state = session.get(STATE_KEY)
    if not isinstance(state, dict) or state.get("inv") != invitation.id or \
            time.time() - float(state.get("at", 0)) > STATE_SECONDS:
        state = {"inv": invitation.id, "at": time.time()}
        session[STATE_KEY] = state
    return state


def _save(state: dict) -> None:
    state["at"] = time.time()
    session[STATE_KEY] = state


def _load(token: str):
    try:
        invitation = activation.open_invitation(token)
    except NotFound:
        return None, None
    return invitation, _state(invitation)


def _next_step(token: str, state: dict):
    if not state.get("pw"):
        return redirect(url_for("activation.password", token=token))
    if not state.get("mfa_ok"):
        return redirect(url_for("activation.second_factor", token=token))
    return redirect(url_for("activation.privacy", token=token))


def _render(template: str, token: str, invitation, step: int, **context):
    return render_template(f"activation/{template}", token=token, user=invitation.user, step=step,
                           organisation=invitation.user.organisation, **context)


@bp.route("/<token>", methods=["GET", "POST"])
def password(token: str):
    invitation, state = _load(token)
    if invitation is None:
        return _unusable()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            hashed = activation.check_password(invitation.user, form.password.data, form.repeat.data)
        except InvalidInput as exc:
            form.password.errors = list(form.password.errors) + [message_text(exc)]
        else:
            state["pw"] = _seal(hashed)
            _save(state)
            return _next_step(token, state)
    return _render("password.html", token, invitation, 1, form=form), 200 if not form.errors else 422


@bp.route("/<token>/tweestaps", methods=["GET", "POST"])
def second_factor(token: str):
    invitation, state = _load(token)
    if invitation is None:
        return _unusable()
    if not state.get("pw"):
        return _next_step(token, state)
    user = invitation.user
    secret = _unseal(state.get("secret"))
    if secret is None:
        secret = security.new_totp_secret()
        state["secret"] = _seal(secret)
        _save(state)
    form = CodeForm()
    if form.validate_on_submit():
        if activation.verify_totp_setup(user, secret, form.code.data):
            state.update(mfa="totp", mfa_ok=True)
            _save(state)
            return _next_step(token, state)
        form.code.errors = list(form.code.errors) + [
            _("De code klopt niet. Controleer of de tijd op uw telefoon goed staat en probeer de volgende code.")]
    uri = security.totp_uri(secret, user.email)
    return _render("second_factor.html", token, invitation, 2, form=form, secret=secret, qr=qr_svg(uri),
                   email_allowed=activation.email_otp_allowed(user), action_form=ActionForm()), \
        200 if not form.errors else 422


@bp.route("/<token>/code-per-email", methods=["GET", "POST"])
def email_code(token: str):
    invitation, state = _load(token)
    if invitation is None:
        return _unusable()
    user = invitation.user
    if not state.get("pw") or not activation.email_otp_allowed(user):
        return _next_step(token, state)
    form = CodeForm()
    if form.validate_on_submit():
        if activation.verify_email_setup(user, form.code.data):
            state.update(mfa="email", mfa_ok=True)
            _save(state)
            return _next_step(token, state)
        form.code.errors = list(form.code.errors) + [_("De code klopt niet of is verlopen. Vraag een nieuwe code aan.")]
    return _render("email_code.html", token, invitation, 2, form=form, sent=state.get("email_sent"),
                   action_form=ActionForm()), 200 if not form.errors else 422


@bp.route("/<token>/code-per-email/versturen", methods=["POST"])
def send_email_code(token: str):
    invitation, state = _load(token)
    if invitation is None:
        return _unusable()
    form = ActionForm()
    if form.validate_on_submit() and state.get("pw") and activation.email_otp_allowed(invitation.user):
        if activation.send_setup_code(invitation.user):
            state["email_sent"] = True
            _save(state)
        else:
            flash(_("De code kon niet per e-mail worden verstuurd. Probeer het over een paar minuten opnieuw."), "error")
    return redirect(url_for("activation.email_code", token=token))


@bp.route("/<token>/privacy", methods=["GET", "POST"])
def privacy(token: str):
    invitation, state = _load(token)
    if invitation is None:
        return _unusable()
    if not state.get("pw") or not state.get("mfa_ok"):
        return _next_step(token, state)
    form = PrivacyForm()
    if form.validate_on_submit():
        password_hash = _unseal(state.get("pw"))
        if password_hash is None:
            state.pop("pw", None)
            _save(state)
            return _next_step(token, state)
        try:
            user, codes = activation.complete(
                invitation.id, password_hash=password_hash, mfa_method=state.get("mfa"),
                totp_secret=_unseal(state.get("secret")) if state.get("mfa") == "totp" else None,
                privacy_version=activation.privacy_version(), ip=client_ip(), language=session.get("lang"))
        except NotFound:
            return _unusable()
        response = finish_login(user)  # clears the session (and with it the activation state)
        session["recovery_codes"] = codes
        session["after_codes"] = response.location
        return redirect(url_for("auth.recovery_codes"))
    return _render("privacy.html", token, invitation, 3, form=form,
                   privacy_version=activation.privacy_version()), 200 if not form.errors else 422
