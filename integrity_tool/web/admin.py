"""The organisation administrator: users and organisation settings; the audit checkpoints (also for the griffier)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from flask_babel import get_locale
from flask_wtf.file import FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, StopValidation

from .. import audit
from ..models import ROLE_LABELS, Organisation, Role, User, db
from ..questionnaire.facts import DOMAINS
from ..services import checkpoints, notify
from ..services import org_questionnaires as oq
from ..services import staff
from ..services.errors import InvalidInput, StateError
from ..services import profile as profile_service
from .forms import BoundedIntegerHiddenField, NoControlChars
from .hooks import client_ip, role_required
from .i18n import message_text

bp = Blueprint("admin", __name__, url_prefix="/beheer")

# (attribute, audit name): every change is audited with the old and the new value.
SETTINGS = (("griffier_sees_confidential", "griffier_ziet_vertrouwelijk"),
            ("allow_email_otp", "inlogcode_per_email"),
            ("retention_not_appointed_weeks", "bewaartermijn_niet_benoemd_weken"),
            ("retention_appointed_months", "bewaartermijn_benoemd_maanden"),
            ("term_months", "termijn_maanden"),
            ("retention_term_months", "bewaartermijn_na_termijn_maanden"))


def _required_if_posted(message):
    def check(form, field):
        if field.raw_data and not str(field.raw_data[0]).strip():
            raise StopValidation(str(message))
        if field.data is None:
            raise StopValidation(str(message))
    return check


class SettingsForm(FlaskForm):
    griffier_sees_confidential = BooleanField(_l("De griffier mag vertrouwelijke inhoud zien (antwoorden, "
                                                 "bevindingen en aantallen bevindingen)"))
    allow_email_otp = BooleanField(_l("Inlogcode per e-mail toestaan als tweede stap (minder veilig dan een "
                                      "authenticator-app)"))
    retention_not_appointed_weeks = IntegerField(
        _l("Bewaartermijn bij niet benoemd (weken na het besluit)"),
        validators=[InputRequired(_l("Vul een aantal weken in.")),
                    NumberRange(1, 52, _l("Kies een termijn van 1 tot en met 52 weken."))])
    retention_appointed_months = IntegerField(
        _l("Bewaartermijn van de vertrouwelijke gegevens bij benoemd (maanden na het besluit)"),
        validators=[InputRequired(_l("Vul een aantal maanden in.")),
                    NumberRange(1, 60, _l("Kies een termijn van 1 tot en met 60 maanden."))])
    # Issue 19. A post without these fields (an older form) keeps the stored value; an empty one is an error.
    term_months = IntegerField(
        _l("Duur van een ambtstermijn (maanden na de benoeming)"),
        validators=[_required_if_posted(_l("Vul een aantal maanden in.")),
                    NumberRange(1, 120, _l("Kies een termijn van 1 tot en met 120 maanden."))])
    retention_term_months = IntegerField(
        _l("Bewaartermijn van het termijndossier (maanden na het einde van de termijn)"),
        validators=[_required_if_posted(_l("Vul een aantal maanden in.")),
                    NumberRange(0, 60, _l("Kies een termijn van 0 tot en met 60 maanden."))])
    submit = SubmitField(_l("Instellingen opslaan"))


# One checkbox per kind of "it is your turn" mail (checked = sent); stored as the kinds switched off.
for _kind in notify.TURN_KINDS:
    setattr(SettingsForm, f"mail_{_kind}", BooleanField(_l(notify.TURN_LABELS[_kind]), default=True))


def settings_form(org: Organisation) -> SettingsForm:
    form = SettingsForm(obj=org)
    if not form.is_submitted():
        for kind in notify.TURN_KINDS:
            getattr(form, f"mail_{kind}").data = notify.enabled(org, kind)
    return form


def apply_settings(org: Organisation, actor: User, values: dict, ip: str | None = None) -> list[str]:
    """Write the changed settings, one audit event per change; returns the changed attributes."""
    changed = []
    for attr, audit_name in SETTINGS:
        new = values[attr]
        old = getattr(org, attr)
        if new != old:
            setattr(org, attr, new)
            audit.record("organisatie.instelling_gewijzigd", actor=actor, organisation_id=org.id, ip=ip,
                         instelling=audit_name, oud=old, nieuw=new)
            changed.append(attr)
    if "notifications_off" in values:
        new_off = sorted(k for k in values["notifications_off"] if k in notify.TURN_KINDS)
        old_off = sorted(org.notifications_off or [])
        if new_off != old_off:
            org.notifications_off = new_off
            audit.record("organisatie.instelling_gewijzigd", actor=actor, organisation_id=org.id, ip=ip,
                         instelling="meldingen_uit", oud=old_off, nieuw=new_off)
            changed.append("notifications_off")
    db.session.commit()
    return changed


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.admin)
def home():
    org = current_user.organisation
    form = settings_form(org)
    if form.validate_on_submit():
        values = {attr: getattr(form, attr).data for attr, _n in SETTINGS}
        values["notifications_off"] = [k for k in notify.TURN_KINDS if not getattr(form, f"mail_{k}").data]
        changed = apply_settings(org, current_user, values, ip=client_ip())
        if changed:
            flash(_("De instellingen zijn opgeslagen."), "success")
        else:
            flash(_("Er is niets gewijzigd."), "info")
        return redirect(url_for("admin.home"))
    return _home_page(form, InviteForm(), 400 if form.errors else 200)


def _home_page(form, invite_form, status=200):
    org = current_user.organisation
    people = db.session.scalars(
        select(User).where(User.organisation_id == current_user.organisation_id).order_by(User.role, User.name)
    ).all()
    return render_template("admin/home.html", people=people, org=org, form=form, invite_form=invite_form,
                           turn_kinds=notify.TURN_KINDS), status


# --- users of the organisation (services/staff.py) ------------------------------------------------------

class InviteForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")),
                                               Length(max=200, message=_l("Hoogstens 200 tekens.")),
                                               NoControlChars(multiline=False)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul een e-mailadres in.")),
                                                      Length(max=254, message=_l("Hoogstens 254 tekens.")),
                                                      NoControlChars(multiline=False)])
    role = SelectField(_l("Rol"), choices=[SelectChoice(r.value, _l(ROLE_LABELS[r])) for r in staff.INVITABLE])


class UserActionForm(FlaskForm):
    user_id = BoundedIntegerHiddenField()


@bp.route("/gebruikers", methods=["POST"])
@role_required(Role.admin)
def invite_user():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = staff.invite(current_user, current_user.organisation, name=form.name.data, email=form.email.data,
                                role=form.role.data, ip=client_ip())
        except InvalidInput as exc:
            form.email.errors = [message_text(exc)]
        else:
            flash(_("%(name)s is uitgenodigd als %(role)s.", name=user.name, role=_(user.role_label)), "success")
            return redirect(url_for("admin.home"))
    return _home_page(settings_form(current_user.organisation), form, 400)


def _posted_user_id() -> int | None:
    """The account named by a user action form, or None (with a message) for an expired or stale form."""
    form = UserActionForm()
    if not form.validate_on_submit() or form.user_id.data is None:
        flash(_("Het formulier is verlopen. Probeer het opnieuw."), "error")
        return None
    return form.user_id.data


def _set_active(active: bool) -> Response:
    user_id = _posted_user_id()
    if user_id is not None and staff.set_active(current_user, current_user.organisation, user_id, active,
                                                ip=client_ip()):
        flash(_("Het account is weer aangezet.") if active else
              _("Het account is uitgezet; de sessies van deze gebruiker zijn beëindigd."), "success")
    return redirect(url_for("admin.home"))


@bp.route("/gebruikers/uitzetten", methods=["POST"])
@role_required(Role.admin)
def deactivate_user():
    return _set_active(False)


@bp.route("/gebruikers/aanzetten", methods=["POST"])
@role_required(Role.admin)
def activate_user():
    return _set_active(True)


@bp.route("/gebruikers/opnieuw-uitnodigen", methods=["POST"])
@role_required(Role.admin)
def resend_user():
    user_id = _posted_user_id()
    if user_id is not None:
        staff.resend(current_user, current_user.organisation, user_id, ip=client_ip())
        flash(_("Er is een nieuwe activeringslink verstuurd."), "success")
    return redirect(url_for("admin.home"))


@bp.route("/logboek-checkpoints")
@role_required(*checkpoints.VIEWERS)
def audit_checkpoints():
    """The signed checkpoints of the audit chain, for a reviewer or auditor (viewing is audited)."""
    history = checkpoints.history_for(current_user, ip=client_ip())
    return render_template("admin/checkpoints.html", history=list(reversed(history)))


@bp.route("/logboek-checkpoints/download")
@role_required(*checkpoints.VIEWERS)
def audit_checkpoints_download():
    history = checkpoints.history_for(current_user, download=True, ip=client_ip())
    return Response(checkpoints.download_bundle(history), mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=logboek-checkpoints.json",
                             "Cache-Control": "no-store"})
# --- organisation profile (the fact rules compare a candidate's facts with it) ---------------------

_TEXT = [Length(max=20_000, message=_l("Deze lijst is te lang (maximaal 20.000 tekens)."))]


class ProfileForm(FlaskForm):
    aliassen = TextAreaField(_l("Andere namen van de organisatie (één per regel)"), validators=_TEXT)
    kvk = TextAreaField(_l("KvK-nummers van de organisatie (één per regel)"), validators=_TEXT)
    verbonden_partijen = TextAreaField(_l("Verbonden partijen: naam; KvK-nummer; soort (één per regel)"),
                                       validators=_TEXT)
    gebied = TextAreaField(_l("Gebied: plaatsen of kernen (waterschap: de gemeenten in het beheergebied), één per regel"),
                           validators=_TEXT)
    portefeuilles = TextAreaField(_l("Portefeuilles: naam: domein, domein (één per regel)"), validators=_TEXT)
    submit = SubmitField(_l("Profiel opslaan"))


@bp.route("/profiel", methods=["GET", "POST"])
@role_required(Role.admin)
def profile():
    org = current_user.organisation
    form = ProfileForm(data=profile_service.form_text(profile_service.stored(org)) if not _posted() else None)
    status = 200
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in profile_service.FIELDS}
        try:
            changed = profile_service.update_from_form(current_user, org, values, ip=client_ip())
        except profile_service.ProfileInvalid as exc:
            for name, messages in exc.errors.items():
                getattr(form, name).errors = list(messages)
            status = 400
        else:
            flash(_("Het profiel is opgeslagen.") if changed else _("Er is niets gewijzigd."),
                  "success" if changed else "info")
            return redirect(url_for("admin.profile"))
    elif form.errors:
        status = 400
    domains = [nl.lower() for nl, _en in DOMAINS.values()]
    return render_template("admin/profile.html", form=form, org=org, domains=domains), status


def _posted() -> bool:
    from flask import request

    return request.method == "POST"


# --- the organisation's own questionnaires (services/org_questionnaires.py) ---------------------------

class QuestionnaireUploadForm(FlaskForm):
    bestand = FileField(_l("YAML-bestand met de vragenlijst"),
                        validators=[FileRequired(_l("Kies een YAML-bestand om te uploaden."))])
    submit = SubmitField(_l("Uploaden en controleren"))


class QuestionnaireCopyForm(FlaskForm):
    questionnaire_id = SelectField(_l("Meegeleverde vragenlijst"), choices=[],
                                   validate_choice=True)
    submit = SubmitField(_l("Kopiëren als concept"))


class QuestionnaireActionForm(FlaskForm):
    """Activate or retire: ``status`` is the status the page showed, so a stale page is noticed."""
    status = HiddenField()


def _questionnaire_page(upload_form=None, copy_form=None, errors=None, status=200):
    org = current_user.organisation
    copy_form = copy_form or QuestionnaireCopyForm()
    copy_form.questionnaire_id.choices = [SelectChoice(q.id, f"{q.localized_title(str(get_locale() or 'nl'))} "
                                                                   f"({q.version})") for q in oq.shipped_for(org)]
    return render_template("admin/questionnaires.html", org=org, rows=oq.listing(org),
                           offered=oq.applicable(org), upload_form=upload_form or QuestionnaireUploadForm(),
                           copy_form=copy_form, errors=errors or [], max_kb=oq.MAX_UPLOAD_BYTES // 1024), status


@bp.route("/vragenlijsten")
@role_required(Role.admin)
def questionnaires():
    return _questionnaire_page()


@bp.route("/vragenlijsten/upload", methods=["POST"])
@role_required(Role.admin)
def questionnaire_upload():
    form = QuestionnaireUploadForm()
    if not form.validate_on_submit():
        return _questionnaire_page(upload_form=form, status=400)
    upload = form.bestand.data
    data = upload.stream.read(oq.MAX_UPLOAD_BYTES + 1)
    try:
        row, created = oq.upload(current_user, data, upload.filename, ip=client_ip())
    except oq.UploadInvalid as exc:
        return _questionnaire_page(upload_form=form, errors=exc.errors, status=400)
    except (InvalidInput, StateError) as exc:
        form.bestand.errors = [message_text(exc)]
        return _questionnaire_page(upload_form=form, status=400)
    if created:
        flash(_("De vragenlijst %(id)s versie %(version)s is goedgekeurd en als concept opgeslagen.",
                id=row.questionnaire_id, version=row.version), "success")
    else:
        flash(_("Deze versie was al opgeslagen; er is niets gewijzigd."), "info")
    return redirect(url_for("admin.questionnaire_detail", public_id=row.public_id))


@bp.route("/vragenlijsten/kopie", methods=["POST"])
@role_required(Role.admin)
def questionnaire_copy():
    form = QuestionnaireCopyForm()
    form.questionnaire_id.choices = [SelectChoice(q.id, q.title) for q in oq.shipped_for(current_user.organisation)]
    if not form.validate_on_submit():
        return _questionnaire_page(copy_form=form, status=400)
    row = oq.copy_shipped(current_user, form.questionnaire_id.data, ip=client_ip())
    flash(_("Er is een concept gemaakt: %(id)s versie %(version)s. Download het bestand, pas het aan en upload "
            "het opnieuw.", id=row.questionnaire_id, version=row.version), "success")
    return redirect(url_for("admin.questionnaire_detail", public_id=row.public_id))


@bp.route("/vragenlijsten/<public_id>")
@role_required(Role.admin)
def questionnaire_detail(public_id: str):
    row = oq.get(current_user, public_id)
    q = oq.questionnaire_of(row)
    return render_template("admin/questionnaire.html", row=row, q=q,
                           in_use=oq.in_use_for(row), dossiers=oq.dossier_count(row))


@bp.route("/vragenlijsten/<public_id>/voorbeeld")
@role_required(Role.admin)
def questionnaire_preview(public_id: str):
    from . import dynamic_forms as df
    from . import question_views as qv

    row = oq.get(current_user, public_id)
    q = oq.questionnaire_of(row)
    lang = str(get_locale() or "nl")
    sections = []
    for sec in q.sections:
        form = df.build_form(sec.questions, lang, data={})
        views = qv.question_views(sec.questions, {x.id for x in sec.questions}, form, {}, lang)
        sections.append((sec, views))
    return render_template("admin/questionnaire_preview.html", row=row, q=q, sections=sections, lang=lang)


@bp.route("/vragenlijsten/<public_id>/verschil")
@role_required(Role.admin)
def questionnaire_diff(public_id: str):
    row = oq.get(current_user, public_id)
    in_use = oq.in_use_for(row)
    lines = []
    if in_use is not None:
        _kind, version, text = in_use
        lines = oq.diff_lines(text, row.source, f"{row.questionnaire_id} {version}",
                              f"{row.questionnaire_id} {row.version}")
    return render_template("admin/questionnaire_diff.html", row=row, in_use=in_use, lines=lines)


@bp.route("/vragenlijsten/<public_id>/yaml")
@role_required(Role.admin)
def questionnaire_source(public_id: str):
    row = oq.get(current_user, public_id)
    name = f"{row.questionnaire_id}-{row.version}.yaml".replace('"', "")
    return Response(row.source, mimetype="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _questionnaire_action(public_id: str):
    form = QuestionnaireActionForm()
    row = oq.get(current_user, public_id)
    if not form.validate_on_submit():
        flash(_("Het formulier is verlopen. Bekijk de vragenlijst opnieuw en probeer het nog eens."), "error")
    elif form.status.data and form.status.data != row.status:
        flash(_("De status van deze vragenlijst is intussen gewijzigd. Bekijk de situatie hieronder en kies "
                "opnieuw."), "info")
    else:
        return None, row
    return redirect(url_for("admin.questionnaire_detail", public_id=row.public_id)), row


@bp.route("/vragenlijsten/<public_id>/activeren", methods=["POST"])
@role_required(Role.admin)
def questionnaire_activate(public_id: str):
    stop, row = _questionnaire_action(public_id)
    if stop is not None:
        return stop
    if oq.activate(current_user, row.public_id, ip=client_ip()):
        flash(_("Versie %(version)s is in gebruik genomen: nieuwe dossiers krijgen deze vragenlijst.",
                version=row.version), "success")
    else:
        flash(_("Deze versie was al in gebruik."), "info")
    return redirect(url_for("admin.questionnaire_detail", public_id=row.public_id))


@bp.route("/vragenlijsten/<public_id>/intrekken", methods=["POST"])
@role_required(Role.admin)
def questionnaire_retire(public_id: str):
    stop, row = _questionnaire_action(public_id)
    if stop is not None:
        return stop
    if oq.retire(current_user, row.public_id, ip=client_ip()):
        flash(_("Versie %(version)s is ingetrokken: nieuwe dossiers krijgen haar niet meer. Dossiers die haar "
                "gebruiken, houden haar.", version=row.version), "success")
    else:
        flash(_("Deze versie was al ingetrokken."), "info")
    return redirect(url_for("admin.questionnaire_detail", public_id=row.public_id))
