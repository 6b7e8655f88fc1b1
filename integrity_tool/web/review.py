"""The reviewer (burgemeester, commissaris van de Koning, dijkgraaf, formateur): dashboard, dossier,
clarification, gesprek, measures, conclusion and sign-off, reports, follow-up and timeline."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..questionnaire import display_value
from ..models import (FOLLOW_UP_LABELS, MEASURE_STATUS_LABELS, STATUS_LABELS, Dossier, DossierStatus, Role, db,
                      owner_label_for)
from ..questionnaire import LEVEL_LABELS, OUTCOME_LABELS, Level, MeasureOwner, Outcome
from ..services import (guards, herbevestiging, measures, reports, review, scoping, signoff, snapshot, terms,
                        timeline)
from ..services.errors import InvalidInput
from ..textcheck import MAX_DB_INT
from .forms import ActionForm
from .hooks import client_ip, role_required
from .i18n import message_text

bp = Blueprint("review", __name__, url_prefix="/beoordeling")


# --- forms ---------------------------------------------------------------------------------------

class DecisionForm(FlaskForm):
    finding_key = HiddenField(validators=[DataRequired(), Length(max=200)])
    new_level = SelectField(_l("Nieuw niveau"), choices=[SelectChoice(lv, _l(lv.label)) for lv in Level]
                            + [SelectChoice("vervallen", _l("Vervallen (bevinding weerlegd)"))])
    justification = TextAreaField(_l("Onderbouwing (verplicht)"), validators=[DataRequired(_l("Schrijf een onderbouwing.")),
                                                                              Length(max=10000)])
    submit = SubmitField(_l("Niveau vastleggen"))


class CommentForm(FlaskForm):
    target = HiddenField(validators=[DataRequired(), Length(max=220)])
    body = TextAreaField(_l("Opmerking"), validators=[DataRequired(_l("Schrijf een opmerking.")), Length(max=10000)])
    submit = SubmitField(_l("Opmerking plaatsen"))


class ClarificationForm(FlaskForm):
    question_1 = TextAreaField(_l("Vraag 1"), validators=[Length(max=4000)])
    question_2 = TextAreaField(_l("Vraag 2 (optioneel)"), validators=[Length(max=4000)])
    question_3 = TextAreaField(_l("Vraag 3 (optioneel)"), validators=[Length(max=4000)])
    question_4 = TextAreaField(_l("Vraag 4 (optioneel)"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Vragen versturen en dossier teruggeven aan de kandidaat"))


class GesprekForm(FlaskForm):
    held_on = DateField(_l("Datum van het gesprek"), validators=[DataRequired(_l("Vul de datum in."))])
    participants = StringField(_l("Deelnemers"), validators=[DataRequired(_l("Vul de deelnemers in.")), Length(max=1000)])
    notes = TextAreaField(_l("Aantekeningen"), validators=[DataRequired(_l("Vul de aantekeningen in.")), Length(max=10000)])
    submit = SubmitField(_l("Gesprek vastleggen"))


class MeasureForm(FlaskForm):
    catalogue_id = HiddenField(validators=[Length(max=100)])
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=300)])
    subject = StringField(_l("Betreft"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Omschrijving"), validators=[DataRequired(_l("Vul een omschrijving in.")),
                                                                Length(max=10000)])
    finding_keys = SelectMultipleField(_l("Gekoppelde bevinding(en)"), choices=[], validate_choice=False)
    owner = RadioField(_l("Uitvoerder"), choices=[SelectChoice(k, _l(k.label)) for k in MeasureOwner],
                       default=MeasureOwner.candidate,
                       validators=[DataRequired()])
    due_date = DateField(_l("Uiterlijk op"), validators=[Optional()])
    ongoing = BooleanField(_l("Doorlopend: geldt de hele ambtsperiode, zonder uiterste datum"))
    mentionable = BooleanField(_l("Mag worden vermeld in de samenvatting voor de volksvertegenwoordiging"))
    submit = SubmitField(_l("Maatregel toevoegen"))


class ConclusionForm(FlaskForm):
    outcome = RadioField(_l("Uitkomst"), choices=[SelectChoice(o, _l(o.label)) for o in Outcome],
                         validators=[DataRequired(_l("Kies een uitkomst."))])
    conclusion = TextAreaField(_l("Conclusie"), validators=[DataRequired(_l("Schrijf de conclusie.")), Length(max=10000)])
    submit = SubmitField(_l("Conclusie opslaan"))


class SignOffForm(FlaskForm):
    version = IntegerField(validators=[Optional(), NumberRange(0, MAX_DB_INT)])
    code = StringField(_l("Code uit uw authenticator-app"), validators=[DataRequired(_l("Vul de code in.")), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Ondertekenen en afronden"))


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Toelichting bij de uitvoering"), validators=[DataRequired(_l("Vul een toelichting in.")),
                                                                          Length(max=4000)])
    submit = SubmitField(_l("Als uitgevoerd melden"))


class EndTermForm(FlaskForm):
    ended_on = DateField(_l("Datum waarop de termijn eindigde"),
                         validators=[DataRequired(_l("Vul de datum in waarop de termijn is geëindigd."))])
    submit = SubmitField(_l("Termijn beëindigen"))


class AddendumForm(FlaskForm):
    body = TextAreaField(_l("Aanvulling"), validators=[DataRequired(_l("Schrijf de aanvulling.")), Length(max=10000)])
    mentionable = BooleanField(_l("Mag worden vermeld richting de volksvertegenwoordiging"))
    submit = SubmitField(_l("Aanvulling toevoegen"))



def _first_error(form) -> str:
    for field in form:
        if field.errors:
            return f"{field.label.text}: {field.errors[0]}"
    return _("Het formulier is niet volledig ingevuld.")


def _lang() -> str:
    return str(get_locale() or "nl")


def _qlang(questionnaire) -> str:
    """The language of the questionnaire texts on the page (Dutch for a Dutch-only questionnaire)."""
    return questionnaire.content_language(_lang()) if questionnaire is not None else _lang()


def _back(dossier: Dossier, anchor: str = ""):
    return redirect(url_for("review.dossier", public_id=dossier.public_id) + (f"#{anchor}" if anchor else ""))


# --- dashboard and dossier ----------------------------------------------------------------------

@bp.route("/")
@role_required(Role.reviewer)
def dashboard():
    status = request.args.get("status") or ""
    if status not in DossierStatus.__members__:
        status = ""
    dossiers = review.dashboard_dossiers(current_user, DossierStatus(status) if status else None)
    return render_template("review/dashboard.html", dossiers=dossiers, status=status, statuses=STATUS_LABELS)


@bp.route("/dossier/<public_id>")
@role_required(Role.reviewer)
def dossier(public_id: str):
    d = review.open_dossier(current_user, public_id, ip=client_ip())
    snap = snapshot.latest(d, lang=_lang())
    questionnaire = snap.questionnaire
    subs = snapshot.submissions(d)
    changes = None
    if len(subs) >= 2:
        changes = timeline.diff_answers(questionnaire, snapshot.submission_answers(subs[-2]),
                                        snapshot.submission_answers(subs[-1]), lang=_qlang(questionnaire))
    return render_template(
        "review/dossier.html", d=d, sub=snap.submission, subs=subs, questionnaire=questionnaire,
        groups=snapshot.grouped_by_theme(snap.findings, questionnaire), counts=snapshot.effective_counts(snap.findings),
        answers=snap.answers, comments=snap.comments,
        clarifications=snapshot.clarifications(d), changes=changes,
        herbevestiging_changes=herbevestiging.changes_since_previous(d, _lang()),
        herbevestiging_term=d.term if d.term is not None and not terms.herbevestiging_blocker(d.term) else None,
        decision_form=DecisionForm(), comment_form=CommentForm(), level_labels=LEVEL_LABELS,
        editable=d.status in guards.REVIEWABLE, reports=reports.reports_of(d), addenda=signoff.addenda(d),
        addendum_form=AddendumForm(), action_form=ActionForm(), measures=measures.measures_of(d),
        display_value=display_value, qlang=_qlang(questionnaire),
    )


@bp.route("/dossier/<public_id>/bevinding", methods=["POST"])
@role_required(Role.reviewer)
def decide(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        raise InvalidInput(_first_error(form))
    level = None if form.new_level.data == "vervallen" else form.new_level.data
    review.decide_finding(current_user, d, form.finding_key.data, level, form.justification.data, ip=client_ip())
    flash(_("Het niveau van de bevinding is vastgelegd, met uw onderbouwing."), "success")
    return _back(d, "bevindingen")


@bp.route("/dossier/<public_id>/opmerking", methods=["POST"])
@role_required(Role.reviewer)
def comment(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = CommentForm()
    if not form.validate_on_submit():
        raise InvalidInput(_first_error(form))
    review.add_comment(current_user, d, form.target.data, form.body.data, ip=client_ip())
    flash(_("De opmerking is geplaatst."), "success")
    return _back(d)


@bp.route("/dossier/<public_id>/toelichting", methods=["GET", "POST"])
@role_required(Role.reviewer)
def clarification(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = ClarificationForm()
    if form.validate_on_submit():
        questions = [form.question_1.data, form.question_2.data, form.question_3.data, form.question_4.data]
        try:
            count = review.request_clarification(current_user, d, questions, ip=client_ip())
        except InvalidInput as exc:
            form.question_1.errors = list(form.question_1.errors) + [message_text(exc)]
        else:
            flash(_("%(n)s vraag/vragen verstuurd. Het dossier staat weer bij de kandidaat.", n=count), "success")
            return _back(d)
    asks = [i for _t, group in review.interview_guide(d, lang=_lang()) for i in group if i.finding.ask]
    return render_template("review/clarification.html", d=d, form=form, asks=asks,
                           history=snapshot.clarifications(d))


@bp.route("/dossier/<public_id>/wijzigingen")
@role_required(Role.reviewer)
def changes(public_id: str):
    d = review.open_dossier(current_user, public_id, ip=client_ip(), page="wijzigingen")
    subs = snapshot.submissions(d)
    try:
        number = int(request.args.get("versie") or (subs[-1].number if subs else 0))
    except ValueError:
        abort(404)
    by_number = {s.number: s for s in subs}
    current = by_number.get(number)
    previous = max((s for s in subs if s.number < number), key=lambda s: s.number, default=None)
    diff = None
    if current is not None and previous is not None:
        questionnaire = snapshot.questionnaire_for(current)
        diff = timeline.diff_answers(questionnaire, snapshot.submission_answers(previous),
                                     snapshot.submission_answers(current), lang=_qlang(questionnaire))
    return render_template("review/changes.html", d=d, subs=subs, current=current, previous=previous, diff=diff,
                           herbevestiging_changes=herbevestiging.changes_since_previous(d, _lang()))


@bp.route("/dossier/<public_id>/gespreksleidraad")
@role_required(Role.reviewer)
def guide(public_id: str):
    d = review.open_dossier(current_user, public_id, ip=client_ip(), page="gespreksleidraad")
    form = GesprekForm(held_on=date.today()) if request.method == "GET" else GesprekForm()
    return render_template("review/guide.html", d=d, groups=review.interview_guide(d, lang=_lang()), form=form,
                           gesprekken=snapshot.gesprekken(d), clarifications=snapshot.clarifications(d),
                           level_labels=LEVEL_LABELS, editable=d.status in guards.REVIEWABLE)


@bp.route("/dossier/<public_id>/gesprek", methods=["POST"])
@role_required(Role.reviewer)
def gesprek(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = GesprekForm()
    if not form.validate_on_submit():
        raise InvalidInput(_first_error(form))
    review.record_gesprek(current_user, d, form.held_on.data, form.participants.data, form.notes.data, ip=client_ip())
    flash(_("Het gesprek is vastgelegd."), "success")
    return redirect(url_for("review.guide", public_id=d.public_id))


# --- measures ---------------------------------------------------------------------------------------

def _measure_form(d: Dossier, data=None) -> MeasureForm:
    form = MeasureForm(data=data) if data else MeasureForm()
    form.finding_keys.choices = [SelectChoice(i.key, f"{i.finding.theme_title}: {i.finding.explanation[:90]}")
                                 for i in snapshot.reviewed_findings(d, lang=_lang()) if not i.dismissed]
    form.owner.choices = [SelectChoice(k, _(owner_label_for(k, d.organisation))) for k in MeasureOwner]
    return form


@bp.route("/dossier/<public_id>/maatregelen", methods=["GET", "POST"])
@role_required(Role.reviewer)
def dossier_measures(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = _measure_form(d)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                measures.propose_measure(
                    current_user, d, title=form.title.data, description=form.description.data,
                    owner=form.owner.data, due_date=form.due_date.data, finding_keys=form.finding_keys.data,
                    mentionable=form.mentionable.data, catalogue_id=form.catalogue_id.data or None,
                    subject=form.subject.data, ongoing=form.ongoing.data, ip=client_ip())
            except InvalidInput as exc:
                target = form.description if measures.unfilled(form.title.data, form.subject.data,
                                                               form.description.data) else form.title
                target.errors = list(target.errors) + [message_text(exc)]
            else:
                flash(_("De maatregel is toegevoegd."), "success")
                return redirect(url_for("review.dossier_measures", public_id=d.public_id))
    else:
        review.open_dossier(current_user, public_id, ip=client_ip(), page="maatregelen")
        pick = request.args.get("voorstel")
        suggestion = next((s for s in measures.suggestions(d, lang=_lang())
                           if f"{s.catalogue_id}|{s.finding_key}" == pick), None)
        if suggestion is not None:
            form = _measure_form(d, {
                "catalogue_id": suggestion.catalogue_id, "title": suggestion.title,
                "description": suggestion.description, "owner": suggestion.owner, "due_date": suggestion.due_date,
                "ongoing": suggestion.due_date is None, "subject": suggestion.subject,
                "finding_keys": [suggestion.finding_key]})
    if form.title.data or form.description.data:
        left = measures.unfilled(form.title.data, form.subject.data, form.description.data)
        if left and not form.description.errors:
            form.description.errors = list(form.description.errors) + [
                _("Deze tekst bevat nog een open plek (%(left)s). Vul die in; zo'n plek mag niet in het "
                  "ondertekende rapport komen.", left=", ".join(left))]
    return render_template("review/measures_dossier.html", d=d, form=form, measures=measures.measures_of(d),
                           suggestions=measures.suggestions(d, lang=_lang()), action_form=ActionForm(),
                           status_labels=MEASURE_STATUS_LABELS, editable=d.status in guards.REVIEWABLE,
                           unfilled=measures.unfilled)


@bp.route("/dossier/<public_id>/maatregelen/<measure_id>/verwijderen", methods=["POST"])
@role_required(Role.reviewer)
def remove_measure(public_id: str, measure_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    measures.remove_measure(current_user, d, measure_id, ip=client_ip())
    flash(_("De maatregel is verwijderd."), "success")
    return redirect(url_for("review.dossier_measures", public_id=d.public_id))


@bp.route("/dossier/<public_id>/maatregelen/voorleggen", methods=["POST"])
@role_required(Role.reviewer)
def send_measures(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = measures.send_to_candidate(current_user, d, ip=client_ip())
    flash(_("%(n)s maatregel(en) voorgelegd aan de kandidaat; de kandidaat heeft een e-mail gekregen.", n=count),
          "success")
    return redirect(url_for("review.dossier_measures", public_id=d.public_id))


# --- conclusion, sign-off, addendum ----------------------------------------------------------------

@bp.route("/dossier/<public_id>/afronden", methods=["GET", "POST"])
@role_required(Role.reviewer)
def conclude(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = ConclusionForm(outcome=d.outcome, conclusion=d.conclusion) if request.method == "GET" else ConclusionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            signoff.save_conclusion(current_user, d, form.outcome.data, form.conclusion.data, ip=client_ip())
        except InvalidInput as exc:
            form.outcome.errors = list(form.outcome.errors) + [message_text(exc)]
        else:
            flash(_("De conclusie is opgeslagen. Controleer alles en onderteken daarna."), "success")
            return redirect(url_for("review.conclude", public_id=d.public_id))
    items = snapshot.reviewed_findings(d)
    return render_template("review/conclude.html", d=d, form=form, sign_form=SignOffForm(version=d.version),
                           problems=signoff.sign_off_problems(d), blocking=signoff.unresolved_blocking(d),
                           counts=snapshot.effective_counts(items), measures=measures.measures_of(d),
                           outcome_labels=OUTCOME_LABELS)


@bp.route("/dossier/<public_id>/ondertekenen", methods=["POST"])
@role_required(Role.reviewer)
def sign(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = SignOffForm()
    if not form.validate_on_submit():
        raise InvalidInput(_first_error(form))
    signoff.sign_off(current_user, d, form.code.data, expected_version=form.version.data, ip=client_ip())
    flash(_("Het dossier is afgerond en ondertekend. De rapporten staan klaar."), "success")
    return _back(d)


@bp.route("/dossier/<public_id>/aanvulling", methods=["POST"])
@role_required(Role.reviewer)
def addendum(public_id: str):
    d = review.reviewer_dossier(current_user, public_id)
    form = AddendumForm()
    if not form.validate_on_submit():
        raise InvalidInput(_first_error(form))
    signoff.add_addendum(current_user, d, form.body.data, form.mentionable.data, ip=client_ip())
    flash(_("De aanvulling is toegevoegd. Het ondertekende dossier zelf is ongewijzigd."), "success")
    return _back(d, "aanvullingen")


@bp.route("/dossier/<public_id>/rapport/<kind>")
@role_required(Role.reviewer, Role.griffier)
def download(public_id: str, kind: str):
    filename, content = reports.download(current_user, public_id, kind, ip=client_ip(), lang=_lang())
    return pdf_response(filename, content)


@bp.route("/dossier/<public_id>/samenvatting-engels", methods=["POST"])
@role_required(Role.reviewer, Role.griffier)
def english_summary(public_id: str):
    """Make (once) and sign the raad summary in English as well; then back to the dossier page."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("review.dossier", public_id=public_id))
    report = reports.make_english_summary(current_user, public_id, ip=client_ip())
    flash(_("De samenvatting is ook in het Engels gemaakt en ondertekend (documentnummer %(number)s).",
            number=report.document_number), "success")
    target = "griffie.dossier" if current_user.role == Role.griffier else "review.dossier"
    return redirect(url_for(target, public_id=public_id))


