"""The griffier: the overview of all dossiers, rounds, appointment results, exports, relations."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import DateField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models import STATUS_LABELS, AppointmentResult, Dossier, DossierStatus, RelationUpload, Role, User, db
from ..services import exports, matching, reports, rounds, scoping
from ..services import overview as ov
from ..services.errors import InvalidInput
from .hooks import client_ip, role_required
from .i18n import message_text
from .review import pdf_response

bp = Blueprint("griffie", __name__, url_prefix="/griffie")
GRIFFIE = (Role.griffier,)


class RoundForm(FlaskForm):
    name = StringField(_l("Naam van de ronde"), validators=[DataRequired(_l("Geef de ronde een naam.")), Length(max=200)])
    appointment_date = DateField(_l("Datum van de benoemingsvergadering"), validators=[Optional()])
    submit = SubmitField(_l("Opslaan"))


class AppointmentForm(FlaskForm):
    result = RadioField(_l("Uitslag"), choices=[SelectChoice(r.value, _l(label)) for r, label in rounds.RESULT_LABELS.items()],
                        validators=[DataRequired(_l("Kies een uitslag."))])
    decided_on = DateField(_l("Datum van het besluit"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    submit = SubmitField(_l("Uitslag vastleggen"))


class UploadForm(FlaskForm):
    file = FileField(_l("Bestand met relaties (CSV of XLSX)"))
    submit = SubmitField(_l("Lijst uploaden"))


def _send(export: exports.Export) -> Response:
    return Response(export.data, mimetype=export.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{export.filename}"',
    })


def _form_errors(form: FlaskForm) -> None:
    for field in form:
        for error in field.errors:
            flash(_("%(field)s: %(error)s", field=field.label.text, error=error), "error")


# --- overview and its exports ------------------------------------------------------------------

@bp.route("/")
@role_required(*GRIFFIE)
def overview():
    filters = ov.parse_filters(request.args)
    page = ov.overview_page(current_user, filters)
    return render_template(
        "griffie/overview.html", page=page, filters=filters, statuses=STATUS_LABELS,
        reviewers=ov.reviewers_for(current_user), round_choices=ov.round_choices(current_user),
        sort_labels=ov.SORT_LABELS)


@bp.route("/export.xlsx")
@role_required(*GRIFFIE)
def export_xlsx():
    return _send(exports.overview_xlsx(current_user, ov.parse_filters(request.args)))


@bp.route("/export.csv")
@role_required(*GRIFFIE)
def export_csv():
    return _send(exports.overview_csv(current_user, ov.parse_filters(request.args),
                                      sep=request.args.get("sep", ",")))


# --- rounds ----------------------------------------------------------------------------------------

@bp.route("/rondes", methods=["GET", "POST"])
@role_required(*GRIFFIE)
def rounds_list():
    form = RoundForm()
    if form.validate_on_submit():
        created = rounds.create_round(current_user, form.name.data, form.appointment_date.data)
        flash(_("De ronde '%(name)s' is aangemaakt. Voeg nu dossiers toe.", name=created.name), "success")
        return redirect(url_for("griffie.round_detail", public_id=created.public_id))
    return render_template("griffie/rounds.html", form=form, rounds=rounds.rounds_for(current_user))


@bp.route("/rondes/<public_id>", methods=["GET", "POST"])
@role_required(*GRIFFIE)
def round_detail(public_id: str):
    target = rounds.get_round(current_user, public_id)
    form = RoundForm() if request.method == "POST" else \
        RoundForm(data={"name": target.name, "appointment_date": target.appointment_date})
    if form.validate_on_submit():
        rounds.update_round(current_user, target, form.name.data, form.appointment_date.data)
        flash(_("De ronde is opgeslagen."), "success")
        return redirect(url_for("griffie.round_detail", public_id=target.public_id))
    page = ov.overview_page(current_user, ov.Filters(round=target.public_id, sort="kandidaat",
                                                                 direction="asc"), per_page=500)
    unassigned = db.session.execute(
        scoping.dossiers_for(current_user).with_only_columns(Dossier.public_id, User.name, Dossier.function_title,
                                                            Dossier.status)
        .join(User, User.id == Dossier.candidate_id)
        .where(Dossier.round_id.is_(None), Dossier.status != DossierStatus.ingetrokken)
        .order_by(User.name).limit(300)).all()
    return render_template("griffie/round.html", round=target, form=form, page=page, unassigned=unassigned,
                           appointment_form=AppointmentForm(), statuses=STATUS_LABELS,
                           default_deadline=rounds.default_deadline(target))


@bp.route("/rondes/<public_id>/dossiers", methods=["POST"])
@role_required(*GRIFFIE)
def round_assign(public_id: str):
    target = rounds.get_round(current_user, public_id)
    count = rounds.assign_dossiers(current_user, target, request.form.getlist("dossier"))
    flash(_("%(n)d dossier(s) toegevoegd aan de ronde.", n=count), "success")
    return redirect(url_for("griffie.round_detail", public_id=target.public_id))


@bp.route("/rondes/<public_id>/dossiers/<dossier_id>/verwijderen", methods=["POST"])
@role_required(*GRIFFIE)
def round_remove(public_id: str, dossier_id: str):
    target = rounds.get_round(current_user, public_id)
    rounds.remove_dossier(current_user, target, dossier_id)
    flash(_("Het dossier is uit de ronde gehaald."), "success")
    return redirect(url_for("griffie.round_detail", public_id=target.public_id))


@bp.route("/rondes/<public_id>/samenvattingen.zip")
@role_required(*GRIFFIE)
def round_summaries(public_id: str):
    target = rounds.get_round(current_user, public_id)
    try:
        return _send(exports.summaries_zip(current_user, target))
    except InvalidInput as exc:
        flash(message_text(exc), "error")
        return redirect(url_for("griffie.round_detail", public_id=target.public_id))


# --- one dossier -------------------------------------------------------------------------------------

@bp.route("/dossiers/<public_id>")
@role_required(*GRIFFIE)
def dossier(public_id: str):
    target = scoping.get_dossier(current_user, public_id, roles=GRIFFIE)
    form = AppointmentForm(data={"result": target.appointment_result.value if target.appointment_result else None,
                                 "decided_on": target.appointment_decided_at})
    kinds = reports.allowed_kinds(current_user, target) if target.status == DossierStatus.afgerond else ()
    stored = reports.reports_of(target)
    available = [k for k in kinds if k in stored]
    return render_template("griffie/dossier.html", dossier=target, form=form, report_kinds=available,
                           english_summary="samenvatting" in available and "samenvatting-en" in stored,
                           result_labels=rounds.RESULT_DISPLAY, statuses=STATUS_LABELS)


@bp.route("/dossiers/<public_id>/rapport/<kind>.pdf")
@role_required(*GRIFFIE)
def report(public_id: str, kind: str):
    """One signed report of one dossier (the raad summary; the confidential report only where the
    organisation lets the griffier see it), in a round or not; audited like every download."""
    filename, content = reports.download(current_user, public_id, kind, ip=client_ip())
    return pdf_response(filename, content)


@bp.route("/dossiers/<public_id>/benoeming", methods=["POST"])
@role_required(*GRIFFIE)
def record_appointment(public_id: str):
    target = scoping.get_dossier(current_user, public_id, roles=GRIFFIE)
    form = AppointmentForm()
    back = request.form.get("terug") == "ronde" and target.round is not None
    destination = (url_for("griffie.round_detail", public_id=target.round.public_id) if back
                   else url_for("griffie.dossier", public_id=target.public_id))
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(destination)
    rounds.record_appointment(current_user, target, form.result.data, form.decided_on.data)
    flash(_("De uitslag voor %(name)s is vastgelegd: %(result)s.", name=target.candidate.name,
            result=_(rounds.RESULT_LABELS[AppointmentResult(form.result.data)])), "success")
    return redirect(destination)


@bp.route("/dossiers/<public_id>/audittrail.csv")
@role_required(*GRIFFIE)
def audit_trail(public_id: str):
    return _send(exports.audit_csv(current_user, public_id))


# --- relations (belangenkruising) --------------------------------------------------------------------

@bp.route("/relaties", methods=["GET", "POST"])
@role_required(*GRIFFIE)
def relations():
    form = UploadForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            errors = [_("Kies een bestand.")]
        else:
            try:
                saved = matching.replace_relations(current_user, upload.filename, upload.read())
            except matching.UploadRejected as exc:
                db.session.rollback()
                errors = exc.errors
            else:
                flash(_("De lijst is opgeslagen: %(n)d relaties. De vorige lijst is vervangen.", n=saved.row_count),
                      "success")
                return redirect(url_for("griffie.relations"))
    current = db.session.scalar(select(RelationUpload).where(
        RelationUpload.organisation_id == current_user.organisation_id).order_by(RelationUpload.id.desc()).limit(1))
    matches = None
    if current is not None and current_user.organisation.griffier_sees_confidential:
        matches = _organisation_matches()
    return render_template("griffie/relations.html", form=form, errors=errors, current=current,
                           matches=matches, categories=matching.ALLOWED_CATEGORIES), (400 if errors else 200)


def _organisation_matches() -> list[tuple[Dossier, list[dict]]]:
    """Only shown when the organisation lets the griffier see confidential content."""
    index = matching.relations_index(current_user.organisation_id)
    open_dossiers = db.session.scalars(scoping.dossiers_for(current_user).where(
        Dossier.status != DossierStatus.ingetrokken, Dossier.purged_at.is_(None)).limit(500)).all()
    out = []
    for d in open_dossiers:
        found = matching.crosscheck_findings(d, index)
        if found:
            out.append((d, found))
    return out
