"""Faults: database unavailable mid-save, a failing disk while storing the signed reports, and a
gunicorn worker killed in the middle of a submission or a sign-off (real SIGKILL)."""
from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from integrity_tool.models import AuditEvent, Dossier, DossierStatus, Report, Submission, db
from integrity_tool import render_pool
from integrity_tool.services import signoff
from tests.factories import example_answers, fresh_code, save_answers
from tests.security.server_utils import Browser, Gunicorn, instance_env, setup_instance
from tests.security.world import build_world, logged_in_client

S = DossierStatus


@contextmanager
def database_fails(when):
    """Raise OperationalError (as a dropped connection would) for statements matching ``when``."""
    engine = db.engine
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
        if when(statement):
            raise OperationalError(statement, parameters, Exception("server closed the connection unexpectedly"))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _state(dossier_id: int) -> tuple:
    db.session.expire_all()
    d = db.session.get(Dossier, dossier_id)
    reports = db.session.scalar(select(func.count(Report.id)).where(Report.dossier_id == dossier_id))
    subs = db.session.scalar(select(func.count(Submission.id)).where(Submission.dossier_id == dossier_id))
    return (d.status, d.version, json.dumps(d.answers, sort_keys=True), d.signed_off_at, d.outcome, reports, subs)


def _audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def _assert_503_page(response):
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Tijdelijk niet beschikbaar" in html
    assert "opnieuw" in html and "niets opgeslagen" in html
    assert "OperationalError" not in html and "Traceback" not in html and "server closed" not in html


SECTION_POST = {"werkgever": "Nieuwe werkgever", "functie": "Directeur", "werkgever_relatie": "nee",
                "terugkeergarantie": "nee", "cv_juist": "ja", "vergoedingen_oud": "nee", "functie_na_ambt": "nee",
                "action": "next"}


# --- database unavailable during a save ---------------------------------------------------------

@pytest.mark.parametrize("fail_on", ["audit", "dossier-update", "everything"])
def test_database_down_during_section_save(app, make_org, make_user, make_dossier, fail_on):
    world = build_world(make_dossier, make_org, make_user, S.concept)
    d = world.dossiers["own"]
    client = logged_in_client(app, world.actors["candidate"])
    url = f"/kandidaat/dossier/{d.public_id}/onderdeel/hoofdfunctie"
    before, audits = _state(d.id), _audit_count()
    data = dict(SECTION_POST, version=str(d.version))
    predicates = {
        # The dossier UPDATE has gone through; the audit INSERT in the same transaction fails.
        "audit": lambda s: s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"),
        "dossier-update": lambda s: s.lstrip().upper().startswith("UPDATE DOSSIER"),
        # The database is gone altogether (even loading the session fails).
        "everything": lambda s: True,
    }
    with database_fails(predicates[fail_on]) as seen:
        response = client.post(url, data=data)
    if fail_on == "audit":
        assert any(s.lstrip().upper().startswith("UPDATE DOSSIER") for s in seen), "fault injected too early"
    _assert_503_page(response)
    assert _state(d.id) == before  # no partial state
    assert _audit_count() == audits
    # And once the database is back, the same save works.
    response = client.post(url, data=data)
    assert response.status_code in (302, 422)
    assert json.loads(_state(d.id)[2])["werkgever"] == "Nieuwe werkgever"