def pdf_response(filename: str, content: bytes):
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/dossier/<public_id>/tijdlijn")
@role_required(Role.reviewer)
def history(public_id: str):
    d = review.open_dossier(current_user, public_id, ip=client_ip(), page="tijdlijn")
    return render_template("review/timeline.html", d=d, entries=timeline.dossier_timeline(d),
                           detail_labels=timeline.DETAIL_LABELS)


@bp.route("/dossier/<public_id>/herbevestiging", methods=["POST"])  # old links: the dossier's term
@bp.route("/termijn/<public_id>/herbevestiging", methods=["POST"])  # registered first: url_for builds this
@role_required(Role.reviewer, Role.griffier)
def start_herbevestiging(public_id: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    new = herbevestiging.start_for(current_user, public_id, ip=client_ip())
    flash(_("De herbevestiging is gestart; de bestuurder heeft een e-mail gekregen."), "success")
    if current_user.role == Role.reviewer:
        return redirect(url_for("review.dossier", public_id=new.public_id))
    return redirect(request.referrer or url_for("review.measures"))


# --- follow-up ----------------------------------------------------------------------------------------

@bp.route("/maatregelen", endpoint="measures")
@role_required(Role.reviewer, Role.griffier)
def measures_overview():
    state = request.args.get("status") or ""
    if state not in FOLLOW_UP_LABELS:
        state = ""
    rows = measures.overview(current_user, state or None)
    today = date.today()
    sitting = [(t, terms.measure_counts(t, today), terms.herbevestiging_blocker(t, today),
                reports.reports_of(t.signed_dossier) if t.signed_dossier else {})
               for t in terms.sitting_terms(current_user, today)]
    return render_template("review/measures.html", rows=rows, state=state, labels=FOLLOW_UP_LABELS,
                           note_form=NoteForm(), action_form=ActionForm(), sitting=sitting,
                           end_form=EndTermForm())


@bp.route("/termijn/<public_id>/beeindigen", methods=["POST"])
@role_required(Role.griffier)
def end_term(public_id: str):
    """The bestuurder left office before the planned end: follow-up stops, the retention clock starts."""
    form = EndTermForm()
    if not form.validate_on_submit():
        raise InvalidInput(_first_error(form))
    term = terms.term_for(current_user, public_id)
    terms.end_term(current_user, term, form.ended_on.data, ip=client_ip())
    flash(_("De termijn is beëindigd. De maatregelen worden niet meer opgevolgd; het termijndossier wordt na de "
            "bewaartermijn verwijderd."), "success")
    return redirect(url_for("review.measures"))


@bp.route("/maatregelen/<measure_id>/uitgevoerd", methods=["POST"])
@role_required(Role.reviewer, Role.griffier)
def complete_measure(measure_id: str):
    form = NoteForm()
    if not form.validate_on_submit():
        raise InvalidInput(_first_error(form))
    measures.complete(current_user, measure_id, form.note.data, ip=client_ip())
    flash(_("De maatregel is als uitgevoerd gemeld."), "success")
    return redirect(url_for("review.measures"))
