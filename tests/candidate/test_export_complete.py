"""Issue 19: the candidate's export ("alles wat wij over u bewaren") holds every piece of personal data
the product keeps about them.

The test fills every table that can hold a candidate's data, then walks every mapped table and every
column: each row about the candidate must have each of its values in the export, unless the column is
listed below with the reason it is not exported. A new table or column fails here until it is either
exported or consciously listed.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from integrity_tool import audit
from integrity_tool.models import (Addendum, ClarificationRequest, Comment, MeasureReminder, db, utcnow)
from integrity_tool.models.user import Invitation, UserSession
from integrity_tool.services import herbevestiging, measures, rounds, submission

from tests.review.helpers import base_answers

# Tables that never hold a candidate's personal data (organisation-level or anonymous technical data).
NOT_ABOUT_A_PERSON = {
    "organisation": "the organisation and its settings",
    "round": "a benoemingsronde: name and date",
    "relation_upload": "the organisation's list of relations (uploaded by the griffier)",
    "relation": "the organisation's relations (companies, foundations) matched against answers",
    "throttle_event": "anonymous rate-limit counters (hashed keys), pruned daily",
    "deleted_report": "number and hash of a deleted signed PDF, no person",
    "organisation_profile": "the organisation's own profile: names, KvK numbers, verbonden partijen, territory, portefeuilles",
    "org_questionnaire": "the organisation's own questionnaires (YAML); created_by is the administrator",
    "organisation_signing_key": "the organisation's signing CA and certificate (key material, no person)",
    "alembic_version": "schema version",
    "sso_config": "the organisation's single sign-on settings (issuer, client, domains); names at most a staff "
                  "administrator for emergency access, never a candidate",
}
# Columns of rows about the candidate that are deliberately not in the export, with the reason.
NOT_EXPORTED = {
    "user_account": {"password_hash": "a one-way hash of the password: a secret, not information about them",
                     "totp_secret": "the authenticator secret: handing it out would weaken the account",
                     "totp_last_step": "technical replay guard for the authenticator code",
                     "organisation_id": "exported as the organisation's name",
                     "sso_subject": "staff only: the identity provider's id of a staff member; candidates never "
                                    "sign in through an organisation (always empty for them)"},
    "dossier": {"version": "technical edit counter (optimistic locking)"},
    "report": {"content": "the signed PDF itself: downloadable on the candidate's page; listed by number and hash"},
    "invitation": {"token_hash": "hash of a single-use link: a secret"},
    "recovery_code": {"code_hash": "hash of a recovery code: a secret", "used_at": "technical log-in data"},
    "email_code": {"code_hash": "hash of a log-in code: a secret", "expires_at": "technical log-in data",
                   "used_at": "technical log-in data"},
    "user_session": {"id": "the session token: a secret",
                     "sso_sid": "staff only: the identity provider's session id (empty for a candidate)",
                     "sso_id_token": "staff only: the ID token kept for the log-out, a credential (empty for a "
                                     "candidate)"},
    "audit_event": {"hash": "integrity chain", "prev_hash": "integrity chain",
                    "organisation_id": "the organisation", "actor": "own events: name and e-mail as in the "
                    "profile; others' events: the other person's data, shown by role"},
}
# Audit events of others: only when and what (their details and IP address are their personal data).
OTHERS_EVENT_COLUMNS = {"created_at", "action"}


def _leaves(value, out: set) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _leaves(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _leaves(v, out)
    elif value is not None:
        out.add(_norm(value))


def _norm(value):
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, datetime):  # as the export writes timestamps (local time, seconds, offset)
        return submission._iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):  # enums
        return value.value
    if isinstance(value, (int, float)):
        return ("num", value)
    return str(value)


def _full_world(make_dossier):
    world = make_dossier.world("afgerond", answers=base_answers())
    d, reviewer, candidate = world.dossier, world.reviewer, world.candidate
    db.session.add_all([
        Comment(dossier_id=d.id, target="question:werkgever", body="Opmerking van de beoordelaar", author_id=reviewer.id),
        ClarificationRequest(dossier_id=d.id, question="Waarom deze bv?", response="Omdat het familiebezit is.",
                             author_id=reviewer.id, answered_at=utcnow()),
        Addendum(dossier_id=d.id, body="Aanvulling na afronding", mentionable=True, author_id=reviewer.id),
        UserSession(id="s" * 40, user_id=candidate.id, ip="192.0.2.7", user_agent="Firefox/140"),
        Invitation(user_id=candidate.id, token_hash="t" * 64, expires_at=utcnow() + timedelta(days=7)),
    ])
    candidate.privacy_version, candidate.privacy_acknowledged_at = "2026-2", utcnow()
    db.session.commit()
    rounds.record_appointment(world.griffier, d, "benoemd", date.today())
    for m in measures.measures_of(d):
        db.session.add(MeasureReminder(measure_id=m.id, sent_on=date.today()))
    db.session.commit()
    herbevestiging.start(world.griffier, d.term)  # a second dossier with baseline answers
    audit.record("dossier.bekeken", actor=reviewer, dossier=d, ip="198.51.100.9")
    db.session.commit()
    return world


def test_export_holds_every_piece_of_personal_data(make_dossier):
    world = _full_world(make_dossier)
    candidate = world.candidate
    audit_table = db.metadata.tables["audit_event"]
    last_event_before = db.session.scalar(select(audit_table.c.id).order_by(audit_table.c.id.desc()).limit(1))
    export = submission.export_personal_data(candidate)  # records 'gegevens.gedownload' after collecting
    exported: set = set()
    _leaves(json.loads(json.dumps(export, default=str)), exported)
    _leaves(export, exported)  # the same, before JSON (dates as objects)

    dossier_ids = {d for (d,) in db.session.execute(
        select(db.metadata.tables["dossier"].c.id).where(db.metadata.tables["dossier"].c.candidate_id == candidate.id))}
    assert len(dossier_ids) == 2
    measure_ids = {m for (m,) in db.session.execute(select(db.metadata.tables["measure"].c.id).where(
        db.metadata.tables["measure"].c.dossier_id.in_(dossier_ids)))}
    mappers = {m.local_table.name: m.class_ for m in db.Model.registry.mappers}
    missing, checked_tables = [], set()
    for table in db.metadata.sorted_tables:
        if table.name in NOT_ABOUT_A_PERSON:
            continue
        assert table.name in mappers, table.name
        cols = table.c
        if table.name == "user_account":
            where = cols.id == candidate.id
        elif table.name == "audit_event":
            where = ((cols.actor_id == candidate.id) | cols.dossier_id.in_(dossier_ids)) & \
                (cols.id <= last_event_before)
        elif "candidate_id" in cols:
            where = cols.candidate_id == candidate.id
        elif "user_id" in cols:
            where = cols.user_id == candidate.id
        elif "dossier_id" in cols:
            where = cols.dossier_id.in_(dossier_ids)
        elif "measure_id" in cols:
            where = cols.measure_id.in_(measure_ids)
        else:
            raise AssertionError(f"table {table.name}: say whether it can hold a candidate's data "
                                 f"(NOT_ABOUT_A_PERSON) or how its rows belong to a candidate")
        model = mappers[table.name]
        pk = list(table.primary_key.columns)[0]
        ids = [r for (r,) in db.session.execute(select(pk).where(where))]
        objects = db.session.scalars(select(model).where(pk.in_(ids))).all() if ids else []
        if objects:
            checked_tables.add(table.name)
        for obj in objects:
            others = table.name == "audit_event" and obj.actor_id != candidate.id
            for column in table.columns:
                if column.name in NOT_EXPORTED.get(table.name, {}):
                    continue
                if column.primary_key and table.name != "user_session" or column.foreign_keys or \
                        column.name.endswith("_id") and column.name != "public_id":
                    continue  # internal row numbers
                if others and column.name not in OTHERS_EVENT_COLUMNS:
                    continue
                value = getattr(obj, column.key)
                if value is None or isinstance(value, bool) or value in ({}, [], ""):
                    continue
                wanted: set = set()
                _leaves(value, wanted)
                if not wanted <= exported:
                    missing.append(f"{table.name}.{column.name}: {sorted(map(str, wanted - exported))[:3]}")
    assert not missing, "not in the export:\n" + "\n".join(missing)
    # The walk really covered the data: every kind of row about the candidate was present.
    assert {"user_account", "dossier", "submission", "measure", "measure_reminder", "comment",
            "clarification_request", "gesprek", "finding_decision", "addendum", "report", "term",
            "user_session", "invitation", "audit_event"} <= checked_tables
