"""The reviewer's work on a dossier: opening it, findings and level decisions, comments,
clarification rounds, the gesprek and the interview guide.

Every mutating function refuses on a frozen dossier (afgerond / ingetrokken) with a StateError;
after sign-off only an addendum (services.signoff.add_addendum) can add information.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from .. import audit
from ..models import (ClarificationRequest, Comment, Dossier, DossierStatus, FindingDecision, Gesprek, Role,
                      Submission, User, db, utcnow)
from ..scoring import LEVELS, Finding, evaluate
from ..textcheck import clean_text  # noqa: F401  (re-exported: measures and signoff import it from here)
from . import runtime, scoping, workflow
from .errors import InvalidInput, NotFound, StateError

S = DossierStatus
FROZEN = (S.afgerond, S.ingetrokken)
REVIEWABLE = (S.in_behandeling, S.maatregelen_voorgesteld)
MAX_TEXT = 10_000
_RANK = {level: i for i, level in enumerate(LEVELS)}


def ensure_not_frozen(dossier: Dossier) -> None:
    if dossier.status == S.afgerond:
        raise StateError("Dit dossier is afgerond en bevroren. Wijzigingen kunnen alleen nog als aanvulling.")
    if dossier.status == S.ingetrokken:
        raise StateError("Dit dossier is ingetrokken; er kan niets meer worden gewijzigd.")


def ensure_reviewable(dossier: Dossier) -> None:
    ensure_not_frozen(dossier)
    if dossier.status not in REVIEWABLE:
        raise StateError("Dit kan alleen terwijl het dossier in behandeling is.")


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
    if dossier.status == S.ingediend:
        try:
            workflow.transition(dossier, "start_review", reviewer_id=dossier.reviewer_id or user.id)
        except StateError:
            dossier = reviewer_dossier(user, public_id)  # someone else started it at the same moment
        else:
            audit.record("beoordeling.gestart", actor=user, dossier=dossier, ip=ip)
    audit.record("dossier.bekeken", actor=user, dossier=dossier, ip=ip, pagina=page)
    db.session.commit()
    return dossier


# --- submissions and findings ------------------------------------------------------------------

def submissions(dossier: Dossier) -> list[Submission]:
    return list(db.session.scalars(
        select(Submission).where(Submission.dossier_id == dossier.id).order_by(Submission.number)))


def latest_submission(dossier: Dossier) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.dossier_id == dossier.id)
                             .order_by(Submission.number.desc()).limit(1))


def questionnaire_for(dossier_or_submission):
    """The questionnaire version the answers were given on (by id+version, else by content hash)."""
    catalog = runtime.catalog()
    try:
        return catalog.get(dossier_or_submission.questionnaire_id, dossier_or_submission.questionnaire_version)
    except KeyError:
        return catalog.by_hash(dossier_or_submission.questionnaire_hash)


def submission_answers(sub: Submission | None) -> dict:
    payload = (sub.payload if sub is not None else None) or {}
    answers = payload.get("answers")
    return answers if isinstance(answers, dict) else {}


def submission_findings(sub: Submission | None) -> list[Finding]:
    """Findings stored in the snapshot; recomputed from its answers when the snapshot has none."""
    if sub is None:
        return []
    payload = sub.payload or {}
    raw = payload.get("findings")
    if isinstance(raw, dict):  # a whole Result.to_dict()
        raw = raw.get("findings")
    if isinstance(raw, list):
        out = []
        for item in raw:
            try:
                out.append(Finding.from_dict(item))
            except (KeyError, TypeError, AttributeError):
                continue
        return out
    questionnaire = questionnaire_for(sub)
    if questionnaire is None:
        return []
    return list(evaluate(questionnaire, submission_answers(sub)).findings)


@dataclass
class ReviewedFinding:
    finding: Finding
    decisions: list = field(default_factory=list)
    comments: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.finding.key

    @property
    def original_level(self) -> str:
        return self.finding.level

    @property
    def last_decision(self):
        return self.decisions[-1] if self.decisions else None

    @property
    def dismissed(self) -> bool:
        return self.last_decision is not None and self.last_decision.new_level is None

    @property
    def level(self) -> str | None:
        """The effective level: the reviewer's latest decision, else the engine's."""
        return self.last_decision.new_level if self.last_decision else self.finding.level

    @property
    def changed(self) -> bool:
        return self.last_decision is not None and self.level != self.original_level

    @property
    def sort_key(self) -> tuple:
        return (len(LEVELS) if self.dismissed else _RANK.get(self.level, 9), self.finding.theme, self.key)


def reviewed_findings(dossier: Dossier, sub: Submission | None = None) -> list[ReviewedFinding]:
    sub = sub or latest_submission(dossier)
    decisions: dict[str, list] = {}
    for d in db.session.scalars(select(FindingDecision).where(FindingDecision.dossier_id == dossier.id)
                                .order_by(FindingDecision.id)):
        decisions.setdefault(d.finding_key, []).append(d)
    comments = comments_by_target(dossier)
    items = [ReviewedFinding(f, decisions.get(f.key, []), comments.get(f"finding:{f.key}", []))
             for f in submission_findings(sub)]
    return sorted(items, key=lambda r: r.sort_key)


def grouped_by_theme(items: list[ReviewedFinding], questionnaire=None) -> list[tuple[str, list[ReviewedFinding]]]:
    """Themes ordered by their most severe finding, then by questionnaire order."""
    order = {t.id: t.order for t in questionnaire.themes} if questionnaire else {}
    groups: dict[str, list[ReviewedFinding]] = {}
    for item in items:
        groups.setdefault(item.finding.theme, []).append(item)
    ranked = sorted(groups.items(), key=lambda kv: (min(i.sort_key[0] for i in kv[1]), order.get(kv[0], 999)))
    return [(kv[1][0].finding.theme_title or kv[0], kv[1]) for kv in ranked]


def effective_counts(items: list[ReviewedFinding]) -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    for item in items:
        if not item.dismissed and item.level in counts:
            counts[item.level] += 1
    return counts


def decide_finding(user: User, dossier: Dossier, finding_key: str, new_level: str | None,
                   justification: str, *, ip: str | None = None) -> FindingDecision:
    """Change a finding's level (or dismiss it with ``new_level=None``); a justification is required."""
    ensure_reviewable(dossier)
    if new_level is not None and new_level not in LEVELS:
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

