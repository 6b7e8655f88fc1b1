"""The reviewer's work on a dossier: opening it, findings and level decisions, comments,
clarification rounds, the gesprek and the interview guide.

Every mutating function refuses on a frozen dossier (afgerond / ingetrokken) with a StateError;
after sign-off only an addendum (services.signoff.add_addendum) can add information.
The reads these pages share with reports and sign-off (submission, answers, findings as reviewed,
comments, clarifications, gesprekken) live in services.snapshot; the guards in services.guards.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import defer, joinedload

from .. import audit
from ..models import ClarificationRequest, Comment, Dossier, DossierStatus, FindingDecision, Gesprek, Role, User, db,\
                      utcnow
from ..questionnaire import Level
from . import notify, scoping, workflow
from .errors import InvalidInput, NotFound, StateError
from .guards import clean_text, ensure_reviewable
from .snapshot import (ReviewedFinding, grouped_by_theme, latest_submission, open_clarifications, questionnaire_for,
                       reviewed_findings, submission_findings)

S = DossierStatus


def dashboard_dossiers(user: User, status: DossierStatus | None = None) -> list[Dossier]:
    """The reviewer's list, deadline first. It needs neither the (encrypted, large) answers nor a
    query per candidate, so it stays fast with thousands of dossiers."""
    query = scoping.dossiers_for(user).options(defer(Dossier.answers), joinedload(Dossier.candidate))
    if status is not None:
        query = query.where(Dossier.status == status)
    return list(db.session.scalars(query.order_by(Dossier.deadline.is_(None), Dossier.deadline,
                                                  Dossier.created_at.desc())))


def reviewer_dossier(user: User, public_id: str) -> Dossier:
    """A dossier of the reviewer's own organisation (404 for everyone else)."""
    return scoping.get_dossier(user, public_id, roles=(Role.reviewer,))


# --- opening ------------------------------------------------------------------------------------

def open_dossier(user: User, public_id: str, *, ip: str | None = None, page: str = "dossier") -> Dossier:
    """Scope, audit the view of personal data, and start the review of a freshly submitted dossier."""
    dossier = reviewer_dossier(user, public_id)
    started = None
    if dossier.status == S.ingediend:
        try:
            workflow.transition(dossier, "start_review", reviewer_id=dossier.reviewer_id or user.id)
        except StateError:
            dossier = reviewer_dossier(user, public_id)  # someone else started it at the same moment
        else:
            audit.record("beoordeling.gestart", actor=user, dossier=dossier, ip=ip)
            started = latest_submission(dossier)
    audit.record("dossier.bekeken", actor=user, dossier=dossier, ip=ip, pagina=page)
    db.session.commit()
    if started is not None:
        notify.tell("beoordeling_gestart", dossier, f"indiening-{started.number}", [dossier.candidate],
                    "candidate.home")
    return dossier


# --- findings ------------------------------------------------------------------------------------

def decide_finding(user: User, dossier: Dossier, finding_key: str, new_level: str | None,
                   justification: str, *, ip: str | None = None) -> FindingDecision:
    """Change a finding's level (or dismiss it with ``new_level=None``); a justification is required."""
    ensure_reviewable(dossier)
    if new_level is not None and Level.of(new_level) is None:
        raise InvalidInput("Kies een geldig niveau.")
    justification = clean_text(justification, "een onderbouwing")
    known = {f.key for f in submission_findings(latest_submission(dossier))}
    if finding_key not in known:
        raise NotFound()
    decision = FindingDecision(dossier_id=dossier.id, finding_key=finding_key, new_level=new_level,
                               justification=justification, author_id=user.id)
    db.session.add(decision)
    audit.record("bevinding.beoordeeld", actor=user, dossier=dossier, ip=ip, bevinding=finding_key,
                 niveau=new_level or "vervallen")
    db.session.commit()
    return decision


# --- comments -------------------------------------------------------------------------------------

