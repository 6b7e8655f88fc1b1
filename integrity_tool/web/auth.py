"""Log-in (password, then a second factor for every role), 2FA set-up, log-out, account."""
from __future__ import annotations

import io
import time
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup, escape

from .. import audit
from ..models import User, db
from ..services import security, users
from ..services.errors import InvalidInput, Throttled
from ..textcheck import has_control_chars
from .forms import ActionForm, CodeForm, LoginForm, PasswordChangeForm
from .hooks import client_ip, start_page_for
from .i18n import message_text

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 300


def safe_next(target: str | None) -> str | None:
    """Only local absolute paths: no scheme, no host, no '//' or backslash tricks, no control characters
    (a CR/LF would make Werkzeug refuse the Location header and turn a log-in into a 500)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if has_control_chars(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def qr_svg(data: str) -> Markup:
    """An inline SVG QR code (generated here from our own data, never from user markup)."""
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    svg = buf.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg"):]
    label = escape(_("QR-code voor uw authenticator-app"))
    return Markup(svg.replace("<svg", f'<svg role="img" aria-label="{label}"', 1))


def _pending_user() -> User | None:
    uid, started = session.get("pending_uid"), session.get("pending_at", 0)
    if not uid or time.time() - started > PENDING_SECONDS:
        return None
    user = db.session.get(User, uid)
    return user if user is not None and user.active else None


def finish_login(user: User, sso_login: dict | None = None):
    """Second factor passed: a fresh session (no fixation), a server-side session record. After single
    sign-on ``sso_login`` (or the pending one) holds the provider's session id and ID token."""
    target = safe_next(session.get("pending_next"))
    sso_login = sso_login or session.get("pending_sso")
    lang = session.get("lang")
    session.clear()
    sid = users.start_session(user, client_ip(), request.user_agent.string,
                              sso_sid=sso_login.get("sid", "") if sso_login else None,
                              sso_id_token=sso_login.get("id_token") if sso_login else None)
    session["sid"] = sid
    if lang:
        session["lang"] = lang
    if sso_login and sso_login.get("origin"):
        session["sso_origin"] = sso_login["origin"]  # the provider's log-out is a form-action target
    session.permanent = True
    login_user(user, remember=False)
    return redirect(target or start_page_for(user))


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(start_page_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.email.data, form.password.data, client_ip())
        except (InvalidInput, Throttled) as exc:
            status = 429 if isinstance(exc, Throttled) else 200
            form.password.errors = list(form.password.errors) + [message_text(exc)]
            return render_template("auth/login.html", form=form, failed=True, sso_form=_sso_form()), status
        next_target = safe_next(request.args.get("next"))
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        session.update(pending_uid=user.id, pending_at=time.time(), pending_next=next_target)
        if not user.mfa_configured:
            return redirect(url_for("auth.setup_2fa"))
        if user.mfa_method == "email" and not users.send_email_code(user):
            flash(_("De code kon niet per e-mail worden verstuurd. Probeer het over een paar minuten opnieuw."), "error")
        return redirect(url_for("auth.second_factor"))
    return render_template("auth/login.html", form=form, sso_form=_sso_form())


def _sso_form():
    from flask import g

    from ..services import sso
    from .sso import SsoStartForm

    origins = sso.provider_origins()
    if not origins:
        return None  # no organisation uses single sign-on: no such section on the log-in page
    g.form_action_origins = origins  # the SSO form's redirect goes there
    return SsoStartForm(formdata=None, prefix="sso")


@bp.route("/inloggen/code", methods=["GET", "POST"])
def second_factor():
    user = _pending_user()
    if user is None:
        flash(_("Uw inlogpoging is verlopen. Log opnieuw in."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            users.verify_second_factor(user, form.code.data, client_ip())
        except (InvalidInput, Throttled) as exc:
            form.code.errors = list(form.code.errors) + [message_text(exc)]
            return render_template("auth/code.html", form=form, user=user), 429 if isinstance(exc, Throttled) else 200
        db.session.commit()
        return finish_login(user)
    return render_template("auth/code.html", form=form, user=user)


@bp.route("/inloggen/code/opnieuw", methods=["POST"])
def resend_code():
    user = _pending_user()
    form = ActionForm()
    if user is not None and form.validate_on_submit() and user.mfa_method == "email":
        if users.send_email_code(user):
            flash(_("Er is een nieuwe code naar uw e-mailadres gestuurd."), "success")
        else:
            flash(_("De code kon niet per e-mail worden verstuurd. Probeer het over een paar minuten opnieuw."), "error")
    return redirect(url_for("auth.second_factor"))


@bp.route("/inloggen/2fa-instellen", methods=["GET", "POST"])
def setup_2fa():
    """Staff created with a password but without a second factor set it up before the first log-in."""
    user = _pending_user()
    if user is None or user.mfa_configured:
        return redirect(url_for("auth.login"))
    secret = session.get("pending_totp") or security.new_totp_secret()
    session["pending_totp"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        user.totp_secret = secret
        user.mfa_method = "totp"
        db.session.flush()
        if security.consume_totp(user, form.code.data, secret=secret):
            codes = security.new_recovery_codes(user)
            audit.record("2fa.ingesteld", actor=user, ip=client_ip(), methode="totp")
            db.session.commit()
            session.pop("pending_totp", None)
            response = finish_login(user)
            session["recovery_codes"] = codes
            session["after_codes"] = response.location
            return redirect(url_for("auth.recovery_codes"))
        db.session.rollback()
        form.code.errors = list(form.code.errors) + [_("De code klopt niet. Controleer de tijd op uw telefoon en "
                                                       "probeer de volgende code.")]
    uri = security.totp_uri(secret, user.email)
    return render_template("auth/setup_2fa.html", form=form, secret=secret, qr=qr_svg(uri), user=user)


@bp.route("/account/herstelcodes")
@login_required
def recovery_codes():
    codes = session.pop("recovery_codes", None)
    target = session.pop("after_codes", None) or start_page_for(current_user)
    if not codes:
        return redirect(target)
    return render_template("auth/recovery_codes.html", codes=codes, target=safe_next(target) or "/")


@bp.route("/uitloggen", methods=["POST"])
def logout():
    from .sso import logout_url

    form = ActionForm()
    provider_logout = None
    if form.validate_on_submit() and current_user.is_authenticated:
        # After single sign-on the organisation's provider ends its session too (RP-initiated log-out).
        provider_logout = logout_url(session.get("sid"))
        users.end_session(session.get("sid"), current_user, client_ip())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("U bent uitgelogd."), "success")
    return redirect(provider_logout or url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            users.change_password(current_user, form.current.data, form.new.data, session.get("sid"), client_ip())
        except InvalidInput as exc:
            form.new.errors = list(form.new.errors) + [message_text(exc)]
        else:
            flash(_("Uw wachtwoord is gewijzigd. Alle andere sessies zijn beëindigd."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form,
                           privacy_version=current_app.config["PRIVACY_VERSION"])
