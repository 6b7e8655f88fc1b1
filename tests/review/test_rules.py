"""Illegal transitions are refused in the service layer; blocking findings forbid mild outcomes;
sign-off happens exactly once."""
from __future__ import annotations

import os
import signal
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from integrity_tool.models import DossierStatus, Report, db
from integrity_tool.services import measures, review, signoff, snapshot
from integrity_tool.services.errors import InvalidInput, StateError
from tests.conftest import login

from tests.factories import CONCLUSION, fresh_code

from .helpers import base_answers, new_client

S = DossierStatus


ACTIONS = {
    "request_clarification": lambda w: review.request_clarification(w.reviewer, w.dossier, ["Vraag?"]),
    "decide_finding": lambda w: review.decide_finding(w.reviewer, w.dossier, "omstreden_rol", None, "reden"),
    "comment": lambda w: review.add_comment(w.reviewer, w.dossier, "question:werkgever", "x"),
    "gesprek": lambda w: review.record_gesprek(w.reviewer, w.dossier, date.today(), "a", "b"),
    "propose_measure": lambda w: measures.propose_measure(w.reviewer, w.dossier, title="t", description="d",
                                                          owner="candidate", due_date=date(2030, 1, 1)),
    "send_measures": lambda w: measures.send_to_candidate(w.reviewer, w.dossier),
    "save_conclusion": lambda w: signoff.save_conclusion(w.reviewer, w.dossier, "ernstige_risicos", "x"),
    "sign_off": lambda w: signoff.sign_off(w.reviewer, w.dossier, fresh_code(w.reviewer)),
}
ALLOWED = {
    "request_clarification": (S.in_behandeling, S.maatregelen_voorgesteld),
    "decide_finding": (S.in_behandeling, S.maatregelen_voorgesteld),
    "comment": (S.in_behandeling, S.maatregelen_voorgesteld),
    "gesprek": (S.in_behandeling, S.maatregelen_voorgesteld),
    "propose_measure": (S.in_behandeling, S.maatregelen_voorgesteld),
    "send_measures": (S.in_behandeling,),
    "save_conclusion": (S.in_behandeling, S.maatregelen_voorgesteld),
    "sign_off": (),  # needs a conclusion first; see the tests below
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("status", [s for s in S])
def test_review_actions_per_state(make_dossier, action, status):
    w = make_dossier.world(status, answers=base_answers())
    if action == "send_measures" and status == S.in_behandeling:
        measures.propose_measure(w.reviewer, w.dossier, title="t", description="d", owner="candidate",
                                 due_date=date(2030, 1, 1))
    if status in ALLOWED[action]:
        ACTIONS[action](w)
    else:
        with pytest.raises((StateError, InvalidInput)):
            ACTIONS[action](w)
        db.session.refresh(w.dossier)
        assert w.dossier.status == status


def test_blocking_finding_forbids_mild_outcomes(world):
    review.open_dossier(world.reviewer, world.dossier.public_id)
    for outcome in ("geen_bijzonderheden", "aandachtspunten"):
        with pytest.raises(InvalidInput, match="blokkerende"):
            signoff.save_conclusion(world.reviewer, world.dossier, outcome, "Alles in orde.")
    # Lowering the blocking finding (with justification) makes a mild outcome possible.
    review.decide_finding(world.reviewer, world.dossier, "levert_aan_overheid", "aandachtspunt",
                          "Leveringen zijn aantoonbaar beëindigd.")
    signoff.save_conclusion(world.reviewer, world.dossier, "aandachtspunten", "Aandachtspunten besproken.")
    assert world.dossier.outcome == "aandachtspunten"


def test_blocking_rule_also_guards_sign_off(world):
    review.open_dossier(world.reviewer, world.dossier.public_id)
    review.decide_finding(world.reviewer, world.dossier, "levert_aan_overheid", "aandachtspunt", "Opgelost.")
    signoff.save_conclusion(world.reviewer, world.dossier, "aandachtspunten", "Besproken.")
    # The reviewer restores the level afterwards: the stored conclusion no longer holds.
    review.decide_finding(world.reviewer, world.dossier, "levert_aan_overheid", "blokkerend", "Toch niet opgelost.")
    with pytest.raises(InvalidInput, match="blokkerende"):
        signoff.sign_off(world.reviewer, world.dossier, fresh_code(world.reviewer))
    assert db.session.scalar(select(func.count(Report.id))) == 0


def _ready(world):
    review.open_dossier(world.reviewer, world.dossier.public_id)
    signoff.save_conclusion(world.reviewer, world.dossier, "ernstige_risicos", CONCLUSION)
    db.session.refresh(world.dossier)
    return world.dossier.version


def test_double_submit_of_sign_off_form_gives_one_sign_off(app, world):
    version = _ready(world)
    c = new_client(app)
    login(c, world.reviewer)
    url = f"/beoordeling/dossier/{world.dossier.public_id}/ondertekenen"
    first = c.post(url, data={"code": fresh_code(world.reviewer), "version": version})
    second = c.post(url, data={"code": fresh_code(world.reviewer), "version": version})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "al afgerond" in second.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Report.id))) == 2


