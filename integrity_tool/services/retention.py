"""Retention (AVG art. 5(1)(e)): delete personal data when its period has passed.

Rules (periods per organisation, defaults in docs/operations.md):
- withdrawn (status ingetrokken, or appointment result 'teruggetrokken'): all personal data at once,
  the account anonymised at once (services/submission.withdraw; this job is the safety net);
- not appointed: all personal data, measures included, ``retention_not_appointed_weeks`` after the
  decision; the account anonymised;
- appointed: answers, snapshots, the confidential report, comments, clarifications, gesprek notes
  and level decisions ``retention_appointed_months`` after the decision. Kept for the term: the term
  record (services/terms.py), the raad summary, the public register entries (the public fields of the
  nevenfuncties), the measures and the audit trail;
- herbevestigd (a signed herbevestiging): the same as appointed, ``retention_appointed_months`` after
  its sign-off;
- end of term: ``retention_term_months`` after the term ends, everything of the term (measures,
  register entries, summaries, the term record's answers, unfinished herbevestigingen) and the
  account. Left: the audit trail and, per deleted signed PDF, its number and hash (for /verificatie).
Dossiers without a recorded decision are never purged automatically.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select

from .. import audit
from ..models import (Addendum, AppointmentResult, ClarificationRequest, Comment, DeletedReport, Dossier,
                      DossierStatus, FindingDecision, Gesprek, MeasureAgreement, Report, Role, Submission, Term,
                      User, db, utcnow)
from ..models.user import EmailCode, Invitation, RecoveryCode, UserSession
from . import runtime, snapshot
from . import terms as terms_service

PERSONAL_TABLES = (Comment, ClarificationRequest, Gesprek, FindingDecision)


@dataclass
class PurgeReport:
    withdrawn: int = 0
    not_appointed: int = 0
    appointed: int = 0
    herbevestigd: int = 0
    terms: int = 0
    accounts: int = 0
    rows: dict = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        if count:
            self.rows[name] = self.rows.get(name, 0) + count

    def summary(self) -> str:
        parts = [f"{self.withdrawn} ingetrokken, {self.not_appointed} niet benoemd, {self.appointed} benoemd, "
                 f"{self.herbevestigd} herbevestigd dossier(s); {self.terms} beëindigde termijn(en); "
                 f"{self.accounts} account(s) geanonimiseerd"]
        if self.rows:
            parts.append("rijen: " + ", ".join(f"{k} {v}" for k, v in sorted(self.rows.items())))
        return "; ".join(parts)


add_months = terms_service.add_months


def classify(dossier: Dossier, today: date) -> str | None:
    """Which rule applies today: 'withdrawn', 'not_appointed', 'appointed', 'herbevestigd' or None."""
    if dossier.purged_at is not None and dossier.status == DossierStatus.ingetrokken:
        return None
    org = dossier.organisation
    if dossier.status == DossierStatus.ingetrokken or dossier.appointment_result == AppointmentResult.teruggetrokken:
        return None if dossier.purged_at else "withdrawn"
    decided = dossier.appointment_decided_at
    if decided is None or dossier.purged_at is not None:
        return None
    if dossier.appointment_result == AppointmentResult.niet_benoemd:
        if today >= decided + timedelta(weeks=org.retention_not_appointed_weeks):
            return "not_appointed"
    elif dossier.appointment_result in (AppointmentResult.benoemd, AppointmentResult.herbevestigd):
        if today >= add_months(decided, org.retention_appointed_months):
            return "appointed" if dossier.appointment_result == AppointmentResult.benoemd else "herbevestigd"
    return None


def public_only(questionnaire, answers: dict | None) -> dict:
    """Keep only answers to fields marked `public` (what the register and the summary may show)."""
    result = {}
    for section in questionnaire.sections:
        for question in section.questions:
            value = (answers or {}).get(question.id)
            if value is None:
                continue
            if question.type == "repeat":
                public_subs = [sub.id for sub in question.questions if sub.public]
                if public_subs and isinstance(value, list):
                    result[question.id] = [{k: item.get(k) for k in public_subs if k in item}
                                           for item in value if isinstance(item, dict)]
            elif question.public:
                result[question.id] = value
    return result


def delete_personal_data(dossier: Dossier, report: PurgeReport, *, keep_public: bool) -> None:
    for model in PERSONAL_TABLES:
        report.add(model.__tablename__,
                   db.session.execute(delete(model).where(model.dossier_id == dossier.id)).rowcount)
    submissions = db.session.scalars(
        select(Submission).where(Submission.dossier_id == dossier.id).order_by(Submission.number)).all()
    latest = submissions[-1] if submissions else None
    for sub in submissions:
        if keep_public and sub is latest:
            questionnaire = snapshot.questionnaire_for(sub)
            kept = public_only(questionnaire, snapshot.submission_answers(sub)) if questionnaire is not None else {}
            sub.payload = {"answers": kept, "findings": [], "purged": True}
            sub.declaration_name = None
            report.add("submission (alleen openbare velden bewaard)", 1)
        else:
            db.session.delete(sub)
            report.add("submission", 1)
    kinds = ("vertrouwelijk",) if keep_public else ("vertrouwelijk", "samenvatting")
    delete_reports(dossier, kinds, report)
    if not keep_public:
        report.add("measure", db.session.execute(
            delete(MeasureAgreement).where(MeasureAgreement.dossier_id == dossier.id)).rowcount)
        report.add("addendum", db.session.execute(
            delete(Addendum).where(Addendum.dossier_id == dossier.id)).rowcount)
        dossier.conclusion = None
        dossier.progress_done = 0
    dossier.answers = None
    dossier.baseline_answers = None
    dossier.finding_counts = None
    dossier.purged_at = dossier.purged_at or utcnow()


def delete_reports(dossier: Dossier, kinds: tuple[str, ...], report: PurgeReport) -> None:
    """Delete signed PDFs, leaving their number and hash so /verificatie can tell 'deleted under the
    retention policy' apart from 'changed after signing'."""
    for row in db.session.scalars(select(Report).where(Report.dossier_id == dossier.id, Report.kind.in_(kinds))):
        if db.session.scalar(select(DeletedReport.id).where(DeletedReport.document_number == row.document_number)) \
                is None:
            db.session.add(DeletedReport(organisation_id=dossier.organisation_id, kind=row.kind,
                                         document_number=row.document_number, sha256=row.sha256,
                                         issued_at=row.created_at))
        db.session.delete(row)
        report.add("report", 1)
    db.session.flush()


