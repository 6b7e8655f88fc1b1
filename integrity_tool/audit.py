"""Append-only, hash-chained audit log.

Each event stores the sha256 of (previous hash + canonical JSON of its own fields). Writers are
serialised (PostgreSQL advisory lock; SQLite takes its write lock with BEGIN IMMEDIATE) so the
chain never forks. ``verify_chain`` names the first event that was changed, removed or reordered.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text

from .models import AuditEvent, db, utcnow

GENESIS = "0" * 64
_LOCK_ID = 736892  # arbitrary advisory-lock id for the audit chain


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "id": event.id,
        "at": event.created_at.isoformat(timespec="microseconds"),
        "org": event.organisation_id,
        "dossier": event.dossier_id,
        "actor_id": event.actor_id,
        "actor": event.actor,
        "action": event.action,
        "detail": event.detail or {},
        "ip": event.ip,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(event)).hexdigest()


def actor_label(user) -> str:
    if user is None:
        return "systeem"
    return f"{user.name} <{user.email}> ({user.role.value})"


def _clean(value):
    """Keep detail values short and single-line: no log forging via newlines."""
    if isinstance(value, str):
        return value.replace("\r", " ").replace("\n", " ")[:300]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value][:50]
    return value


def record(action: str, *, actor=None, organisation_id=None, dossier=None, ip=None, **detail) -> AuditEvent:
    """Add an event to the current transaction; the caller's service commits."""
    session = db.session
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
    if organisation_id is None:
        if dossier is not None:
            organisation_id = dossier.organisation_id
        elif actor is not None:
            organisation_id = actor.organisation_id
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        created_at=utcnow(),
        organisation_id=organisation_id,
        dossier_id=dossier.id if dossier is not None else None,
        actor_id=actor.id if actor is not None else None,
        actor=_clean(actor_label(actor)),
        action=action,
        detail=_clean(detail),
        ip=_clean(ip) if ip else None,
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = compute_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


@dataclass
class ChainReport:
    ok: bool
    count: int
    first_bad_id: int | None = None
    message: str = ""


def verify_chain() -> ChainReport:
    """Walk the whole chain in id order; stop at the first inconsistency and name it."""
    prev_hash = GENESIS
    expected_id = 1
    count = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        count += 1
        if event.id != expected_id:
            return ChainReport(False, count, event.id, f"gebeurtenis {expected_id} ontbreekt (volgende is {event.id})")
        if event.prev_hash != prev_hash:
            return ChainReport(False, count, event.id,
                               f"gebeurtenis {event.id}: verwijst niet naar de vorige gebeurtenis (verwijderd of verplaatst)")
        if compute_hash(prev_hash, event) != event.hash:
            return ChainReport(False, count, event.id, f"gebeurtenis {event.id} ({event.action}) is gewijzigd")
        prev_hash = event.hash
        expected_id += 1
    return ChainReport(True, count, None, f"{count} gebeurtenissen, keten intact")
