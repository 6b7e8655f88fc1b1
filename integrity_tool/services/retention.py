"""Retention (AVG art. 5(1)(e)): delete personal data when its period has passed.

Rules (periods per organisation, defaults in the README):
- withdrawn (status ingetrokken, or appointment result 'teruggetrokken'): all personal data at once;
- not appointed: all personal data ``retention_not_appointed_weeks`` after the decision;
- appointed: answers, snapshots, the confidential report, comments, clarifications, gesprek notes
  and level decisions ``retention_appointed_months`` after the decision. Kept: the raad summary,
  the public register entries (the public fields of the nevenfuncties), the measures (they are
  followed up during the term) and the audit trail.
Dossiers without a recorded decision are never purged automatically.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select

from .. import audit
from ..models import (AppointmentResult, ClarificationRequest, Comment, Dossier, DossierStatus, FindingDecision,
                      Gesprek, Report, Submission, User, db, utcnow)
from . import runtime, snapshot

PERSONAL_TABLES = (Comment, ClarificationRequest, Gesprek, FindingDecision)


@dataclass
class PurgeReport:
    withdrawn: int = 0
    not_appointed: int = 0
    appointed: int = 0
    rows: dict = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        if count:
            self.rows[name] = self.rows.get(name, 0) + count

    def summary(self) -> str:
        parts = [f"{self.withdrawn} ingetrokken, {self.not_appointed} niet benoemd, {self.appointed} benoemd dossier(s)"]
        if self.rows:
            parts.append("rijen: " + ", ".join(f"{k} {v}" for k, v in sorted(self.rows.items())))
        return "; ".join(parts)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def classify(dossier: Dossier, today: date) -> str | None:
    """Which rule applies today: 'withdrawn', 'not_appointed', 'appointed' or None."""
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
    elif dossier.appointment_result == AppointmentResult.benoemd:
        if today >= add_months(decided, org.retention_appointed_months):
            return "appointed"
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
    report.add("report", db.session.execute(
        delete(Report).where(Report.dossier_id == dossier.id, Report.kind.in_(kinds))).rowcount)
    dossier.answers = None
    dossier.finding_counts = None
    if not keep_public:
        dossier.conclusion = None
    dossier.purged_at = utcnow()


def _anonymise_candidate(user: User) -> None:
    """The account of a candidate who is gone: no name, no e-mail, no way to log in."""
    user.name = "Verwijderde kandidaat"
    user.email = f"verwijderd-{user.id}@verwijderd.invalid"
    user.password_hash = None
    user.totp_secret = None
    user.mfa_method = None
    user.active = False


def purge_expired(today: date | None = None, dry_run: bool = False) -> PurgeReport:
    today = today or date.today()
    report = PurgeReport()
    for dossier in db.session.scalars(select(Dossier).where(Dossier.purged_at.is_(None))).all():
        rule = classify(dossier, today)
        if rule is None:
            continue
        setattr(report, rule, getattr(report, rule) + 1)
        if dry_run:
            continue
        delete_personal_data(dossier, report, keep_public=(rule == "appointed"))
        if rule in ("withdrawn", "not_appointed"):
            others = db.session.scalar(select(Dossier.id).where(
                Dossier.candidate_id == dossier.candidate_id, Dossier.id != dossier.id, Dossier.purged_at.is_(None)))
            if others is None:
                _anonymise_candidate(dossier.candidate)
        audit.record("bewaartermijn.verwijderd", dossier=dossier, regel=rule)
    if not dry_run:
        runtime.throttle().prune(timedelta(days=1))
        db.session.commit()
    return report
