"""`integrity-tool purge` deletes exactly what the documented rules say, and nothing else."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from integrity_tool.models import (AppointmentResult, AuditEvent, ClarificationRequest, Comment, DossierStatus, MeasureAgreement, Report, Submission, db)
from integrity_tool.services import retention, runtime
from integrity_tool.services.dossiers import create_dossier

DECIDED = date(2026, 4, 1)


def _dossier(org, make_user, result, answers=None):
    candidate = make_user("candidate", org)
    reviewer = make_user("reviewer", org)
    questionnaire = runtime.catalog().get("kandidaat-wethouder")
    d = create_dossier(org, candidate, reviewer, questionnaire.id, function_title="Wethouder")
    answers = answers or {"nevenfuncties": [{"omschrijving": "Voorzitter", "organisatie": "Sportclub Zuid",
                                              "betaald": False}]}
    d.answers = answers
    d.status = DossierStatus.afgerond
    d.conclusion = "Geen bijzonderheden."
    d.appointment_result = result
    d.appointment_decided_at = DECIDED if result else None
    db.session.add(Submission(dossier_id=d.id, number=1, questionnaire_id=questionnaire.id,
                              questionnaire_version=questionnaire.version,
                              questionnaire_hash=questionnaire.content_hash,
                              payload={"answers": answers, "findings": [{"key": "x"}]}, declaration_name="K"))
    db.session.add(Comment(dossier_id=d.id, target="question:x", body="vertrouwelijk", author_id=reviewer.id))
    db.session.add(ClarificationRequest(dossier_id=d.id, question="Waarom?", author_id=reviewer.id))
    for kind in ("vertrouwelijk", "samenvatting"):
        db.session.add(Report(dossier_id=d.id, kind=kind, document_number=f"RI-{d.id}-{kind}", sha256="0" * 64,
                              size=3, content=b"pdf"))
    db.session.add(MeasureAgreement(dossier_id=d.id, title="Openbaarmaking", description="d", owner="candidate",
                                    created_by_id=reviewer.id))
    db.session.commit()
    return d


def _count(model, dossier):
    return db.session.scalar(select(func.count()).select_from(model).where(model.dossier_id == dossier.id))


@pytest.fixture
def org(make_org):
    return make_org()


def test_not_appointed_after_n_weeks(org, make_user):
    d = _dossier(org, make_user, AppointmentResult.niet_benoemd)
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


def test_appointed_keeps_summary_register_measures_and_audit(org, make_user):
    d = _dossier(org, make_user, AppointmentResult.benoemd)
    months = org.retention_appointed_months
    assert retention.purge_expired(today=retention.add_months(DECIDED, months) - timedelta(days=1)).appointed == 0
    report = retention.purge_expired(today=retention.add_months(DECIDED, months))
    assert report.appointed == 1
    db.session.expire_all()
    assert d.answers is None
    kinds = db.session.scalars(select(Report.kind).where(Report.dossier_id == d.id)).all()
    assert kinds == ["samenvatting"]
    assert _count(Comment, d) == 0 and _count(ClarificationRequest, d) == 0
    assert _count(MeasureAgreement, d) == 1
    sub = db.session.scalars(select(Submission).where(Submission.dossier_id == d.id)).one()
    items = sub.payload["answers"]["nevenfuncties"]
    questionnaire = runtime.catalog().get("kandidaat-wethouder")
    public_subs = {q.id for q in questionnaire.question("nevenfuncties").questions if q.public}
    assert items and all(set(item) <= public_subs for item in items)
    assert sub.payload["findings"] == [] and sub.declaration_name is None
    assert d.candidate.active  # a sitting bestuurder keeps the account
    assert d.conclusion == "Geen bijzonderheden."


def test_undecided_dossiers_are_never_purged(org, make_user):
    d = _dossier(org, make_user, None)
    report = retention.purge_expired(today=date(2040, 1, 1))
    assert (report.withdrawn, report.not_appointed, report.appointed) == (0, 0, 0)
    db.session.expire_all()
    assert d.answers is not None and _count(Submission, d) == 1


def test_withdrawn_purged_at_once(org, make_user):
    d = _dossier(org, make_user, None)
    d.status = DossierStatus.ingetrokken
    db.session.commit()
    report = retention.purge_expired(today=date(2026, 1, 1))
    assert report.withdrawn == 1 and report.accounts == 1  # the safety net anonymises the account too
    db.session.expire_all()
    assert _count(Submission, d) == 0 and d.answers is None and _count(MeasureAgreement, d) == 0
    assert not d.candidate.active and d.candidate.password_hash is None
    assert retention.purge_expired(today=date(2026, 1, 2)).withdrawn == 0  # idempotent


def test_dry_run_changes_nothing(org, make_user, runner):
    d = _dossier(org, make_user, AppointmentResult.niet_benoemd)
    result = runner.invoke(args=["purge", "--dry-run", "--today", "2030-01-01"])
    assert result.exit_code == 0 and "Zou verwijderen: 0 ingetrokken, 1 niet benoemd" in result.output
    db.session.expire_all()
    assert _count(Submission, d) == 1 and d.purged_at is None
    result = runner.invoke(args=["purge", "--today", "2030-01-01"])
    assert "Verwijderd: 0 ingetrokken, 1 niet benoemd" in result.output


def test_other_dossiers_untouched(org, make_user, make_org):
    gone = _dossier(org, make_user, AppointmentResult.niet_benoemd)
    other_org = make_org()
    other_org.retention_not_appointed_weeks = 52
    db.session.commit()
    stays = _dossier(other_org, make_user, AppointmentResult.niet_benoemd)
    retention.purge_expired(today=DECIDED + timedelta(weeks=10))
    db.session.expire_all()
    assert gone.purged_at is not None and stays.purged_at is None and _count(Submission, stays) == 1
