"""Submitting the questionnaire, withdrawing, and the candidate's own data export (AVG art. 15/20).

A submission is an immutable snapshot: answers, questionnaire id/version/hash and the computed
findings, plus the typed declaration, time and IP. The status change is one guarded UPDATE
(``workflow.transition``), so a double click yields exactly one submission.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, false, func, or_, select

from .. import audit
from ..models import (Addendum, AuditEvent, Dossier, DossierStatus, FindingCounts, MeasureAgreement, Role, Submission,
                      User, db, utcnow)
from ..questionnaire import Level, Questionnaire, display_value, prune_hidden
from ..scoring import evaluate
from . import answers as answers_service
from . import notify, scoping, snapshot, workflow
from .errors import InvalidInput, NotFound, StateError
from .guards import clean_line


class Incomplete(InvalidInput):
    pass


class NotConfirmed(InvalidInput):
    pass


class NameMismatch(InvalidInput):
    pass


def normalise_name(name: str) -> str:
    """Case-, accent-form- and space-insensitive comparison of a typed name."""
    text = unicodedata.normalize("NFKC", name or "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def name_matches(typed: str, expected: str) -> bool:
    return bool(normalise_name(typed)) and normalise_name(typed) == normalise_name(expected)


@dataclass(frozen=True)
class Attention:
    """A blocking issue put in plain words for the candidate: what they answered, and the rule."""

    section_id: str | None
    question: str
    answer: str
    legal: str


def blocking_issues(questionnaire: Questionnaire, answers: dict | None, lang: str = "nl") -> list[Attention]:
    """Answers that may stand in the way of an appointment. No verdicts, no levels: the questions
    and answers concerned, so the candidate can check them before submitting."""
    result = evaluate(questionnaire, answers or {})
    pruned = prune_hidden(questionnaire, answers or {})
    out: list[Attention] = []
    seen: set[tuple[str, str]] = set()
    for finding in result.findings:
        if finding.level != Level.blokkerend:
            continue
        for qid in finding.question_ids:
            try:
                question = questionnaire.question(qid)
            except KeyError:
                continue
            if question.type == "repeat" and finding.item_index is not None:
                items = pruned.get(qid) or []
                answer = f"{question.localized_label(lang)} {finding.item_index + 1}"
                if finding.item_index < len(items):
                    answer = ", ".join(display_value(s, items[finding.item_index].get(s.id), lang)
                                       for s in question.questions if items[finding.item_index].get(s.id)
                                       is not None and s.type in ("text", "choice"))[:200] or answer
            else:
                answer = display_value(question, pruned.get(qid), lang)
            key = (qid, answer)
            if key in seen:
                continue
            seen.add(key)
            section = answers_service.section_of(questionnaire, qid)
            out.append(Attention(section.id if section else None, question.localized_label(lang), answer,
                                 finding.legal))
    return out


def submit(candidate: User, dossier: Dossier, declaration_name: str, ip: str | None, *,
           confirmed: bool = True) -> Submission:
    """Submit (or resubmit after a clarification request) the complete questionnaire."""
    if dossier.candidate_id != candidate.id or dossier.organisation_id != candidate.organisation_id:
        raise NotFound()
    if dossier.status == DossierStatus.terug_naar_kandidaat:
        action = "resubmit"
    elif dossier.status == DossierStatus.concept:
        action = "submit"
    else:
        raise StateError(workflow.MESSAGES["submit"])
    questionnaire = snapshot.require_questionnaire(dossier)
    answers = prune_hidden(questionnaire, dossier.answers or {})
    if answers_service.incomplete_sections(questionnaire, answers):
        raise Incomplete("Nog niet alle vragen zijn beantwoord. Vul eerst de onderdelen in die nog niet klaar zijn.")
    if not confirmed:
        raise NotConfirmed("Vink aan dat u de vragen volledig en naar waarheid heeft beantwoord.")
    declaration_name = clean_line(declaration_name, "uw naam", required=False, limit=200)
    if not name_matches(declaration_name, candidate.name):
        raise NameMismatch("De naam die u typte is niet gelijk aan uw naam zoals die bij ons bekend is "
                           f"({candidate.name}). Typ uw volledige naam.")
    result = evaluate(questionnaire, answers)
    counts = result.counts
    now = utcnow()
    workflow.transition(dossier, action, submitted_at=now, answers=answers,
                        **FindingCounts.columns_of(FindingCounts.of(counts)))
    number = (db.session.scalar(select(func.max(Submission.number)).where(Submission.dossier_id == dossier.id))
              or 0) + 1
    submission = Submission(
        dossier_id=dossier.id, number=number, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, questionnaire_hash=questionnaire.content_hash,
        payload={"answers": answers, "findings": result.to_dict(),
                 "declaration": {"name": declaration_name, "at": now.isoformat(timespec="seconds"),
                                 "ip": ip}},
        declaration_name=declaration_name, ip=(ip or "")[:64] or None, created_at=now,
    )
    db.session.add(submission)
    db.session.flush()
    audit.record("dossier.ingediend" if action == "submit" else "dossier.opnieuw_ingediend", actor=candidate,
                 dossier=dossier, ip=ip, indiening=number, vragenlijst=questionnaire.id,
                 versie=questionnaire.version, hash=questionnaire.content_hash)
    db.session.commit()
    kind = "ingediend" if action == "submit" else "opnieuw_ingediend"
    notify.tell(kind, dossier, f"indiening-{number}", notify.reviewers_of(dossier), "review.dossier",
                public_id=dossier.public_id)
    return submission


def withdraw(candidate: User, dossier: Dossier, ip: str | None) -> None:
    """The candidate withdraws: the dossier is closed and its personal content deleted now.

    Until the retention job of step 8 runs, everything except the audit trail goes immediately:
    answers, snapshots, comments, clarifications, gesprek notes, decisions, measures, reports.
    """
    from .retention import PurgeReport, delete_personal_data  # the same deletion the retention job does

    if dossier.candidate_id != candidate.id or dossier.organisation_id != candidate.organisation_id:
        raise NotFound()
    workflow.transition(dossier, "withdraw", withdrawn_at=utcnow())
    report = PurgeReport()
    delete_personal_data(dossier, report, keep_public=False)
    db.session.execute(delete(MeasureAgreement).where(MeasureAgreement.dossier_id == dossier.id))
    db.session.execute(delete(Addendum).where(Addendum.dossier_id == dossier.id))
    dossier.answers = None
    dossier.finding_counts = None
    dossier.conclusion = None
    dossier.progress_done = 0
    audit.record("dossier.ingetrokken", actor=candidate, dossier=dossier, ip=ip)
    db.session.commit()


# --- export of own data -------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value is not None else None


def export_personal_data(candidate: User, ip: str | None = None) -> dict:
    """Everything stored about this candidate, in a machine-readable form (AVG art. 15 and 20)."""
    if candidate.role != Role.candidate:
        raise NotFound()
    dossiers = db.session.scalars(scoping.dossiers_for(candidate).order_by(Dossier.created_at)).all()
    data = {
        "toelichting": "Alle gegevens die de risicoanalyse integriteit over u bewaart (AVG art. 15 en 20).",
        "gemaakt_op": _iso(utcnow()),
        "profiel": {
            "naam": candidate.name, "e_mail": candidate.email, "organisatie": candidate.organisation.name,
            "taal": candidate.language, "tweestapsverificatie": candidate.mfa_method,
            "privacyverklaring_versie": candidate.privacy_version,
            "privacyverklaring_gelezen_op": _iso(candidate.privacy_acknowledged_at),
            "account_aangemaakt_op": _iso(candidate.created_at),
            "wachtwoord_gewijzigd_op": _iso(candidate.password_changed_at),
        },
        "dossiers": [_dossier_export(d) for d in dossiers],
    }
    ids = [d.id for d in dossiers]
    events = db.session.scalars(
        select(AuditEvent).where(or_(AuditEvent.actor_id == candidate.id,
                                     AuditEvent.dossier_id.in_(ids) if ids else false()))
        .order_by(AuditEvent.id)).all()
    data["logboek"] = [{
        "tijd": _iso(e.created_at), "actie": e.action,
        "door": "uzelf" if e.actor_id == candidate.id else _role_of(e.actor),
        "details": e.detail if e.actor_id == candidate.id else {},
        "ip": e.ip if e.actor_id == candidate.id else None,
    } for e in events]
    audit.record("gegevens.gedownload", actor=candidate, ip=ip)
    db.session.commit()
    return data


def _role_of(actor_label: str) -> str:
    match = re.search(r"\(([a-z]+)\)$", actor_label or "")
    return match.group(1) if match else "systeem"


def _dossier_export(d: Dossier) -> dict:
    submissions = db.session.scalars(select(Submission).where(Submission.dossier_id == d.id)
                                     .order_by(Submission.number)).all()
    measures = db.session.scalars(select(MeasureAgreement).where(MeasureAgreement.dossier_id == d.id)
                                  .order_by(MeasureAgreement.id)).all()
    return {
        "kenmerk": d.public_id, "functie": d.function_title, "portefeuille": d.portfolio,
        "status": d.status.value, "vragenlijst": {"id": d.questionnaire_id, "versie": d.questionnaire_version,
                                                   "hash": d.questionnaire_hash},
        "deadline": _iso(d.deadline), "aangemaakt_op": _iso(d.created_at), "ingediend_op": _iso(d.submitted_at),
        "ingetrokken_op": _iso(d.withdrawn_at), "uitkomst": d.outcome,
        "antwoorden": d.answers or {},
        "indieningen": [{
            "nummer": s.number, "tijd": _iso(s.created_at), "vragenlijst_versie": s.questionnaire_version,
            "vragenlijst_hash": s.questionnaire_hash, "verklaring_naam": s.declaration_name, "ip": s.ip,
            "antwoorden": (s.payload or {}).get("answers"), "bevindingen": (s.payload or {}).get("findings"),
        } for s in submissions],
        "maatregelen": [{
            "titel": m.title, "omschrijving": m.description, "status": m.status.value,
            "uiterste_datum": _iso(m.due_date), "uw_reactie": m.candidate_response,
            "afgerond_op": _iso(m.completed_at), "toelichting_afronding": m.completion_note,
        } for m in measures],
    }
