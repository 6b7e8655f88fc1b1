"""Issue 19 acceptance: a whole term with a frozen clock, the database checked at each step.

Appointment -> purge after 3 months -> measures followed up and reminded through month 11 ->
herbevestiging in month 12 with a correct diff -> end of term -> final purge.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from integrity_tool import audit
from integrity_tool.models import (AppointmentResult, AuditEvent, ClarificationRequest, Comment, DeletedReport,
                                   Dossier, DossierStatus, FindingDecision, Gesprek, MeasureAgreement,
                                   MeasureReminder, MeasureStatus, Report, Submission, Term, db)
from integrity_tool.services import answers as answers_service
from integrity_tool.services import (herbevestiging, measures, register, reports, retention, review, rounds, signoff,
                                     snapshot, terms)

from tests.factories import MENTIONABLE_TITLE, PRIVATE_TITLE, advance, fresh_code, submit_answers

from .helpers import base_answers

T0 = date(2027, 1, 11)  # the day the raad appoints the bestuurder


def at(day: date):
    return freeze_time(datetime(day.year, day.month, day.day, 10, 0, 0))


def month(n: int) -> date:
    return terms.add_months(T0, n)


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def test_a_whole_term(world):
    d = world.dossier
    org = world.org
    assert (org.retention_appointed_months, org.term_months, org.retention_term_months) == (3, 48, 3)

    # --- signed off and appointed ------------------------------------------------------------------
    with at(T0 - timedelta(days=7)):
        advance(world.dossier, "afgerond", due=month(10))
    with at(T0):
        rounds.record_appointment(world.griffier, d, "benoemd", T0)
        db.session.refresh(d)
        term = db.session.scalars(select(Term)).one()
        assert d.term_id == term.id and term.signed_dossier_id == d.id
        assert term.appointed_on == T0 and term.ends_on == month(48)
        kept = term.signed_answers
        # Only the questions marked `term: true` in the questionnaire: nothing else of the dossier.
        marked = {q.id for q in terms.term_questions(snapshot.questionnaire_for(d))}
        assert {"werkgever", "heeft_nevenfuncties", "nevenfuncties"} <= set(kept) <= marked
        assert "levert_aan_overheid" not in kept and "omstreden_rol" not in kept
        assert [e.name for e in register.build_register(org).entries] == [world.candidate.name]

    # --- the appointed dossier's own purge after 3 months --------------------------------------------
    with at(month(3) - timedelta(days=1)):
        assert retention.purge_expired().appointed == 0
    with at(month(3)):
        report = retention.purge_expired()
        assert report.appointed == 1 and report.terms == 0 and report.accounts == 0
        db.session.expire_all()
        assert d.purged_at is not None and d.answers is None
        for model in (Comment, ClarificationRequest, Gesprek, FindingDecision):
            assert count(model, dossier_id=d.id) == 0
        assert db.session.scalars(select(Report.kind).where(Report.dossier_id == d.id)).all() == ["samenvatting"]
        assert count(DeletedReport, kind="vertrouwelijk") == 1
        sub = db.session.scalars(select(Submission).where(Submission.dossier_id == d.id)).one()
        public = {q.id for s in snapshot.questionnaire_for(d).sections for q in s.questions
                  if q.public or any(x.public for x in q.questions)}
        assert sub.payload["purged"] and {"werkgever", "nevenfuncties"} <= set(sub.payload["answers"]) <= public
        # The term record keeps what follow-up needs: measures, register, the signed term answers.
        assert count(MeasureAgreement, dossier_id=d.id) == 2
        assert term.signed_answers == kept and term.purged_at is None
        assert world.candidate.active
        assert [e.name for e in register.build_register(org).entries] == [world.candidate.name]

    # --- follow-up during the term: overview and completion ------------------------------------------
    with at(month(5)):
        rows = measures.overview(world.griffier)
        assert {m.title: state for m, state in rows} == {MENTIONABLE_TITLE: "open", PRIVATE_TITLE: "open"}
        assert terms.measure_counts(term, date.today()) == {"open": 2, "verlopen": 0, "uitgevoerd": 0}
        private = next(m for m, _ in rows if m.title == PRIVATE_TITLE)
        measures.complete(world.griffier, private.public_id, "Gepubliceerd.")

    # --- reminders through month 11 ------------------------------------------------------------------
    with at(month(9)):
        assert measures.send_reminders() == (0, 0)  # due in month 10: not yet within 14 days
    with at(month(10) - timedelta(days=10)):
        assert measures.send_reminders() == (1, 0)
        assert measures.send_reminders() == (0, 1)  # once per day
    with at(month(11)):
        assert measures.send_reminders() == (1, 0)  # overdue: reminded again
        rows = {m.title: state for m, state in measures.overview(world.griffier)}
        assert rows == {MENTIONABLE_TITLE: "verlopen", PRIVATE_TITLE: "uitgevoerd"}
        assert count(MeasureReminder) == 2

    # --- herbevestiging in month 12, from the term record (the dossier was purged 9 months ago) --------
    with at(month(12)):
        assert terms.herbevestiging_blocker(term) is None
        new = herbevestiging.start(world.griffier, term)
        assert new.kind == "herbevestiging" and new.term_id == term.id and new.previous_id == d.id
        assert new.answers == kept  # prefilled from the term record
        # Progress as the candidate's pages compute it (the review found "0 van 12" next to "12 van 12").
        prog = answers_service.progress(snapshot.questionnaire_for(new), new.answers)
        assert (new.progress_done, new.progress_total) == (prog.done, prog.total)
        assert terms.herbevestiging_blocker(term) == "Er loopt al een herbevestiging voor deze bestuurder."

        changed = base_answers()
        changed["werkgever"] = "Nieuwe Werkgever BV"
        changed["nevenfuncties"] = changed["nevenfuncties"] + [
            {"omschrijving": "Bestuurslid", "organisatie": "Historische Kring", "betaald": False, "qq": False,
             "relatie_overheid": ["geen"], "behouden": True}]
        submit_answers(new, changed)
        diff = herbevestiging.changes_since_previous(new)
        got = sorted((c.kind, c.label) for s in diff for c in s.changes)
        assert got == [("gewijzigd", "Wie is uw huidige werkgever (of bent u zelfstandig)?"),
                       ("toegevoegd", "Uw nevenfuncties")], got
        # Questions outside the term record (levert_aan_overheid, omstreden_rol) are not listed as 'added'.
        review.open_dossier(world.reviewer, new.public_id)
        review.decide_finding(world.reviewer, new, "levert_aan_overheid", "hoog", "Beëindigd.")
        signoff.save_conclusion(world.reviewer, new, "aandachtspunten", "Geen nieuwe risico's.")
        signoff.sign_off(world.reviewer, new, fresh_code(world.reviewer), expected_version=new.version)
        db.session.expire_all()
        assert new.status == DossierStatus.afgerond
        assert new.appointment_result == AppointmentResult.herbevestigd and new.appointment_decided_at == month(12)
        assert term.signed_dossier_id == new.id and term.signed_answers["werkgever"] == "Nieuwe Werkgever BV"
        organisations = {r["organisatie"] for e in register.build_register(org).entries for r in e.nevenfuncties}
        assert "Historische Kring" in organisations

    # --- the herbevestiging's own retention ------------------------------------------------------------
    with at(month(15)):
        report = retention.purge_expired()
        assert report.herbevestigd == 1 and report.appointed == 0
        db.session.expire_all()
        assert new.answers is None and new.baseline_answers is None and count(Comment, dossier_id=new.id) == 0
        assert db.session.scalars(select(Report.kind).where(Report.dossier_id == new.id)).all() == ["samenvatting"]
        assert term.signed_answers["werkgever"] == "Nieuwe Werkgever BV"  # the term record is not touched
        # A second herbevestiging compares against the first one's signed state.
        second = herbevestiging.start(world.griffier, term)
        assert second.previous_id == new.id and second.baseline_answers == term.signed_answers
        assert herbevestiging.changes_since_previous(second) == []

    # --- end of term: no more follow-up, reminders or register entry --------------------------------
    with at(month(48)):
        assert not term.sitting(date.today())
        assert measures.overview(world.griffier) == []
        assert measures.send_reminders(days=365) == (0, 0)
        assert register.build_register(org).entries == []
        assert terms.herbevestiging_blocker(term) == "De termijn van deze bestuurder is afgelopen."
        assert count(MeasureAgreement) == 2 and term.purged_at is None  # kept for the configured period

    # --- final purge: term + retention_term_months ---------------------------------------------------
    with at(month(51) - timedelta(days=1)):
        assert retention.purge_expired().terms == 0
    summary_pdf = db.session.scalar(select(Report.content).where(Report.dossier_id == d.id,
                                                                 Report.kind == "samenvatting"))
    with at(month(51)):
        genuine = reports.verify_upload(summary_pdf)
        assert genuine.ok and not genuine.deleted_but_genuine
        report = retention.purge_expired()
        assert report.terms == 1 and report.accounts == 1
        db.session.expire_all()
        assert term.purged_at is not None and term.signed_answers is None
        for dossier in (d, new, second):
            assert dossier.purged_at is not None and dossier.answers is None and dossier.conclusion is None
            for model in (Submission, MeasureAgreement, Report, Comment, Gesprek, FindingDecision):
                assert count(model, dossier_id=dossier.id) == 0, (model, dossier.kind)
        assert count(MeasureReminder) == 0
        assert count(DeletedReport) == 4  # two per signed dossier: number and hash only
        candidate = world.candidate
        assert not candidate.active and candidate.password_hash is None and candidate.totp_secret is None
        assert candidate.email.endswith("@verwijderd.invalid") and candidate.name == "Verwijderde kandidaat"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "bewaartermijn.termijn_verwijderd")) == 1
        assert retention.purge_expired().terms == 0  # idempotent
        assert audit.verify_chain().ok
        # /verificatie: "deleted under the retention policy" is not "changed after signing".
        deleted = reports.verify_upload(summary_pdf)
        assert not deleted.ok and deleted.deleted_but_genuine and deleted.registered
        assert deleted.problems == [reports.MSG_DELETED_UNDER_RETENTION]
        tampered = summary_pdf.replace(b"/Producer", b"/Producex", 1)
        changed = reports.verify_upload(tampered)
        assert not changed.ok and not changed.deleted_but_genuine and not changed.registered
        assert reports.MSG_DELETED_UNDER_RETENTION not in changed.problems


def test_griffier_ends_a_term_early(app, world, make_user):
    from tests.conftest import login

    from .helpers import new_client

    advance(world.dossier, "afgerond")
    rounds.record_appointment(world.griffier, world.dossier, "benoemd", date.today() - timedelta(days=30))
    term = world.dossier.term
    g = new_client(app)
    login(g, world.griffier)
    assert "Termijn beëindigen" in g.get("/beoordeling/maatregelen").get_data(as_text=True)
    stranger = new_client(app)
    login(stranger, make_user("griffier"))
    assert stranger.post(f"/beoordeling/termijn/{term.public_id}/beeindigen",
                         data={"ended_on": date.today().isoformat()}).status_code == 404
    assert g.post(f"/beoordeling/termijn/{term.public_id}/beeindigen", data={"ended_on": ""}).status_code == 400
    r = g.post(f"/beoordeling/termijn/{term.public_id}/beeindigen", data={"ended_on": date.today().isoformat()})
    assert r.status_code == 302
    db.session.expire_all()
    assert term.ended_on == date.today() and not term.sitting(date.today())
    assert measures.overview(world.griffier) == [] and register.build_register(world.org).entries == []
    page = g.get("/beoordeling/maatregelen").get_data(as_text=True)
    assert "Er zijn geen zittende bestuurders" in page
    # The retention clock runs from the real end: purged retention_term_months later.
    assert retention.purge_expired(today=terms.add_months(date.today(), 3) - timedelta(days=1)).terms == 0
    assert retention.purge_expired(today=terms.add_months(date.today(), 3)).terms == 1
