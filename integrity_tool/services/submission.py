"""Submitting the questionnaire, withdrawing, and the candidate's own data export (AVG art. 15/20).

A submission is an immutable snapshot: answers, questionnaire id/version/hash and the computed
findings, plus the typed declaration, time and IP. The status change is one guarded UPDATE
(``workflow.transition``), so a double click yields exactly one submission.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, false, func, or_, select

from .. import audit
from ..models import (Addendum, AuditEvent, ClarificationRequest, Comment, Dossier, DossierKind, DossierStatus,
                      FindingCounts, FindingDecision, Gesprek, MeasureAgreement, MeasureReminder, NotificationSent,
                      Report, Role, Submission, Term, User, db, utcnow)
from ..models.user import Invitation, UserSession
from ..questionnaire import Level, Questionnaire, display_value, prune_hidden
from ..questionnaire.values import to_local
from ..questionnaire.legal import legal_in
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


def evaluate_for(dossier: Dossier, questionnaire: Questionnaire, answers: dict | None, *, relations: bool = True):
    """The engine run with the organisation's profile and (for the reviewer) its relations list, so
    findings come from the facts, and the belangenkruising runs at every (re)submission."""
    from . import matching, profile

    org = dossier.organisation
    index = matching.relations_index(org.id) if relations else None
    return evaluate(questionnaire, answers or {}, profile=profile.org_profile(org), relations=index)


def blocking_issues(questionnaire: Questionnaire, answers: dict | None, lang: str = "nl",
                    dossier: Dossier | None = None) -> list[Attention]:
    """Answers that may stand in the way of an appointment. No verdicts, no levels: the questions
    and answers concerned, so the candidate can check them before submitting. (The organisation's
    relations list is not used here: it is not the candidate's to see.)"""
    if dossier is not None:
        result = evaluate_for(dossier, questionnaire, answers, relations=False)
    else:
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
                                 legal_in(finding.legal, questionnaire.content_language(lang))))
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
    questionnaire = answers_service.candidate_questionnaire(dossier)
    answers = prune_hidden(questionnaire, dossier.answers or {})
    if answers_service.incomplete_sections(questionnaire, answers):
        raise Incomplete("Nog niet alle vragen zijn beantwoord. Vul eerst de onderdelen in die nog niet klaar zijn.")
    if not confirmed:
        raise NotConfirmed("Vink aan dat u de vragen volledig en naar waarheid heeft beantwoord.")
    declaration_name = clean_line(declaration_name, "uw naam", required=False, limit=200)
    if not name_matches(declaration_name, candidate.name):
        raise NameMismatch("De naam die u typte is niet gelijk aan uw naam zoals die bij ons bekend is "
                           "(%(name)s). Typ uw volledige naam.", name=candidate.name)
    result = evaluate_for(dossier, questionnaire, answers)
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
    """The candidate withdraws: the dossier is closed and its personal content deleted now, and the
    account anonymised at once when nothing else of theirs is kept (no log-in afterwards).

    Everything except the audit trail goes immediately: answers, snapshots, comments, clarifications,
    gesprek notes, decisions, measures, addenda, reports. A sitting bestuurder does not withdraw from a
    herbevestiging (the term ends through the griffier).
    """
    from .retention import PurgeReport, anonymise_if_gone, delete_personal_data  # the retention job's deletion

    if dossier.candidate_id != candidate.id or dossier.organisation_id != candidate.organisation_id:
        raise NotFound()
    if dossier.kind == DossierKind.herbevestiging:
        raise StateError("Een herbevestiging kunt u niet intrekken. Wilt u uw functie neerleggen, neem dan "
                         "contact op met de griffie.")
    workflow.transition(dossier, "withdraw", withdrawn_at=utcnow())
    delete_personal_data(dossier, PurgeReport(), keep_public=False)
    audit.record("dossier.ingetrokken", actor=candidate, dossier=dossier, ip=ip)
    db.session.flush()
    anonymise_if_gone(candidate)
    db.session.commit()


# --- export of own data -------------------------------------------------------------------------