def _term_purge(term: Term, report: PurgeReport) -> None:
    """The term ended and its period passed: everything of it goes, the audit trail stays."""
    for dossier in db.session.scalars(select(Dossier).where(Dossier.term_id == term.id)):
        delete_personal_data(dossier, report, keep_public=False)
    term.signed_answers = None
    term.purged_at = utcnow()
    audit.record("bewaartermijn.termijn_verwijderd", dossier=term.dossier, termijn=term.public_id)


def has_live_data(user: User) -> bool:
    """Anything of this candidate still kept: a dossier not purged, or a term not purged."""
    return db.session.scalar(select(Dossier.id).where(Dossier.candidate_id == user.id,
                                                      Dossier.purged_at.is_(None)).limit(1)) is not None or \
        db.session.scalar(select(Term.id).where(Term.candidate_id == user.id, Term.purged_at.is_(None))
                          .limit(1)) is not None


def anonymise_if_gone(user: User) -> bool:
    """Anonymise a candidate's account once nothing of theirs is kept any more. True if it happened."""
    if user.role != Role.candidate or user.email.endswith("@verwijderd.invalid") or has_live_data(user):
        return False
    has_dossier = db.session.scalar(select(Dossier.id).where(Dossier.candidate_id == user.id).limit(1))
    if has_dossier is None:  # invited, nothing submitted yet: not this job's business
        return False
    _anonymise_candidate(user)
    audit.record("account.geanonimiseerd", organisation_id=user.organisation_id, account=user.id)
    return True


def _anonymise_candidate(user: User) -> None:
    """The account of a candidate who is gone: no name, no e-mail, no way to log in."""
    user.name = "Verwijderde kandidaat"
    user.email = f"verwijderd-{user.id}@verwijderd.invalid"
    user.password_hash = None
    user.totp_secret = None
    user.mfa_method = None
    user.active = False
    user.privacy_version = None
    user.privacy_acknowledged_at = None
    for model in (UserSession, RecoveryCode, EmailCode, Invitation):  # logged out at once, no way back in
        db.session.execute(delete(model).where(model.user_id == user.id))


def purge_expired(today: date | None = None, dry_run: bool = False) -> PurgeReport:
    today = today or date.today()
    report = PurgeReport()
    if not dry_run:
        terms_service.ensure_terms()
    for dossier in db.session.scalars(select(Dossier).where(Dossier.purged_at.is_(None))).all():
        rule = classify(dossier, today)
        if rule is None:
            continue
        setattr(report, rule, getattr(report, rule) + 1)
        if dry_run:
            continue
        delete_personal_data(dossier, report, keep_public=rule in ("appointed", "herbevestigd"))
        audit.record("bewaartermijn.verwijderd", dossier=dossier, regel=rule)
    for term in db.session.scalars(select(Term).where(Term.purged_at.is_(None))).all():
        if not terms_service.purge_due(term, today):
            continue
        report.terms += 1
        if not dry_run:
            _term_purge(term, report)
    if dry_run:
        return report
    db.session.flush()
    # Every candidate of whom nothing is kept any more: anonymised (withdrawal does it at once; this is
    # the safety net, and the moment for the not appointed and for the end of a term).
    candidates = db.session.scalars(select(User).where(User.role == Role.candidate,
                                                       User.email.not_like("%@verwijderd.invalid"))).all()
    for user in candidates:
        if anonymise_if_gone(user):
            report.accounts += 1
    if not dry_run:
        runtime.throttle().prune(timedelta(days=1))
        db.session.commit()
    return report
