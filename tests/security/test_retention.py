"""`integrity-tool purge` deletes exactly what the documented rules say, and nothing else."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from integrity_tool.models import (AppointmentResult, AuditEvent, ClarificationRequest, Comment, DossierStatus, MeasureAgreement, Report, Submission, db)
from integrity_tool.services import retention, runtime
from tests.factories import CONCLUSION

DECIDED = date(2026, 4, 1)


def _dossier(make_dossier, result, org=None):
    """A signed-off dossier (measures, both reports) whose appointment was decided on DECIDED, with a
    reviewer's comment and a clarification request as the review leaves them."""
    answers = {"heeft_nevenfuncties": True, "nevenfuncties": [
        {"omschrijving": "Voorzitter", "organisatie": "Sportclub Zuid", "betaald": False}]}
    d = make_dossier("afgerond", org=org, result=result, decided=DECIDED, answers=answers)
    db.session.add(Comment(dossier_id=d.id, target="question:werkgever", body="vertrouwelijk", author_id=d.reviewer_id))
    db.session.add(ClarificationRequest(dossier_id=d.id, question="Waarom?", author_id=d.reviewer_id))
    db.session.commit()
    return d


def _count(model, dossier):
    return db.session.scalar(select(func.count()).select_from(model).where(model.dossier_id == dossier.id))


def test_not_appointed_after_n_weeks(org, make_user, make_dossier):
    d = _dossier(make_dossier, AppointmentResult.niet_benoemd)
    weeks = org.retention_not_appointed_weeks
    before = retention.purge_expired(today=DECIDED + timedelta(weeks=weeks) - timedelta(days=1))
    assert before.not_appointed == 0 and _count(Submission, d) == 1
    report = retention.purge_expired(today=DECIDED + timedelta(weeks=weeks))
    assert report.not_appointed == 1
    db.session.expire_all()
    assert d.answers is None and d.purged_at is not None
    for model in (Submission, Comment, ClarificationRequest, Report, MeasureAgreement):  # issue 19: measures too
        assert _count(model, d) == 0
    assert d.conclusion is None
    assert d.candidate.email.endswith("@verwijderd.invalid") and not d.candidate.active
    assert d.candidate.password_hash is None and d.candidate.totp_secret is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.dossier_id == d.id, AuditEvent.action == "bewaartermijn.verwijderd")) == 1


def test_appointed_keeps_summary_register_measures_and_audit(org, make_user, make_dossier):
    d = _dossier(make_dossier, AppointmentResult.benoemd)
    measures = _count(MeasureAgreement, d)
    assert measures > 0
    months = org.retention_appointed_months
    assert retention.purge_expired(today=retention.add_months(DECIDED, months) - timedelta(days=1)).appointed == 0
    report = retention.purge_expired(today=retention.add_months(DECIDED, months))
    assert report.appointed == 1
    db.session.expire_all()
    assert d.answers is None
    kinds = db.session.scalars(select(Report.kind).where(Report.dossier_id == d.id)).all()
    assert kinds == ["samenvatting"]
    assert _count(Comment, d) == 0 and _count(ClarificationRequest, d) == 0
    assert _count(MeasureAgreement, d) == measures  # kept for the follow-up during the term
    sub = db.session.scalars(select(Submission).where(Submission.dossier_id == d.id)).one()
    items = sub.payload["answers"]["nevenfuncties"]
    questionnaire = runtime.catalog().get("kandidaat-wethouder")
    public_subs = {q.id for q in questionnaire.question("nevenfuncties").questions if q.public}
    assert items and all(set(item) <= public_subs for item in items)
    assert sub.payload["findings"] == [] and sub.declaration_name is None
    assert d.candidate.active  # a sitting bestuurder keeps the account
    assert d.conclusion == CONCLUSION


def test_undecided_dossiers_are_never_purged(org, make_user, make_dossier):
    d = _dossier(make_dossier, None)
    report = retention.purge_expired(today=date(2040, 1, 1))
    assert (report.withdrawn, report.not_appointed, report.appointed) == (0, 0, 0)
    db.session.expire_all()
    assert d.answers is not None and _count(Submission, d) == 1


def test_withdrawn_purged_at_once(org, make_user, make_dossier):
    d = _dossier(make_dossier, None)
    # Withdrawing deletes the data at once (submission.withdraw); the purge is the safety net for a withdrawn
    # dossier whose data is still there (a failure half-way, or data from before that rule): no service
    # leaves one behind, so this status is written directly.
    d.status = DossierStatus.ingetrokken
    db.session.commit()
    report = retention.purge_expired(today=date(2026, 1, 1))
    assert report.withdrawn == 1 and report.accounts == 1  # the safety net anonymises the account too
    db.session.expire_all()
    assert _count(Submission, d) == 0 and d.answers is None and _count(MeasureAgreement, d) == 0
    assert not d.candidate.active and d.candidate.password_hash is None
    assert retention.purge_expired(today=date(2026, 1, 2)).withdrawn == 0  # idempotent


def test_dry_run_changes_nothing(org, make_user, make_dossier, runner):
    d = _dossier(make_dossier, AppointmentResult.niet_benoemd)
    result = runner.invoke(args=["purge", "--dry-run", "--today", "2030-01-01"])
    assert result.exit_code == 0 and "Zou verwijderen: 0 ingetrokken, 1 niet benoemd" in result.output
    db.session.expire_all()
    assert _count(Submission, d) == 1 and d.purged_at is None
    result = runner.invoke(args=["purge", "--today", "2030-01-01"])
    assert "Verwijderd: 0 ingetrokken, 1 niet benoemd" in result.output


def test_other_dossiers_untouched(org, make_user, make_dossier, make_org):
    gone = _dossier(make_dossier, AppointmentResult.niet_benoemd)
    other_org = make_org()
    other_org.retention_not_appointed_weeks = 52
    db.session.commit()
    stays = _dossier(make_dossier, AppointmentResult.niet_benoemd, org=other_org)
    retention.purge_expired(today=DECIDED + timedelta(weeks=10))
    db.session.expire_all()
    assert gone.purged_at is not None and stays.purged_at is None and _count(Submission, stays) == 1