def test_two_reviewers_at_once_give_exactly_one_sign_off(app, make_user, world):
    version = _ready(world)
    second_reviewer = make_user("reviewer", world.org)
    clients = []
    for user in (world.reviewer, second_reviewer):
        c = new_client(app)
        login(c, user)
        clients.append((c, fresh_code(user)))
    url = f"/beoordeling/dossier/{world.dossier.public_id}/ondertekenen"
    results = []
    barrier = threading.Barrier(2)

    def post(c, code):
        barrier.wait()
        results.append(c.post(url, data={"code": code, "version": version}).status_code)

    db.session.commit()  # the test's own session must not hold SQLite's write lock meanwhile
    threads = [threading.Thread(target=post, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [302, 409]
    assert db.session.scalar(select(func.count(Report.id))) == 2
    db.session.refresh(world.dossier)
    assert world.dossier.status == S.afgerond


def test_stale_version_is_a_conflict(app, world):
    version = _ready(world)
    signoff.save_conclusion(world.reviewer, world.dossier, "ernstige_risicos", CONCLUSION + " Bijgewerkt.")
    c = new_client(app)
    login(c, world.reviewer)
    resp = c.post(f"/beoordeling/dossier/{world.dossier.public_id}/ondertekenen",
                  data={"code": fresh_code(world.reviewer), "version": version})
    assert resp.status_code == 409 and "intussen gewijzigd" in resp.get_data(as_text=True)


def test_totp_code_is_required_and_used_once(world):
    _ready(world)
    with pytest.raises(InvalidInput):
        signoff.sign_off(world.reviewer, world.dossier, "123456")
    code = fresh_code(world.reviewer)
    from integrity_tool.services.security import consume_totp

    assert consume_totp(world.reviewer, code)  # the same code was just used (e.g. for logging in)
    db.session.commit()
    with pytest.raises(InvalidInput):
        signoff.sign_off(world.reviewer, world.dossier, code)
    db.session.refresh(world.dossier)
    assert world.dossier.status == S.in_behandeling


def test_failed_rendering_rolls_back_the_sign_off(world, monkeypatch):
    from integrity_tool import render_pool

    _ready(world)

    def boom(*a, **k):
        raise RuntimeError("certificaat onleesbaar")

    monkeypatch.setattr(render_pool, "render_and_sign", boom)
    code = fresh_code(world.reviewer)
    with pytest.raises(StateError, match="niet afgerond"):
        signoff.sign_off(world.reviewer, world.dossier, code)
    db.session.refresh(world.dossier)
    assert world.dossier.status == S.in_behandeling and world.dossier.signed_off_at is None
    assert db.session.scalar(select(func.count(Report.id))) == 0
    # the code was used up by the failed attempt: replaying it is refused even though rendering works again
    monkeypatch.undo()
    with pytest.raises(InvalidInput, match="al gebruikt"):
        signoff.sign_off(world.reviewer, world.dossier, code)


@pytest.mark.parametrize("shape", ["list", "result_dict", "missing"])
def test_findings_are_read_from_every_snapshot_shape(world, shape):
    from integrity_tool.models import Submission
    from integrity_tool.scoring import evaluate

    sub = db.session.scalar(select(Submission))
    questionnaire = snapshot.questionnaire_for(sub)
    result = evaluate(questionnaire, snapshot.submission_answers(sub))
    payload = dict(sub.payload)
    if shape == "result_dict":  # services.submission stores Result.to_dict()
        payload["findings"] = result.to_dict()
    elif shape == "missing":
        payload.pop("findings")
    sub.payload = payload
    db.session.commit()
    keys = [f.key for f in snapshot.submission_findings(sub)]
    assert sorted(keys) == sorted(f.key for f in result.findings) and "levert_aan_overheid" in keys


def test_sign_off_renders_in_the_report_process_pool(app, world, monkeypatch):
    """Production setting REPORT_PROCESSES=1: both documents come from a spawned process and verify."""
    from integrity_tool import render_pool, signing
    from integrity_tool.services import orgsetup

    _ready(world)
    in_process = []
    monkeypatch.setitem(app.config, "REPORT_PROCESSES", 1)
    original = render_pool.render_and_sign
    monkeypatch.setattr(render_pool, "render_and_sign", lambda job: in_process.append(job) or original(job))
    try:
        stored = signoff.sign_off(world.reviewer, world.dossier, fresh_code(world.reviewer))
        pids = {f.result() for f in [render_pool._get_pool(1).submit(os.getpid)]}
    finally:
        render_pool.shutdown()
    assert in_process == []  # the patched in-process function was never called: the pool did the work
    assert pids and os.getpid() not in pids
    assert sorted(r.kind for r in stored) == ["samenvatting", "vertrouwelijk"]
    ca = orgsetup.ensure_org_keys(world.dossier.organisation).ca_cert_pem
    for report in stored:
        assert signing.verify_pdf(report.content, [ca]).ok


def test_a_dead_report_process_does_not_fail_the_sign_off(app, world):
    """A pool process that dies breaks the pool: the job is rendered in-process and a new pool starts."""
    from integrity_tool import render_pool
    from integrity_tool.services import reports

    _ready(world)
    try:
        pool = render_pool._get_pool(1)
        pid = pool.submit(os.getpid).result(timeout=60)
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        db.session.refresh(world.dossier)
        world.dossier.signed_off_by = world.reviewer  # as in a sign-off (never committed here)
        jobs = [reports._sign_job(world.dossier, kind) for kind in reports.KINDS]
        documents = render_pool.run(jobs, 1)
        assert all(doc.startswith(b"%PDF") for doc in documents)
        fresh = render_pool._get_pool(1)
        assert fresh is not pool
        assert fresh.submit(os.getpid).result(timeout=60) != pid
    finally:
        db.session.rollback()
        render_pool.shutdown()
