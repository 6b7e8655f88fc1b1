"""Acceptance 3 and 4 of issue 5: follow-up of measures (verlopen, reminders once per day) and the
jaarlijkse herbevestiging with its differences."""
from __future__ import annotations

import email
from datetime import date, timedelta
from email import policy

import pytest
from sqlalchemy import func, select

from integrity_tool.models import Dossier, DossierStatus, MeasureAgreement, MeasureReminder, MeasureStatus, db
from integrity_tool.services import herbevestiging, measures, review, rounds, snapshot
from integrity_tool.services.errors import NotFound, StateError
from tests.conftest import login, outbox_messages

from tests.factories import MENTIONABLE_TITLE, PRIVATE_TITLE, advance, submit_answers

from .helpers import base_answers, new_client


def _reminders(app, runner, day: date, days: int = 14):
    result = runner.invoke(args=["reminders", "--days", str(days), "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_overdue_measure_is_verlopen_and_reminded_once_per_day(app, runner, world):
    today = date.today()
    advance(world.dossier, "afgerond", due=today - timedelta(days=3))
    c = new_client(app)
    login(c, world.reviewer)
    html = c.get("/beoordeling/maatregelen?status=verlopen").get_data(as_text=True)
    assert MENTIONABLE_TITLE in html and "Verlopen" in html
    assert MENTIONABLE_TITLE not in c.get("/beoordeling/maatregelen?status=uitgevoerd").get_data(as_text=True)

    # Complete one measure (griffier-owned) so only the candidate's overdue measure is reminded.
    griffier_measure = db.session.scalar(select(MeasureAgreement).where(MeasureAgreement.title == PRIVATE_TITLE))
    g = new_client(app)
    login(g, world.griffier)
    assert g.post(f"/beoordeling/maatregelen/{griffier_measure.public_id}/uitgevoerd",
                  data={"note": "Gepubliceerd in het register."}).status_code == 302
    db.session.refresh(griffier_measure)
    assert griffier_measure.status == MeasureStatus.uitgevoerd
    # The griffier may not complete the candidate's measure.
    cand_measure = db.session.scalar(select(MeasureAgreement).where(MeasureAgreement.title == MENTIONABLE_TITLE))
    assert g.post(f"/beoordeling/maatregelen/{cand_measure.public_id}/uitgevoerd",
                  data={"note": "x"}).status_code == 404

    for f in outbox_messages(app):
        f.unlink()
    assert "1 herinnering(en) verstuurd" in _reminders(app, runner, today)
    assert "0 herinnering(en) verstuurd" in _reminders(app, runner, today)
    mails = outbox_messages(app)
    assert len(mails) == 1
    msg = email.message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert msg["To"] == world.candidate.email
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "verlopen" in body and MENTIONABLE_TITLE in body
    _reminders(app, runner, today + timedelta(days=1))
    assert len(outbox_messages(app)) == 2
    assert db.session.scalar(select(func.count(MeasureReminder.id))) == 2

    # The candidate records completion with a note; no more reminders.
    cc = new_client(app)
    login(cc, world.candidate)
    assert cc.post(f"/kandidaat/maatregelen/{cand_measure.public_id}/uitgevoerd",
                   data={"note": "Functie neergelegd per 1 april."}).status_code == 302
    _reminders(app, runner, today + timedelta(days=2))
    assert len(outbox_messages(app)) == 2
    html = c.get("/beoordeling/maatregelen?status=uitgevoerd").get_data(as_text=True)
    assert MENTIONABLE_TITLE in html


def test_measure_due_later_is_not_reminded_until_within_window(app, runner, world):
    today = date.today()
    advance(world.dossier, "afgerond", due=today + timedelta(days=30))
    _reminders(app, runner, today)
    assert outbox_messages(app) == [] or all("Herinnering" not in p.read_text(errors="ignore") for p in outbox_messages(app))
    assert db.session.scalar(select(func.count(MeasureReminder.id))) == 0
    _reminders(app, runner, today + timedelta(days=20))
    assert db.session.scalar(select(func.count(MeasureReminder.id))) == 2


def test_completion_only_after_sign_off(world):
    review.open_dossier(world.reviewer, world.dossier.public_id)
    m = measures.propose_measure(world.reviewer, world.dossier, title="T", description="D", owner="candidate",
                                 due_date=date.today())
    with pytest.raises(StateError):
        measures.complete(world.reviewer, m.public_id, "klaar")


def test_herbevestiging_prefills_and_shows_differences(app, world):
    advance(world.dossier, "afgerond")
    # Issue 19: a herbevestiging starts from the term record of an appointed bestuurder.
    rounds.record_appointment(world.griffier, world.dossier, "benoemd", date.today())
    term = world.dossier.term
    g = new_client(app)
    login(g, world.griffier)
    page = g.get("/beoordeling/maatregelen").get_data(as_text=True)
    assert f"/beoordeling/termijn/{term.public_id}/herbevestiging" in page
    assert g.post(f"/beoordeling/termijn/{term.public_id}/herbevestiging").status_code == 302
    new = db.session.scalar(select(Dossier).where(Dossier.previous_id == world.dossier.id))
    assert new.kind == "herbevestiging" and new.status == DossierStatus.concept and new.term_id == term.id
    assert new.candidate_id == world.candidate.id
    assert new.answers == snapshot.submission_answers(snapshot.latest_submission(world.dossier))
    assert any(world.candidate.email in p.read_text(errors="ignore") for p in outbox_messages(app))
    # The bestuurder sees it labelled, with the progress the dossier page shows, and cannot withdraw.
    cc = new_client(app)
    login(cc, world.candidate)
    home = cc.get("/kandidaat/").get_data(as_text=True)
    assert "Herbevestiging: Wethouder" in home
    done = cc.get(f"/kandidaat/dossier/{new.public_id}/").get_data(as_text=True)
    assert f"{new.progress_done} van {new.progress_total} onderdelen klaar" in home
    assert f"{new.progress_done} van {new.progress_total} onderdelen klaar" in done
    assert f"/kandidaat/dossier/{new.public_id}/intrekken" not in home
    r = cc.post(f"/kandidaat/dossier/{new.public_id}/intrekken")
    assert r.status_code == 302 and db.session.get(Dossier, new.id).status == DossierStatus.concept
    # Only one open herbevestiging at a time, and the griffier is no longer offered one.
    with pytest.raises(StateError):
        herbevestiging.start(world.griffier, term)
    page = g.get("/beoordeling/maatregelen").get_data(as_text=True)
    assert f"/beoordeling/termijn/{term.public_id}/herbevestiging" not in page
    assert "Er loopt al een herbevestiging voor deze bestuurder." in page

    changed = base_answers()
    changed["nevenfuncties"] = changed["nevenfuncties"][:1] + [
        {"omschrijving": "Bestuurslid", "organisatie": "Historische Kring", "betaald": False, "qq": False,
         "relatie_overheid": ["geen"], "behouden": True}]
    changed["werkgever"] = "Nieuwe Werkgever BV"
    submit_answers(new, changed)
    c = new_client(app)
    login(c, world.reviewer)
    html = c.get(f"/beoordeling/dossier/{new.public_id}").get_data(as_text=True)
    assert "Gewijzigd ten opzichte van het vorige ondertekende dossier" in html
    assert "Nieuwe Werkgever BV" in html and "Historische Kring" in html and "Voetbalclub SV Vooruit" in html
    diff = herbevestiging.changes_since_previous(new)  # against the term record: the `term: true` questions
    kinds = {(c.kind, c.label) for s in diff for c in s.changes}
    assert ("verwijderd", "Uw nevenfuncties") in kinds and ("toegevoegd", "Uw nevenfuncties") in kinds
    assert any(c.kind == "gewijzigd" and c.new == "Nieuwe Werkgever BV" for s in diff for c in s.changes)
    # Unchanged answers are not listed.
    assert not any("Stichting Dorpshuis" in (c.old + c.new) for s in diff for c in s.changes)


def test_herbevestiging_needs_a_term_in_own_org(make_org, make_user, world):
    # Issue 19: no term (not signed, or signed but no appointment recorded): nothing to start from.
    with pytest.raises(StateError):
        herbevestiging.start_for(world.griffier, world.dossier.public_id)
    advance(world.dossier, "afgerond")
    with pytest.raises(StateError, match="Leg eerst vast dat de kandidaat is benoemd"):
        herbevestiging.start_for(world.griffier, world.dossier.public_id)
    rounds.record_appointment(world.griffier, world.dossier, "benoemd", date.today())
    stranger = make_user("griffier")
    with pytest.raises(NotFound):
        herbevestiging.start(stranger, world.dossier.term)
    with pytest.raises(NotFound):
        herbevestiging.start_for(stranger, world.dossier.term.public_id)
