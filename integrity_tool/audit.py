"""Append-only, hash-chained audit log, keyed and anchored outside the database.

Each event stores HMAC-SHA256(chain key, previous hash + canonical JSON of its own fields). The chain
key is not in the database: it is in ``instance/keys/audit-chain.keys`` (or the file named by
``AUDIT_CHAIN_KEY_FILE``), one line ``<first event id> <hex key>`` per key, so a key can be rotated
from a given event on. Events before the first key's id (an installation from before keying) carry
the old plain sha256; they are still protected, because the first keyed event covers their hash.
Writers are serialised (PostgreSQL advisory lock; SQLite takes its write lock with BEGIN IMMEDIATE)
so the chain never forks. ``verify_chain`` names the first event that was changed, removed or
reordered; ``audit_checkpoint`` (services/checkpoints.py) anchors the head in signed files outside
the database, so truncation and a rewrite with recomputed hashes are noticed too. The trust model is
in docs/architecture.md ("Het logboek als bewijs").
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

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


def compute_hash(prev_hash: str, event: AuditEvent, key: bytes | None = None) -> str:
    """HMAC-SHA256 with the chain key; without a key the pre-keying scheme (plain sha256)."""
    message = prev_hash.encode("ascii") + _canonical(event)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# --- the chain key (outside the database) ---------------------------------------------------------

_KEYS_CACHE: dict[str, tuple[float, list[tuple[int, bytes]]]] = {}


def key_file() -> Path:
    from flask import current_app

    configured = current_app.config.get("AUDIT_CHAIN_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "keys" / "audit-chain.keys"


def chain_keys() -> list[tuple[int, bytes]]:
    """[(first event id, key)], oldest first; [] when the chain is not keyed yet. Read from the file
    (cached per modification time, so a rotation by the CLI is picked up without a restart)."""
    path = key_file()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return []
    cached = _KEYS_CACHE.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    keys = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            first, hex_key = line.split()
            keys.append((int(first), bytes.fromhex(hex_key)))
    keys.sort()
    _KEYS_CACHE[str(path)] = (mtime, keys)
    return keys


def key_for(event_id: int, keys: list[tuple[int, bytes]]) -> bytes | None:
    found = None
    for first, key in keys:
        if first <= event_id:
            found = key
    return found


def add_chain_key() -> int:
    """Start keying (or rotate the key) from the next event on; returns that event id. CLI only (it
    writes under instance/). Takes the chain's write lock, so no event is written meanwhile."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
    last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text() if path.exists() else "# audit-keten: <eerste gebeurtenis> <sleutel>; niet wijzigen\n"
    first = last + 1
    if any(f >= first for f, _ in chain_keys()):
        raise ValueError("Er is al een sleutel vanaf deze gebeurtenis.")
    tmp = path.with_suffix(".tmp")
    tmp.write_text(existing + f"{first} {secrets.token_hex(32)}\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    _KEYS_CACHE.pop(str(path), None)
    session.commit()
    return first


def keyed_elsewhere() -> bool:
    """Whether the stored chain already carries a key's HMAC while this server has no chain key: a server
    that joins an installation must be given the same key file (``AUDIT_CHAIN_KEY_FILE``), not a new key."""
    if chain_keys():
        return False
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    return last is not None and not hmac.compare_digest(compute_hash(last.prev_hash, last), last.hash or "")


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
    event.hash = compute_hash(event.prev_hash, event, key_for(event.id, chain_keys()))
    session.add(event)
    session.flush()
    return event


@dataclass
class ChainReport:
    ok: bool
    count: int
    first_bad_id: int | None = None
    message: str = ""
    head_id: int = 0
    head_hash: str = GENESIS


def verify_chain() -> ChainReport:
    """Walk the whole chain in id order; stop at the first inconsistency and name it. Events from a
    key's first id on must carry that key's HMAC; earlier ones the old plain sha256."""
    keys = chain_keys()
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
        if not hmac.compare_digest(compute_hash(prev_hash, event, key_for(event.id, keys)), event.hash or ""):
            return ChainReport(False, count, event.id, f"gebeurtenis {event.id} ({event.action}) is gewijzigd")
        prev_hash = event.hash
        expected_id += 1
    return ChainReport(True, count, None, f"{count} gebeurtenissen, keten intact", expected_id - 1, prev_hash)
