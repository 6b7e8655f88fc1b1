"""The candidate's side of the review: answering clarification questions, accepting or responding to
proposed measures, reporting completion during the term, and downloading the confidential report."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models import Dossier, DossierStatus, Role, db
from ..services import measures, reports, review, scoping, snapshot
from ..services.errors import InvalidInput
from .hooks import client_ip, role_required
from .review import pdf_response

bp = Blueprint("candidate_measures", __name__, url_prefix="/kandidaat/maatregelen")


class ResponseForm(FlaskForm):
    response = TextAreaField(_l("Uw reactie"), validators=[Optional(), Length(max=10000)])
    accept = SubmitField(_l("Accepteren"))
    reply = SubmitField(_l("Reageren zonder te accepteren"))


class ClarificationAnswerForm(FlaskForm):
    request_id = HiddenField(validators=[DataRequired()])
    response = TextAreaField(_l("Uw toelichting"), validators=[DataRequired(_l("Vul uw toelichting in.")),
                                                               Length(max=10000)])
    submit = SubmitField(_l("Toelichting opslaan"))


class CompletionForm(FlaskForm):
    note = TextAreaField(_l("Wat heeft u gedaan?"), validators=[DataRequired(_l("Vul een toelichting in.")),
                                                                Length(max=4000)])
    submit = SubmitField(_l("Als uitgevoerd melden"))


def _own_dossiers() -> list[Dossier]:
    return db.session.scalars(scoping.dossiers_for(current_user).order_by(Dossier.created_at.desc())).all()


@bp.route("/")
@role_required(Role.candidate)
def home():
    entries = []
    for d in _own_dossiers():
        entries.append({
            "dossier": d, "measures": measures.measures_of(d),
            "questions": snapshot.open_clarifications(d) if d.status == DossierStatus.terug_naar_kandidaat else [],
            "report": reports.reports_of(d).get("vertrouwelijk") if d.status == DossierStatus.afgerond else None,
        })
    return render_template("candidate_measures/home.html", entries=entries, response_form=ResponseForm(),
                           answer_form=ClarificationAnswerForm(), completion_form=CompletionForm(),
                           statuses=DossierStatus)


@bp.route("/<measure_id>/reactie", methods=["POST"])
@role_required(Role.candidate)
def respond(measure_id: str):
    form = ResponseForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Uw reactie is te lang."))
    accept = bool(form.accept.data) and not form.reply.data
    if not accept and not (form.response.data or "").strip():
        raise InvalidInput(_("Schrijf uw reactie als u de maatregel niet accepteert."))
    measures.respond(current_user, measure_id, accept=accept, response=form.response.data or "", ip=client_ip())
    flash(_("De maatregel is geaccepteerd.") if accept else _("Uw reactie is doorgestuurd."), "success")
    return redirect(url_for("candidate_measures.home"))


@bp.route("/<measure_id>/uitgevoerd", methods=["POST"])
@role_required(Role.candidate)
def complete(measure_id: str):
    form = CompletionForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Vul een toelichting in."))
    measures.complete(current_user, measure_id, form.note.data, ip=client_ip())
    flash(_("Dank u. De maatregel is als uitgevoerd gemeld."), "success")
    return redirect(url_for("candidate_measures.home"))


@bp.route("/toelichting/<public_id>", methods=["POST"])
@role_required(Role.candidate)
def answer(public_id: str):
    dossier = scoping.get_dossier(current_user, public_id, roles=(Role.candidate,))
    form = ClarificationAnswerForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Vul uw toelichting in."))
    try:
        request_id = int(form.request_id.data)
    except (TypeError, ValueError):
        abort(404)
    review.answer_clarification(current_user, dossier, request_id, form.response.data, ip=client_ip())
    flash(_("Uw toelichting is opgeslagen. Vergeet niet de vragenlijst opnieuw in te dienen."), "success")
    return redirect(url_for("candidate_measures.home"))


@bp.route("/rapport/<public_id>")
@role_required(Role.candidate)
def download(public_id: str):
    filename, content = reports.download(current_user, public_id, "vertrouwelijk", ip=client_ip(),
                                         lang=str(get_locale() or "nl"))
    return pdf_response(filename, content)
