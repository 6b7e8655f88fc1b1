"""The term (zittingsperiode) of an appointed bestuurder: the record that follow-up needs.

A term starts when the griffier records 'benoemd' for a signed dossier. It keeps, for the term plus
``Organisation.retention_term_months``:
- which dossier was last signed (the appointment, later the latest signed herbevestiging) and the
  answers to the questions marked ``term: true`` in it: what the next herbevestiging compares against;
- the measures of its dossiers (they follow the term, not the dossier's own purge);
- the public register entries (the public-only snapshot each purged dossier keeps).
Legal basis: AVG art. 6(1)(e) (the public task of screening and following up the agreed measures
during the term), stated in the privacy statement and docs/operations.md.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select

from .. import audit
from ..models import (AppointmentResult, Dossier, DossierKind, DossierStatus, FollowUp, MeasureAgreement, Role,
                      Submission, Term, User, db, utcnow)
from . import org_questionnaires
from .errors import InvalidInput, NotFound, StateError

S = DossierStatus
MSG_TERM_ENDED = "De termijn van deze bestuurder is afgelopen."
MSG_ACCOUNT_INACTIVE = "Het account van deze bestuurder is niet meer actief."
MSG_NOTHING_SIGNED = "Van deze termijn is geen ondertekende opgave bewaard."
MSG_RUNNING = "Er loopt al een herbevestiging voor deze bestuurder."


def add_months(day: date, months: int) -> date:
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_questions(questionnaire) -> list:
    """The top-level questions marked ``term: true`` (a repeat question is kept as a whole)."""
    return [q for section in questionnaire.sections for q in section.questions if q.term]


def term_answers(questionnaire, answers: dict | None) -> dict:
    """Only the answers a herbevestiging compares against (the questionnaire's ``term: true`` marker)."""
    answers = answers or {}
    return {q.id: answers[q.id] for q in term_questions(questionnaire) if answers.get(q.id) is not None}


def _latest_submission(dossier: Dossier) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.dossier_id == dossier.id)
                             .order_by(Submission.number.desc()).limit(1))


def _signed_state(dossier: Dossier) -> tuple[str, str, dict]:
    """(questionnaire id, version, term answers) of a dossier's last submission."""
    sub = _latest_submission(dossier)
    if sub is None or (sub.payload or {}).get("purged"):
        raise StateError("Van dit dossier zijn de antwoorden al verwijderd; er kan geen termijn meer uit worden "
                         "vastgelegd.")
    questionnaire = org_questionnaires.for_record(sub)
    if questionnaire is None:
        raise StateError("De vragenlijst van dit dossier is niet (meer) beschikbaar.")
    return sub.questionnaire_id, sub.questionnaire_version, term_answers(questionnaire,
                                                                         (sub.payload or {}).get("answers"))


def open_term(dossier: Dossier, appointed_on: date) -> Term:
    """Create (or, for a corrected decision date, update) the term of an appointed dossier.
    The caller commits."""
    org = dossier.organisation
    term = dossier.term
    if term is None:
        qid, version, kept = _signed_state(dossier)
        term = Term(organisation_id=dossier.organisation_id, candidate_id=dossier.candidate_id, dossier_id=dossier.id,
                    signed_dossier_id=dossier.id, signed_at=dossier.signed_off_at, questionnaire_id=qid,
                    questionnaire_version=version, signed_answers=kept, function_title=dossier.function_title,
                    appointed_on=appointed_on, ends_on=add_months(appointed_on, org.term_months))
        db.session.add(term)
        db.session.flush()
        dossier.term = term
        audit.record("termijn.gestart", dossier=dossier, termijn=term.public_id, tot=term.ends_on.isoformat())
    else:
        term.appointed_on = appointed_on
        term.ends_on = add_months(appointed_on, org.term_months)
    return term


def close_term_for_corrected_decision(dossier: Dossier) -> None:
    """The decision 'benoemd' was corrected: the term it opened goes (if nothing happened in it yet)."""
    term = dossier.term
    if term is None:
        return
    others = db.session.scalar(select(func.count(Dossier.id)).where(Dossier.term_id == term.id,
                                                                    Dossier.id != dossier.id))
    if others:
        raise StateError("Tijdens deze termijn is al een herbevestiging gestart; de benoeming kan niet meer worden "
                         "gewijzigd.")
    dossier.term_id = None
    db.session.flush()
    db.session.delete(term)
    audit.record("termijn.vervallen", dossier=dossier)