def add_comment(user: User, dossier: Dossier, target: str, body: str, *, ip: str | None = None) -> Comment:
    """A comment on ``question:<id>`` or ``finding:<key>`` of the latest submission."""
    ensure_reviewable(dossier)
    body = clean_text(body, "een opmerking")
    kind, _, ref = (target or "").partition(":")
    if kind == "finding":
        valid = ref in {f.key for f in submission_findings(latest_submission(dossier))}
    elif kind == "question":
        questionnaire = questionnaire_for(dossier)
        valid = questionnaire is not None and _question_exists(questionnaire, ref)
    else:
        valid = False
    if not valid:
        raise InvalidInput("Onbekende vraag of bevinding voor deze opmerking.")
    comment = Comment(dossier_id=dossier.id, target=target[:220], body=body, author_id=user.id)
    db.session.add(comment)
    audit.record("opmerking.toegevoegd", actor=user, dossier=dossier, ip=ip, bij=kind)
    db.session.commit()
    return comment


def _question_exists(questionnaire, qid: str) -> bool:
    try:
        questionnaire.question(qid)
    except KeyError:
        return False
    return True


# --- clarification rounds -----------------------------------------------------------------------

def request_clarification(user: User, dossier: Dossier, questions: list[str], *, ip: str | None = None) -> int:
    """Return the dossier to the candidate with specific questions (workflow 'request_clarification')."""
    ensure_reviewable(dossier)
    cleaned = [clean_text(q, "een vraag", limit=4000) for q in questions if (q or "").strip()]
    if not cleaned:
        raise InvalidInput("Stel ten minste één vraag aan de kandidaat.")
    if len(cleaned) > 20:
        raise InvalidInput("Stel maximaal 20 vragen per ronde.")
    workflow.transition(dossier, "request_clarification")
    for question in cleaned:
        db.session.add(ClarificationRequest(dossier_id=dossier.id, question=question, author_id=user.id))
    audit.record("toelichting.gevraagd", actor=user, dossier=dossier, ip=ip, vragen=len(cleaned))
    db.session.commit()
    notify.notify_candidate(dossier, "Vraag om toelichting bij uw risicoanalyse",
                     "De {title} heeft aanvullende vragen over uw risicoanalyse. Log in om de vragen te "
                     "beantwoorden. U kunt ook uw antwoorden aanpassen en daarna de vragenlijst opnieuw indienen.",
                     "candidate_measures.home")
    return len(cleaned)


def answer_clarification(candidate: User, dossier: Dossier, request_id: int, response: str, *,
                         ip: str | None = None) -> ClarificationRequest:
    """The candidate's answer to one question of the current round (editable until resubmission)."""
    if dossier.candidate_id != candidate.id:
        raise NotFound()
    if dossier.status != S.terug_naar_kandidaat:
        raise StateError("Er staan geen vragen om toelichting open voor dit dossier.")
    request = next((c for c in open_clarifications(dossier) if c.id == request_id), None)
    if request is None:
        raise NotFound()
    request.response = clean_text(response, "uw toelichting")
    request.answered_at = utcnow()
    audit.record("toelichting.beantwoord", actor=candidate, dossier=dossier, ip=ip, vraag=request.id)
    db.session.commit()
    return request


# --- gesprek ------------------------------------------------------------------------------------

def record_gesprek(user: User, dossier: Dossier, held_on: date | None, participants: str, notes: str, *,
                   ip: str | None = None) -> Gesprek:
    ensure_reviewable(dossier)
    if held_on is None:
        raise InvalidInput("Vul de datum van het gesprek in.")
    if held_on > date.today():
        raise InvalidInput("De datum van het gesprek ligt in de toekomst.")
    gesprek = Gesprek(dossier_id=dossier.id, held_on=held_on, author_id=user.id,
                      participants=clean_text(participants, "de deelnemers", limit=1000),
                      notes=clean_text(notes, "de aantekeningen"))
    db.session.add(gesprek)
    audit.record("gesprek.vastgelegd", actor=user, dossier=dossier, ip=ip, datum=held_on.isoformat())
    db.session.commit()
    return gesprek


def interview_guide(dossier: Dossier, lang: str | None = None) -> list[tuple[str, list[ReviewedFinding]]]:
    """Per theme, the findings still relevant (not dismissed); each with its follow-up question."""
    items = [i for i in reviewed_findings(dossier, lang=lang) if not i.dismissed]
    return grouped_by_theme(items, questionnaire_for(dossier))
