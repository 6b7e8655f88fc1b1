"""The organisation administrator's settings for single sign-on (OpenID Connect, issue 16)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..models import MFA_FROM_IDP, MFA_TOTP, Role
from ..services import sso
from ..services.errors import InvalidInput
from .forms import NoControlChars
from .hooks import client_ip, role_required
from .i18n import message_text
from .sso import check_discovery

bp = Blueprint("admin_sso", __name__, url_prefix="/beheer/inloggen-via-organisatie")

class SsoForm(FlaskForm):
    enabled = BooleanField(_l("Medewerkers kunnen inloggen via de organisatie"))
    issuer = StringField(_l("Issuer-URL van de identity provider"),
                         validators=[DataRequired(_l("Vul de issuer-URL in.")), Length(max=500), NoControlChars(False)])
    client_id = StringField(_l("Client-id"), validators=[DataRequired(_l("Vul de client-id in.")), Length(max=255),
                                                        NoControlChars(False)])
    client_secret = PasswordField(_l("Client secret"), validators=[Length(max=1000), NoControlChars(False)])
    allowed_domains = TextAreaField(_l("Toegestane e-maildomeinen (één per regel)"),
                                    validators=[Length(max=5000), NoControlChars()])
    mfa_mode = RadioField(_l("Tweede stap"), default=MFA_FROM_IDP, choices=[
        SelectChoice(MFA_FROM_IDP, _l("Van de identity provider: de aanmelding moet een tweede stap laten zien "
                                      "(acr/amr)")),
        SelectChoice(MFA_TOTP, _l("Van deze applicatie: na het inloggen via de organisatie nog een code uit de "
                                  "authenticator-app"))])
    mfa_acr_values = StringField(_l("acr-waarden die als tweede stap tellen (optioneel, gescheiden door spaties)"),
                                 validators=[Length(max=1000), NoControlChars(False)])
    trust_email = BooleanField(_l("Het e-mailadres van de identity provider vertrouwen zonder 'email_verified' "
                                  "(alleen voor de toegestane domeinen; nodig bij Microsoft Entra ID)"))
    password_login_off = BooleanField(_l("Medewerkers kunnen niet meer inloggen met een wachtwoord (behalve de "
                                         "beheerder met noodtoegang)"))
    break_glass_user_id = SelectField(_l("Beheerder met noodtoegang (wachtwoord en authenticator-app)"), coerce=int,
                                      validate_choice=False)


def _form(cfg, org) -> SsoForm:
    form = SsoForm(obj=cfg)
    form.break_glass_user_id.choices = [SelectChoice(0, _("Geen"))] + [
        SelectChoice(u.id, f"{u.name} <{u.email}>") for u in sso.break_glass_candidates(org)]
    if cfg is not None and not form.is_submitted():
        form.allowed_domains.data = "\n".join(cfg.allowed_domains or [])
        form.mfa_acr_values.data = " ".join(cfg.mfa_acr_values or [])
        form.break_glass_user_id.data = cfg.break_glass_user_id or 0
    return form


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.admin)
def settings():
    org = current_user.organisation
    cfg = sso.config_of(org)
    form = _form(cfg, org)
    status = 200
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in (
            "enabled", "issuer", "client_id", "client_secret", "allowed_domains", "mfa_mode", "mfa_acr_values",
            "trust_email", "password_login_off", "break_glass_user_id")}
        values["break_glass_user_id"] = values["break_glass_user_id"] or None
        try:
            issuer = sso.check_issuer(values["issuer"])
            problem = check_discovery(issuer) if values["enabled"] else None
            if problem:
                raise InvalidInput(problem)
            changed = sso.save_config(current_user, org, values, ip=client_ip())
        except InvalidInput as exc:
            target = getattr(exc, "field", "issuer")
            getattr(form, target).errors = list(getattr(form, target).errors) + [message_text(exc)]
            status = 400
        else:
            flash(_("De instellingen voor inloggen via de organisatie zijn opgeslagen.") if changed
                  else _("Er is niets gewijzigd."), "success" if changed else "info")
            return redirect(url_for("admin_sso.settings"))
    elif form.errors:
        status = 400
    base = current_app.config["BASE_URL"].rstrip("/")
    endpoints = {"redirect": base + url_for("sso.callback"), "logout": base + url_for("auth.login"),
                 "backchannel": base + url_for("sso.backchannel_logout", org_slug=org.slug),
                 "start": base + url_for("sso.start", org_slug=org.slug)}
    return render_template("admin/sso.html", form=form, cfg=cfg, org=org, endpoints=endpoints), status