def comments_by_target(dossier: Dossier) -> dict[str, list[Comment]]:
    out: dict[str, list[Comment]] = {}
    for c in db.session.scalars(select(Comment).where(Comment.dossier_id == dossier.id).order_by(Comment.id)):
        out.setdefault(c.target, []).append(c)
    return out


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

def clarifications(dossier: Dossier) -> list[ClarificationRequest]:
    return list(db.session.scalars(select(ClarificationRequest).where(ClarificationRequest.dossier_id == dossier.id)
                                   .order_by(ClarificationRequest.id)))


def open_clarifications(dossier: Dossier) -> list[ClarificationRequest]:
    """Questions of the current round: asked after the latest submission."""
    sub = latest_submission(dossier)
    since = sub.created_at if sub is not None else None
    return [c for c in clarifications(dossier) if since is None or c.created_at >= since]


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
    notify_candidate(dossier, "Vraag om toelichting bij uw risicoanalyse",
                     "De {title} heeft aanvullende vragen over uw risicoanalyse. Log in om de vragen te "
                     "beantwoorden. U kunt ook uw antwoorden aanpassen en daarna de vragenlijst opnieuw indienen.",
                     "/kandidaat/maatregelen/")
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

def gesprekken(dossier: Dossier) -> list[Gesprek]:
    return list(db.session.scalars(select(Gesprek).where(Gesprek.dossier_id == dossier.id).order_by(Gesprek.held_on,
                                                                                                 Gesprek.id)))


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


def interview_guide(dossier: Dossier) -> list[tuple[str, list[ReviewedFinding]]]:
    """Per theme, the findings still relevant (not dismissed); each with its follow-up question."""
    items = [i for i in reviewed_findings(dossier) if not i.dismissed]
    return grouped_by_theme(items, questionnaire_for(dossier))


# --- notifications ------------------------------------------------------------------------------

def notify_candidate(dossier: Dossier, subject: str, message: str, path: str) -> None:
    """A short e-mail without any answer content; the details are behind the log-in."""
    candidate = dossier.candidate
    if not candidate.active:
        return
    title = dossier.organisation.labels["reviewer_title"]
    with force_locale(candidate.language or "nl"):  # the subject is translated by send_mail itself
        message = gettext(message).format(title=gettext(title))
    runtime.send_mail(candidate.email, "review_notice", subject, language=candidate.language, user=candidate,
                      message=message, link=runtime.external_url(path),
                      organisation=dossier.organisation.name)