def _iso(value):
    """Dates as "2026-03-17"; timestamps in Europe/Amsterdam time with their offset."""
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="seconds")
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
            "rol": candidate.role.value, "actief": candidate.active,
        },
        "dossiers": [_dossier_export(d) for d in dossiers],
        "termijnen": [_term_export(t) for t in db.session.scalars(
            select(Term).where(Term.candidate_id == candidate.id).order_by(Term.id))],
        "sessies": [{"begonnen": _iso(s.created_at), "laatst_actief": _iso(s.last_seen_at), "ip": s.ip,
                     "browser": s.user_agent, "beeindigd": _iso(s.revoked_at)} for s in db.session.scalars(
            select(UserSession).where(UserSession.user_id == candidate.id).order_by(UserSession.created_at))],
        "uitnodigingen": [{"doel": i.purpose, "gemaakt": _iso(i.created_at), "geldig_tot": _iso(i.expires_at),
                           "gebruikt": _iso(i.used_at), "ingetrokken": _iso(i.revoked_at)}
                          for i in db.session.scalars(select(Invitation).where(Invitation.user_id == candidate.id)
                                                      .order_by(Invitation.id))],
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
    """Everything kept about one dossier. tests/candidate/test_export_complete.py walks every table and
    column that can hold the candidate's data and fails when a value is missing here."""
    submissions = db.session.scalars(select(Submission).where(Submission.dossier_id == d.id)
                                     .order_by(Submission.number)).all()
    measures = db.session.scalars(select(MeasureAgreement).where(MeasureAgreement.dossier_id == d.id)
                                  .order_by(MeasureAgreement.id)).all()

    def rows(model):
        return db.session.scalars(select(model).where(model.dossier_id == d.id).order_by(model.id)).all()

    reminders = {}
    if measures:
        for r in db.session.scalars(select(MeasureReminder).where(
                MeasureReminder.measure_id.in_([m.id for m in measures])).order_by(MeasureReminder.sent_on)):
            reminders.setdefault(r.measure_id, []).append(_iso(r.sent_on))
    return {
        "kenmerk": d.public_id, "soort": d.kind, "functie": d.function_title, "portefeuille": d.portfolio,
        "status": d.status.value, "vragenlijst": {"id": d.questionnaire_id, "versie": d.questionnaire_version,
                                                   "hash": d.questionnaire_hash},
        "deadline": _iso(d.deadline), "aangemaakt_op": _iso(d.created_at), "gewijzigd_op": _iso(d.updated_at),
        "ingediend_op": _iso(d.submitted_at), "ingetrokken_op": _iso(d.withdrawn_at),
        "onderdelen_klaar": d.progress_done, "onderdelen_totaal": d.progress_total,
        "aantallen_bevindingen": {"blokkerend": d.count_blokkerend, "hoog": d.count_hoog,
                                  "aandachtspunt": d.count_aandachtspunt},
        "uitkomst": d.outcome, "conclusie": d.conclusion, "afgerond_op": _iso(d.signed_off_at),
        "besluit": d.appointment_result.value if d.appointment_result else None,
        "besluit_datum": _iso(d.appointment_decided_at), "verwijderd_volgens_bewaartermijn_op": _iso(d.purged_at),
        "antwoorden": d.answers or {},
        "vergeleken_met_vorige_opgave": d.baseline_answers,
        "indieningen": [{
            "nummer": s.number, "tijd": _iso(s.created_at), "vragenlijst_versie": s.questionnaire_version,
            "vragenlijst_hash": s.questionnaire_hash, "verklaring_naam": s.declaration_name, "ip": s.ip,
            "antwoorden": (s.payload or {}).get("answers"), "bevindingen": (s.payload or {}).get("findings"),
            "verklaring": (s.payload or {}).get("declaration"),
        } for s in submissions],
        "vragen_om_toelichting": [{
            "vraag": c.question, "uw_antwoord": c.response, "gesteld_op": _iso(c.created_at),
            "beantwoord_op": _iso(c.answered_at)} for c in rows(ClarificationRequest)],
        "gesprekken": [{"datum": _iso(g.held_on), "deelnemers": g.participants, "verslag": g.notes,
                        "vastgelegd_op": _iso(g.created_at)} for g in rows(Gesprek)],
        "opmerkingen_beoordelaar": [{"bij": c.target, "opmerking": c.body, "op": _iso(c.created_at)}
                                    for c in rows(Comment)],
        "besluiten_over_bevindingen": [{
            "bevinding": f.finding_key, "nieuw_niveau": f.new_level or "vervallen", "motivering": f.justification,
            "op": _iso(f.created_at)} for f in rows(FindingDecision)],
        "aanvullingen": [{"tekst": a.body, "noembaar": a.mentionable, "op": _iso(a.created_at)}
                         for a in rows(Addendum)],
        "meldingen_verstuurd": [{"soort": n.kind, "gebeurtenis": n.event, "op": _iso(n.sent_at)}
                                for n in rows(NotificationSent)],
        "rapporten": [{"soort": r.kind, "documentnummer": r.document_number, "sha256": r.sha256, "bytes": r.size,
                       "op": _iso(r.created_at)} for r in rows(Report)],
        "maatregelen": [{
            "kenmerk": m.public_id, "titel": m.title, "omschrijving": m.description, "status": m.status.value,
            "catalogus": m.catalogue_id, "bij_bevindingen": m.finding_keys, "uitvoerder": m.owner,
            "noembaar_in_samenvatting": m.mentionable, "uiterste_datum": _iso(m.due_date),
            "uw_reactie": m.candidate_response, "geaccepteerd_op": _iso(m.accepted_at),
            "afgerond_op": _iso(m.completed_at), "toelichting_afronding": m.completion_note,
            "opgesteld_op": _iso(m.created_at), "herinneringen_verstuurd_op": reminders.get(m.id, []),
        } for m in measures],
    }


def _term_export(t: Term) -> dict:
    return {"kenmerk": t.public_id, "functie": t.function_title, "benoemd_op": _iso(t.appointed_on),
            "termijn_tot": _iso(t.ends_on), "beeindigd_op": _iso(t.ended_on),
            "laatst_ondertekend_op": _iso(t.signed_at),
            "vragenlijst": {"id": t.questionnaire_id, "versie": t.questionnaire_version},
            "bewaarde_antwoorden_voor_herbevestiging": t.signed_answers,
            "verwijderd_volgens_bewaartermijn_op": _iso(t.purged_at), "aangemaakt_op": _iso(t.created_at)}
