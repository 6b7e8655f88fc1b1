"""The platform administrator: organisations and their administrators (services/staff.py). No dossier content."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..models import KIND_LABELS, OrgKind, Role  # noqa: F401 (KIND_LABELS for the template)
from ..services import staff
from ..services.errors import InvalidInput
from .forms import NoControlChars
from .hooks import client_ip, role_required
from .i18n import message_text

bp = Blueprint("platform", __name__, url_prefix="/platform")

# The kinds of organisation as shown (extracted for translation by web/i18n_strings.py).
ORG_KIND_LABELS = {"gemeente": "gemeente", "provincie": "provincie", "waterschap": "waterschap",
                   "kabinetsformatie": "kabinetsformatie"}
_NAME = [DataRequired(_l("Vul een naam in.")), Length(max=200, message=_l("Hoogstens 200 tekens.")),
         NoControlChars(multiline=False)]
_EMAIL = [DataRequired(_l("Vul een e-mailadres in.")), Length(max=254, message=_l("Hoogstens 254 tekens.")),
          NoControlChars(multiline=False)]


class AdminForm(FlaskForm):
    admin_name = StringField(_l("Naam van de beheerder"), validators=_NAME)
    admin_email = EmailField(_l("E-mailadres van de beheerder"), validators=_EMAIL)


class OrganisationForm(AdminForm):
    name = StringField(_l("Naam van de organisatie"), validators=_NAME)
    kind = SelectField(_l("Soort organisatie"), choices=[SelectChoice(k.value, _l(ORG_KIND_LABELS[k.value])) for k in OrgKind])


def _field_error(form, field: str, exc: InvalidInput) -> None:
    getattr(form, field).errors = list(getattr(form, field).errors or []) + [message_text(exc)]


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.platform)
def home():
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        try:
            org, _admin = staff.create_organisation(current_user, name=form.name.data, kind=form.kind.data,
                                                   admin_name=form.admin_name.data, admin_email=form.admin_email.data,
                                                   ip=client_ip())
        except InvalidInput as exc:
            _field_error(form, "admin_email" if "e-mail" in exc.message else "name", exc)
            status = 400
        else:
            flash(_("%(org)s is aangemaakt. De beheerder heeft een e-mail met een activeringslink gekregen.",
                    org=org.name), "success")
            return redirect(url_for("platform.organisation", slug=org.slug))
    elif form.errors:
        status = 400
    return render_template("platform/home.html", form=form, summaries=staff.organisations(current_user),
                           kinds=KIND_LABELS), status


@bp.route("/organisatie/<slug>", methods=["GET", "POST"])
@role_required(Role.platform)
def organisation(slug: str):
    org = staff.get_organisation(current_user, slug)
    form = AdminForm()
    status = 200
    if form.validate_on_submit():
        try:
            staff.invite(current_user, org, name=form.admin_name.data, email=form.admin_email.data,
                         role=Role.admin.value, ip=client_ip())
        except InvalidInput as exc:
            _field_error(form, "admin_email", exc)
            status = 400
        else:
            flash(_("De beheerder is uitgenodigd."), "success")
            return redirect(url_for("platform.organisation", slug=org.slug))
    elif form.errors:
        status = 400
    return render_template("platform/organisation.html", org=org, form=form,
                           admins=[u for u in staff.staff_of(current_user, org) if u.role == Role.admin]), status
