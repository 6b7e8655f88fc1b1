"""The candidate's pages: their dossiers, filling in section by section, review, submit, withdraw.

Every page works without JavaScript: conditional questions are decided by the server on each
post (a "Vernieuwen" button re-renders without saving), repeat items have their own small pages,
and buttons that leave the page ("toevoegen", "wijzigen") first save what was typed.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length

from ..models import Dossier, DossierKind, DossierStatus, Role, db
from ..questionnaire import visible_subquestions
from ..services import answers as answers_service
from ..services import scoping, snapshot, submission, workflow
from ..services.errors import Conflict, StateError
from . import dynamic_forms as df
from . import question_views as qv
from .forms import ActionForm
from .hooks import client_ip, role_required
from .i18n import message_text

bp = Blueprint("candidate", __name__, url_prefix="/kandidaat")
CANDIDATE = (Role.candidate,)


class DeclarationForm(FlaskForm):
    name = StringField(_l("Uw volledige naam"), validators=[Length(max=200)])
    confirm = BooleanField(_l("Ik verklaar dat ik alle vragen volledig en naar waarheid heb beantwoord."))
    submit = SubmitField(_l("Vragenlijst indienen"))


def _lang() -> str:
    return str(get_locale() or "nl")


def _dossier(public_id: str) -> Dossier:
    return scoping.get_dossier(current_user, public_id, roles=CANDIDATE)


def _context(dossier: Dossier, questionnaire=None) -> dict:
    """What every candidate page shows; pass ``questionnaire`` when this request already resolved it."""
    questionnaire = questionnaire or answers_service.candidate_questionnaire(dossier)
    prog = answers_service.progress(questionnaire, dossier.answers)
    next_section = next((s for s in questionnaire.sections if not prog.complete[s.id]), None)
    # An organisation's Dutch-only questionnaire is shown wholly in Dutch in the English interface (said
    # once on the page, its texts marked lang="nl"), never half and half: ``lang`` is the content's language.
    qlang = questionnaire.content_language(_lang())
    return {"dossier": dossier, "questionnaire": questionnaire, "progress": prog, "lang": qlang, "qlang": qlang,
            "editable": answers_service.is_editable(dossier), "next_section": next_section}


# --- overview pages -----------------------------------------------------------------------------

@bp.route("/")
@role_required(Role.candidate)
def home():
    dossiers = db.session.scalars(scoping.dossiers_for(current_user).order_by(Dossier.created_at.desc())).all()
    return render_template("candidate/home.html", dossiers=dossiers, S=DossierStatus)


@bp.route("/dossier/<public_id>/")
@role_required(Role.candidate)
def dossier(public_id: str):
    target = _dossier(public_id)
    return render_template("candidate/dossier.html", **_context(target))


@bp.route("/dossier/<public_id>/antwoorden")
@role_required(Role.candidate)
def answers(public_id: str):
    target = _dossier(public_id)
    ctx = _context(target)
    return render_template("candidate/answers.html", sections=_answer_sections(ctx), **ctx)


@bp.route("/dossier/<public_id>/inzage")
@role_required(Role.candidate)
def access_log(public_id: str):
    """Who viewed or downloaded my dossier (AVG art. 15)."""
    from ..services import timeline

    target = _dossier(public_id)
    return render_template("candidate/access_log.html", dossier=target, entries=timeline.access_log(target))


def _answer_sections(ctx: dict) -> list[dict]:
    questionnaire, stored, lang = ctx["questionnaire"], ctx["dossier"].answers or {}, ctx["lang"]
    return [{"section": s, "title": s.localized_title(lang), "complete": ctx["progress"].complete[s.id],
             "rows": qv.answer_rows(questionnaire, s, stored, lang)} for s in questionnaire.sections]


# --- a section page -------------------------------------------------------------------------------

def _render_section(ctx: dict, sec, form, visible_ids: set[str], *, status: int = 200, conflict: bool = False,
                    repeat_errors: dict | None = None):
    questionnaire, lang = ctx["questionnaire"], ctx["lang"]
    stored = ctx["dossier"].answers or {}
    views = qv.question_views(sec.questions, visible_ids, form, stored, lang)
    index = [s.id for s in questionnaire.sections].index(sec.id)
    saved_rows = qv.answer_rows(questionnaire, sec, stored, lang) if conflict else None
    return render_template("candidate/section.html", section=sec, views=views, form=form, index=index,
                           conflict=conflict, saved_rows=saved_rows, repeat_errors=repeat_errors or {},
                           **ctx), status


@bp.route("/dossier/<public_id>/onderdeel/<section_id>", methods=["GET", "POST"])
@role_required(Role.candidate)
def section(public_id: str, section_id: str):
    target = _dossier(public_id)
    ctx = _context(target)
    questionnaire = ctx["questionnaire"]
    sec = answers_service.section(questionnaire, section_id)
    if not ctx["editable"]:
        flash(_(answers_service.NOT_EDITABLE_MESSAGE), "info")
        return redirect(url_for("candidate.answers", public_id=public_id))
    stored = target.answers or {}
    if request.method == "GET":
        form = df.build_form(sec.questions, ctx["lang"], data=stored)
        form.version.data = str(target.version)
        return _render_section(ctx, sec, form, answers_service.visible_ids(questionnaire, sec, stored))

    form = df.build_form(sec.questions, ctx["lang"], formdata=request.form)
    action = request.form.get("action", "next")
    values = df.collect(form, sec.questions)
    visible = answers_service.visible_ids(questionnaire, sec, answers_service.with_page(sec, stored, values))
    df.clear_errors(form, [q.id for q in sec.questions if q.id not in visible])
    if df.has_errors(form, visible):
        return _render_section(ctx, sec, form, visible, status=422)
    if action == "refresh":
        return _render_section(ctx, sec, form, visible)
    try:
        outcome = answers_service.save_section(current_user, target, sec.id, values, form.version.data,
                                               ip=client_ip(), questionnaire=questionnaire)
    except Conflict:
        db.session.refresh(target)
        form.version.data = str(target.version)
        return _render_section(_context(target, questionnaire), sec, form, visible, status=409, conflict=True)
    return _after_section_save(target, questionnaire, sec, form, action, outcome)


def _after_section_save(target: Dossier, questionnaire, sec, form, action: str, outcome):
    public_id = target.public_id
    if action == "later":
        flash(_("Uw antwoorden zijn opgeslagen. U kunt later verder gaan waar u gebleven was."), "success")
        return redirect(url_for("candidate.home"))
    kind, _sep, rest = action.partition(":")
    if kind in ("add", "edit", "remove"):
        repeat_id, _sep, number = rest.partition(":")
        answers_service.repeat_question(questionnaire, sec.id, repeat_id)  # 404 for an unknown list
        if kind == "add":
            return redirect(url_for("candidate.item_add", public_id=public_id, section_id=sec.id, repeat_id=repeat_id))
        endpoint = "candidate.item_edit" if kind == "edit" else "candidate.item_remove"
        return redirect(url_for(endpoint, public_id=public_id, section_id=sec.id, repeat_id=repeat_id,
                                number=int(number) if number.isdigit() else 0))
    if outcome.missing:
        form.version.data = str(outcome.version)
        df.add_required_errors(form, [m for m in outcome.missing if "." not in m])
        flash(_("Uw antwoorden zijn opgeslagen. Er ontbreken nog antwoorden op deze pagina."), "warning")
        return _render_section(_context(target, questionnaire), sec, form, outcome.visible, status=422,
                               repeat_errors=_repeat_errors(questionnaire, outcome.missing))
    if outcome.next_section_id:
        return redirect(url_for("candidate.section", public_id=public_id, section_id=outcome.next_section_id))
    return redirect(url_for("candidate.review", public_id=public_id))


def _repeat_errors(questionnaire, missing: list[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key in missing:
        qid, _sep, sub = key.partition(".")
        question = questionnaire.question(qid)
        if question.type != "repeat" or qid in errors:
            continue
        if sub:
            errors[qid] = _("Bij een of meer items ontbreken nog gegevens. Kies 'Wijzigen' en vul ze aan.")
        else:
            errors[qid] = _("Voeg er minstens %(n)d toe.", n=question.min_items or 1)
    return errors


# --- repeat items ---------------------------------------------------------------------------------

def _item_page(public_id: str, section_id: str, repeat_id: str, number: int | None):
    target = _dossier(public_id)
    ctx = _context(target)
    if not ctx["editable"]:
        flash(_(answers_service.NOT_EDITABLE_MESSAGE), "info")
        return None, ctx, None, None, redirect(url_for("candidate.answers", public_id=public_id))
    questionnaire = ctx["questionnaire"]
    sec = answers_service.section(questionnaire, section_id)
    repeat = answers_service.repeat_question(questionnaire, section_id, repeat_id)
    items = (target.answers or {}).get(repeat_id) or []
    item = None
    if number is not None:
        if not 1 <= number <= len(items):
            flash(_("Dit item bestaat niet (meer). Misschien is het in een ander venster verwijderd."), "warning")
            return None, ctx, None, None, redirect(url_for("candidate.section", public_id=public_id,
                                                           section_id=section_id))
        item = items[number - 1]
    return target, ctx, sec, (repeat, item), None


def _render_item(ctx, sec, repeat, form, visible, number, *, status=200, conflict=False, saved_item=None):
    lang = ctx["lang"]
    views = qv.question_views(repeat.questions, visible, form, {}, lang)
    saved_rows = qv.item_rows(repeat, saved_item, lang) if conflict and saved_item else None
    return render_template("candidate/item.html", section=sec, repeat=repeat, views=views, form=form,
                           number=number, conflict=conflict, saved_rows=saved_rows, **ctx), status


def _item_view(public_id: str, section_id: str, repeat_id: str, number: int | None):
    target, ctx, sec, pair, early = _item_page(public_id, section_id, repeat_id, number)
    if early is not None:
        return early
    repeat, item = pair
    questionnaire, stored = ctx["questionnaire"], target.answers or {}
    if request.method == "GET":
        form = df.build_form(repeat.questions, ctx["lang"], data=item or {})
        form.version.data = str(target.version)
        visible = {q.id for q in visible_subquestions(questionnaire, repeat, stored, item or {})}
        return _render_item(ctx, sec, repeat, form, visible, number)
    form = df.build_form(repeat.questions, ctx["lang"], formdata=request.form)
    values = df.collect(form, repeat.questions)
    visible = {q.id for q in visible_subquestions(questionnaire, repeat, stored, values)}
    hidden = [q.id for q in repeat.questions if q.id not in visible]
    df.clear_errors(form, hidden)
    values = {k: v for k, v in values.items() if k in visible}
    if request.form.get("action") == "refresh":
        return _render_item(ctx, sec, repeat, form, visible, number, status=422 if df.has_errors(form, visible) else 200)
    df.add_required_errors(form, [q.id for q in repeat.questions
                                  if q.id in visible and q.required and values.get(q.id) in (None, "", [])])
    if df.has_errors(form, visible):
        return _render_item(ctx, sec, repeat, form, visible, number, status=422)
    try:
        answers_service.save_item(current_user, target, section_id, repeat_id,
                                  None if number is None else number - 1, values, form.version.data, ip=client_ip())
    except Conflict:
        db.session.refresh(target)
        form.version.data = str(target.version)
        items = (target.answers or {}).get(repeat_id) or []
        saved = items[number - 1] if number is not None and 1 <= number <= len(items) else None
        return _render_item(_context(target, questionnaire), sec, repeat, form, visible, number, status=409, conflict=True,
                            saved_item=saved)
    flash(_("Opgeslagen."), "success")
    return redirect(url_for("candidate.section", public_id=public_id, section_id=section_id) + f"#{repeat_id}")


@bp.route("/dossier/<public_id>/onderdeel/<section_id>/<repeat_id>/nieuw", methods=["GET", "POST"])
@role_required(Role.candidate)
def item_add(public_id: str, section_id: str, repeat_id: str):
    return _item_view(public_id, section_id, repeat_id, None)


@bp.route("/dossier/<public_id>/onderdeel/<section_id>/<repeat_id>/<int(max=99999):number>", methods=["GET", "POST"])
@role_required(Role.candidate)
def item_edit(public_id: str, section_id: str, repeat_id: str, number: int):
    return _item_view(public_id, section_id, repeat_id, number)


@bp.route("/dossier/<public_id>/onderdeel/<section_id>/<repeat_id>/<int(max=99999):number>/verwijderen",
          methods=["GET", "POST"])
@role_required(Role.candidate)
def item_remove(public_id: str, section_id: str, repeat_id: str, number: int):
    target, ctx, sec, pair, early = _item_page(public_id, section_id, repeat_id, number)
    if early is not None:
        return early
    repeat, item = pair
    form = ActionForm()
    back = url_for("candidate.section", public_id=public_id, section_id=section_id) + f"#{repeat_id}"
    if request.method == "POST" and form.validate_on_submit():
        try:
            answers_service.remove_item(current_user, target, section_id, repeat_id, number - 1,
                                        request.form.get("version"), ip=client_ip())
        except Conflict as exc:
            flash(message_text(exc), "error")
            return redirect(back)
        flash(_("Verwijderd."), "success")
        return redirect(back)
    title = qv.item_title(repeat, item, number, ctx["lang"])
    return render_template("candidate/item_remove.html", section=sec, repeat=repeat, title=title, number=number,
                           rows=qv.item_rows(repeat, item, ctx["lang"]), form=form, back=back, **ctx)


# --- review, submit ---------------------------------------------------------------------------------

@bp.route("/dossier/<public_id>/controleren")
@role_required(Role.candidate)
def review(public_id: str, form: DeclarationForm | None = None, status: int = 200):
    target = _dossier(public_id)
    ctx = _context(target)
    if not ctx["editable"]:
        return redirect(url_for("candidate.answers", public_id=public_id))
    attention = submission.blocking_issues(ctx["questionnaire"], target.answers, ctx["lang"], dossier=target)
    return render_template("candidate/review.html", sections=_answer_sections(ctx), attention=attention,
                           form=form or DeclarationForm(), **ctx), status


@bp.route("/dossier/<public_id>/indienen", methods=["POST"])
@role_required(Role.candidate)
def submit(public_id: str):
    target = _dossier(public_id)
    form = DeclarationForm()
    if not form.validate_on_submit():
        return review(public_id, form, 422)
    try:
        submission.submit(current_user, target, form.name.data or "", client_ip(), confirmed=bool(form.confirm.data))
    except StateError as exc:
        flash(message_text(exc), "info")
        return redirect(url_for("candidate.home"))
    except submission.Incomplete as exc:
        flash(message_text(exc), "error")
        return redirect(url_for("candidate.review", public_id=public_id))
    except (submission.NotConfirmed, submission.NameMismatch) as exc:
        field = form.confirm if isinstance(exc, submission.NotConfirmed) else form.name
        field.errors = list(field.errors) + [message_text(exc)]
        return review(public_id, form, 422)
    flash(_("Uw vragenlijst is ingediend. Dank u wel. U krijgt bericht als de beoordelaar vragen heeft."), "success")
    return redirect(url_for("candidate.home"))


# --- own data, withdraw -----------------------------------------------------------------------------

@bp.route("/mijn-gegevens.json")
@role_required(Role.candidate)
def export():
    data = submission.export_personal_data(current_user, client_ip())
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="mijn-gegevens.json"'})


@bp.route("/dossier/<public_id>/intrekken", methods=["GET", "POST"])
@role_required(Role.candidate)
def withdraw(public_id: str):
    target = _dossier(public_id)
    form = ActionForm()
    if not workflow.allowed("withdraw", target.status) or \
            target.kind == DossierKind.herbevestiging:
        flash(_("Dit dossier kan niet meer worden ingetrokken."), "info")
        return redirect(url_for("candidate.home"))
    if request.method == "POST" and form.validate_on_submit():
        try:
            submission.withdraw(current_user, target, client_ip())
        except StateError as exc:
            flash(message_text(exc), "info")
            return redirect(url_for("candidate.home"))
        if not current_user.active:  # nothing of theirs is kept: the account was anonymised at once
            logout_user()
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            flash(_("U heeft zich teruggetrokken. Uw antwoorden zijn verwijderd."), "success")
            flash(_("Uw account is opgeheven; u kunt niet meer inloggen."), "info")
            return redirect(url_for("main.home"))
        flash(_("U heeft zich teruggetrokken. Uw antwoorden zijn verwijderd."), "success")
        return redirect(url_for("candidate.home"))
    return render_template("candidate/withdraw.html", dossier=target, form=form)