def record_signed(dossier: Dossier) -> None:
    """A herbevestiging was signed off: its decision is 'herbevestigd' and it becomes the term's last
    signed state. Called inside the sign-off transaction (the caller commits)."""
    if dossier.kind != DossierKind.herbevestiging or dossier.term is None:
        return
    term = dossier.term
    qid, version, kept = _signed_state(dossier)
    term.signed_dossier_id = dossier.id
    term.signed_at = dossier.signed_off_at or utcnow()
    term.questionnaire_id, term.questionnaire_version, term.signed_answers = qid, version, kept
    dossier.appointment_result = AppointmentResult.herbevestigd
    dossier.appointment_decided_at = (dossier.signed_off_at or utcnow()).date()
    audit.record("dossier.herbevestigd", dossier=dossier, termijn=term.public_id)


def ensure_terms() -> int:
    """Safety net and backfill: every appointed, signed, not yet purged dossier has its term."""
    created = 0
    rows = db.session.scalars(select(Dossier).where(
        Dossier.appointment_result == AppointmentResult.benoemd, Dossier.status == S.afgerond,
        Dossier.term_id.is_(None), Dossier.purged_at.is_(None), Dossier.appointment_decided_at.is_not(None))).all()
    for dossier in rows:
        try:
            open_term(dossier, dossier.appointment_decided_at)
        except (StateError, KeyError):
            continue
        created += 1
    return created


# --- reading ------------------------------------------------------------------------------------------

def sitting_clause(today: date):
    """SQL: the term is still running today (a term without end date does not exist)."""
    return and_(Term.purged_at.is_(None), Term.appointed_on <= today,
                func.coalesce(Term.ended_on, Term.ends_on) > today)


def followed_up_clause(today: date):
    """SQL on Dossier (outer-joined with Term): measures of this dossier are followed up today.

    Inside a term: while the term runs, whatever the dossier's own purge state. Outside a term
    (signed, no decision yet): while the dossier is not purged."""
    return and_(Dossier.status == S.afgerond,
                or_(and_(Dossier.term_id.is_(None), Dossier.purged_at.is_(None)), sitting_clause(today)))


def sitting_terms(user: User, today: date | None = None) -> list[Term]:
    if user.role not in (Role.reviewer, Role.griffier):
        raise NotFound()
    today = today or date.today()
    return list(db.session.scalars(select(Term).join(User, User.id == Term.candidate_id)
                                   .where(Term.organisation_id == user.organisation_id, sitting_clause(today))
                                   .order_by(User.name, Term.appointed_on)))


def open_herbevestiging(term: Term) -> Dossier | None:
    return db.session.scalar(select(Dossier).where(
        Dossier.term_id == term.id, Dossier.kind == DossierKind.herbevestiging,
        Dossier.status.not_in((S.afgerond, S.ingetrokken))))


def herbevestiging_blocker(term: Term, today: date | None = None) -> str | None:
    """Why a herbevestiging cannot start now (None: it can)."""
    today = today or date.today()
    if not term.sitting(today):
        return MSG_TERM_ENDED
    if not term.candidate.active:
        return MSG_ACCOUNT_INACTIVE
    if term.signed_answers is None:
        return MSG_NOTHING_SIGNED
    if open_herbevestiging(term) is not None:
        return MSG_RUNNING
    return None


def measure_counts(term: Term, today: date) -> dict[str, int]:
    """Agreed measures of the term's signed dossiers per follow-up state (keys: the ``FollowUp`` values)."""
    counts = {state.value: 0 for state in FollowUp}
    for m in db.session.scalars(select(MeasureAgreement).join(Dossier).where(
            Dossier.term_id == term.id, Dossier.status == S.afgerond)):
        counts[m.follow_up(today).value] += 1
    return counts


def term_for(actor: User, public_id: str) -> Term:
    term = db.session.scalar(select(Term).where(Term.public_id == (public_id or "")[:32]))
    if term is None or actor.organisation_id != term.organisation_id or actor.role not in (Role.griffier,
                                                                                            Role.reviewer):
        raise NotFound()
    return term


def end_term(actor: User, term: Term, ended_on: date | None, *, ip: str | None = None) -> Term:
    """The griffier records that a bestuurder left office before the planned end (aftreden, ontslag)."""
    if actor.role != Role.griffier or actor.organisation_id != term.organisation_id:
        raise NotFound()
    if ended_on is None:
        raise InvalidInput("Vul de datum in waarop de termijn is geëindigd.")
    if ended_on < term.appointed_on or ended_on > date.today():
        raise InvalidInput("De einddatum ligt tussen de benoeming en vandaag.")
    if term.purged_at is not None:
        raise StateError("De gegevens van deze termijn zijn al verwijderd.")
    term.ended_on = min(ended_on, term.ends_on)
    audit.record("termijn.beeindigd", actor=actor, ip=ip, dossier=term.dossier, termijn=term.public_id,
                 datum=term.ended_on.isoformat())
    db.session.commit()
    return term


def purge_due(term: Term, today: date) -> bool:
    return term.purged_at is None and today >= add_months(term.end_date, term.organisation.retention_term_months)