def test_database_down_on_a_page_view(app, make_org, make_user, make_dossier):
    world = build_world(make_dossier, make_org, make_user, S.in_behandeling)
    client = logged_in_client(app, world.actors["reviewer"])
    url = f"/beoordeling/dossier/{world.dossier('own')}"
    with database_fails(lambda s: True):
        response = client.get(url)
    _assert_503_page(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_database_down_during_submit(app, make_org, make_user, make_dossier, monkeypatch):
    """Submit = status UPDATE + Submission INSERT + audit: a failure on the snapshot leaves nothing."""
    world = build_world(make_dossier, make_org, make_user, S.concept)
    d = world.dossiers["own"]
    from integrity_tool.services import submission

    save_answers(d, example_answers())  # complete: only the fault stands in the way
    before = _state(d.id)
    client = logged_in_client(app, world.actors["candidate"])
    url, name = f"/kandidaat/dossier/{d.public_id}/indienen", world.actors["candidate"].name
    with database_fails(lambda s: s.lstrip().upper().startswith("INSERT INTO SUBMISSION")) as seen:
        response = client.post(url, data={"name": name, "confirm": "y"})
    assert any(s.lstrip().upper().startswith("UPDATE DOSSIER") for s in seen)
    _assert_503_page(response)
    assert _state(d.id) == before
    assert submission is not None


# --- disk full while storing the signed reports -------------------------------------------------

def _ready_for_signoff(world):
    d = world.dossiers["own"]
    signoff.save_conclusion(world.actors["reviewer"], d, "geen_bijzonderheden", "Geen bijzonderheden gevonden.")
    fresh_code(world.actors["reviewer"])  # the reviewer's code of this time step is still unused
    return db.session.get(Dossier, d.id)


@pytest.mark.parametrize("fault", ["enospc-signing", "disk-full-insert"])
def test_disk_full_during_signoff_leaves_nothing(app, make_org, make_user, make_dossier, monkeypatch, fault):
    world = build_world(make_dossier, make_org, make_user, S.in_behandeling)
    d = _ready_for_signoff(world)
    before = _state(d.id)
    assert before[5] == 0
    reviewer = world.actors["reviewer"]
    client = logged_in_client(app, reviewer)
    calls = {"n": 0}
    original = render_pool.render_and_sign

    def failing_sign(job):
        calls["n"] += 1
        if calls["n"] == 2:  # the first report is already rendered and signed
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(job)

    ctx = database_fails(lambda s: s.lstrip().upper().startswith("INSERT INTO REPORT")) \
        if fault == "disk-full-insert" else None
    if fault == "enospc-signing":
        monkeypatch.setattr(render_pool, "render_and_sign", failing_sign)
    code = pyotp.TOTP(reviewer.totp_secret).now()
    url = f"/beoordeling/dossier/{d.public_id}/ondertekenen"
    if ctx is not None:
        with ctx:
            response = client.post(url, data={"code": code, "version": str(d.version)})
    else:
        response = client.post(url, data={"code": code, "version": str(d.version)})
    assert response.status_code in (302, 409, 503), response.status_code
    after = _state(d.id)
    assert after[0] == S.in_behandeling and after[3] is None  # not signed off
    assert after[5] == 0  # no Report row (hence no half-written document referenced)
    assert after == before or after[:2] == before[:2]
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier.afgerond")).all()
    # No stray files were written next to the instance either (reports live in the database).
    instance = Path(app.instance_path)
    assert not list(instance.rglob("*.pdf"))
    # Control: without the fault the same sign-off goes through (so the test above was not vacuous).
    monkeypatch.setattr(render_pool, "render_and_sign", original)
    fresh_code(reviewer)  # the TOTP step is unused again
    response = client.post(url, data={"code": pyotp.TOTP(reviewer.totp_secret).now(), "version": str(after[1])})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    final = _state(d.id)
    assert final[0] == S.afgerond and final[5] == 2


# --- a worker killed during submission or sign-off (real gunicorn, real SIGKILL) ----------------

HOOKS = Path(__file__).with_name("gunicorn_fault_hooks.py")


def _wait_for(path: Path, timeout: float = 60) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and path.read_text().strip():
            return json.loads(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"the worker never reached the fault window ({path})")


def _db_row(db_path: Path, sql: str, *args):
    con = sqlite3.connect(db_path, timeout=10)
    try:
        return con.execute(sql, args).fetchone()
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("transition", ["submit", "signoff"])
@pytest.mark.parametrize("kill", [True, False])
def test_worker_killed_mid_transition(tmp_path, transition, kill):
    import threading

    instance = tmp_path / "instance"
    marker = tmp_path / "in-window.json"
    env = instance_env(instance, FAULT_HOOK=transition, FAULT_MARKER=str(marker),
                       FAULT_SLEEP="4" if not kill else "60")
    facts = setup_instance(instance, env, scenario="signoff" if transition == "signoff" else "complete")
    db_path = instance / "app.db"
    dossier_id = facts["dossier"]["id"]
    before = _db_row(db_path, "SELECT status, version FROM dossier WHERE id = ?", dossier_id)
    counts_sql = ("SELECT (SELECT count(*) FROM submission WHERE dossier_id = ?), "
                  "(SELECT count(*) FROM report WHERE dossier_id = ?)")
    counts_before = _db_row(db_path, counts_sql, dossier_id, dossier_id)
    log = tmp_path / "gunicorn.log"
    with Gunicorn(env, workers=2, config=HOOKS, log=log) as server:
        who = facts["reviewer" if transition == "signoff" else "candidate"]
        browser = Browser(server.base)
        assert browser.login(who["email"], who["password"], who["totp"]) == 302
        result = {}

        def act():
            if transition == "submit":
                path = f"/kandidaat/dossier/{facts['dossier']['public_id']}/indienen"
                page = f"/kandidaat/dossier/{facts['dossier']['public_id']}/controleren"
                data = {"name": facts["candidate"]["name"], "confirm": "y"}
            else:
                path = f"/beoordeling/dossier/{facts['dossier']['public_id']}/ondertekenen"
                page = f"/beoordeling/dossier/{facts['dossier']['public_id']}/afronden"
                # The log-in used this step's code; the next step's code is accepted (drift ±1).
                data = {"code": pyotp.TOTP(who["totp"]).at(time.time() + 30)}
            try:
                result["response"] = browser.post_form(path, data, page=page)
            except Exception as exc:  # the connection dies with the worker
                result["error"] = exc

        thread = threading.Thread(target=act)
        thread.start()
        window = _wait_for(marker, timeout=90)
        if kill:
            os.kill(window["pid"], signal.SIGKILL)
        thread.join(timeout=90)
        assert not thread.is_alive()
        if kill:
            # gunicorn replaces the worker; the service keeps working.
            server.wait_ready()
    after = _db_row(db_path, "SELECT status, version FROM dossier WHERE id = ?", dossier_id)
    counts_after = _db_row(db_path, counts_sql, dossier_id, dossier_id)
    integrity = _db_row(db_path, "PRAGMA integrity_check")
    assert integrity == ("ok",)
    if kill:
        assert after == before, f"half a transition survived the kill: {before} -> {after}"
        assert counts_after == counts_before
    else:
        target = "ingediend" if transition == "submit" else "afgerond"
        assert after[0] == target, (after, server.tail())
        assert counts_after[0] == counts_before[0] + (1 if transition == "submit" else 0)
        assert counts_after[1] == counts_before[1] + (2 if transition == "signoff" else 0)
