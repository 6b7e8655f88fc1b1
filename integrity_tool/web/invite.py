"""The griffier creates a dossier and invites the candidate; resends or revokes the invitation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from ..models import Role, db
from ..services import invitations
from ..services.errors import InvalidInput, StateError
from .dynamic_forms import DutchDateField
from .forms import ActionForm
from .hooks import client_ip, role_required
from .i18n import message_text

bp = Blueprint("invite", __name__, url_prefix="/griffie/dossiers")


class InviteForm(FlaskForm):
    name = StringField(_l("Naam van de kandidaat"), validators=[
        DataRequired(_l("Vul de naam van de kandidaat in.")), Length(max=200, message=_l("Gebruik hoogstens 200 tekens."))])
    email = EmailField(_l("E-mailadres van de kandidaat"), validators=[
        DataRequired(_l("Vul het e-mailadres van de kandidaat in.")),
        Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."), check_deliverability=False),
        Length(max=254)], filters=[lambda v: v.strip() if isinstance(v, str) else v])
    function_title = StringField(_l("Beoogde functie"), validators=[
        DataRequired(_l("Vul de beoogde functie in.")), Length(max=200, message=_l("Gebruik hoogstens 200 tekens."))])
    portfolio = StringField(_l("Portefeuille (niet verplicht)"), validators=[
        Optional(), Length(max=300, message=_l("Gebruik hoogstens 300 tekens."))])
    questionnaire = SelectField(_l("Vragenlijst"), validators=[DataRequired(_l("Kies een vragenlijst."))])
    reviewer = SelectField(_l("Beoordelaar"), validators=[Optional()])
    deadline = DutchDateField(_l("Deadline voor de kandidaat (niet verplicht)"), validators=[Optional()])
    round = SelectField(_l("Benoemingsronde (niet verplicht)"), validators=[Optional()])
    submit = SubmitField(_l("Dossier aanmaken en uitnodiging versturen"))


def _fill_choices(form: InviteForm) -> dict:
    questionnaires = invitations.questionnaires_for(current_user)
    form.questionnaire.choices = [SelectChoice(q.id, f"{q.title} (versie {q.version})") for q in questionnaires]
    form.reviewer.choices = [SelectChoice("", _("Nog niet kiezen"))] + [
        SelectChoice(str(u.id), u.name) for u in invitations.reviewers_for(current_user)]
    rounds = invitations.rounds_for(current_user)
    form.round.choices = [SelectChoice("", _("Geen ronde"))] + [SelectChoice(r.public_id, r.name) for r in rounds]
    return {r.public_id: r for r in rounds}


def _field_for_message(form: InviteForm, message: str):
    lowered = message.lower()
    for word, field in (("e-mail", form.email), ("beoordelaar", form.reviewer), ("deadline", form.deadline),
                        ("vragenlijst", form.questionnaire), ("ronde", form.round),
                        ("functie", form.function_title), ("portefeuille", form.portfolio)):
        if word in lowered:
            return field
    return form.name


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required(Role.griffier)
def new():
    form = InviteForm()
    rounds = _fill_choices(form)
    if request.method == "GET":
        form.function_title.data = form.function_title.data or \
            current_user.organisation.labels["bestuurder"].capitalize()
        if request.args.get("ronde") in rounds:
            form.round.data = request.args["ronde"]
        if len(form.questionnaire.choices) == 1:
            form.questionnaire.data = form.questionnaire.choices[0].value
    if form.validate_on_submit():
        chosen_round = rounds.get(form.round.data or "")
        try:
            dossier = invitations.invite_candidate(
                current_user, name=form.name.data, email=form.email.data, function_title=form.function_title.data,
                portfolio=form.portfolio.data, questionnaire_id=form.questionnaire.data,
                reviewer_id=int(form.reviewer.data) if (form.reviewer.data or "").isdigit() else None,
                deadline=form.deadline.data, round_id=chosen_round.id if chosen_round else None, ip=client_ip())
        except InvalidInput as exc:
            target = _field_for_message(form, exc.message)
            target.errors = list(target.errors) + [message_text(exc)]
        except invitations.MailFailed as exc:
            flash(message_text(exc), "warning")
            return redirect(url_for("griffie.overview"))
        else:
            flash(_("Het dossier is aangemaakt en de uitnodiging is verstuurd naar %(email)s.",
                    email=dossier.candidate.email), "success")
            return redirect(url_for("griffie.dossier", public_id=dossier.public_id))
    return render_template("invite/new.html", form=form), 422 if form.errors else 200


def _confirm(public_id: str, kind: str):
    dossier = invitations.get_dossier(current_user, public_id)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            if kind == "resend":
                invitations.resend_invitation(current_user, dossier, ip=client_ip())
                flash(_("Er is een nieuwe uitnodiging verstuurd naar %(email)s. De vorige link werkt niet meer.",
                        email=dossier.candidate.email), "success")
            else:
                invitations.revoke_invitation(current_user, dossier, ip=client_ip())
                flash(_("De uitnodiging is ingetrokken. De link in de e-mail werkt niet meer."), "success")
        except (StateError, InvalidInput, invitations.MailFailed) as exc:
            db.session.rollback()
            flash(message_text(exc), "warning")
        return redirect(url_for("griffie.dossier", public_id=dossier.public_id))
    return render_template("invite/confirm.html", dossier=dossier, form=form, kind=kind,
                           state=invitations.invitation_state(dossier))


@bp.route("/<public_id>/uitnodiging-opnieuw", methods=["GET", "POST"])
@role_required(Role.griffier)
def resend(public_id: str):
    return _confirm(public_id, "resend")


@bp.route("/<public_id>/uitnodiging-intrekken", methods=["GET", "POST"])
@role_required(Role.griffier)
def revoke(public_id: str):
    return _confirm(public_id, "revoke")
