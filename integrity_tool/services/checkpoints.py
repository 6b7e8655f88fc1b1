"""Signed checkpoints of the audit chain's head, kept outside the database.

``integrity-tool audit checkpoint`` (daily, from cron; never a web request) verifies the chain and
writes ``checkpoint-<UTC time>-<event id>.json`` to the checkpoint folder (``AUDIT_CHECKPOINT_DIR``,
default ``instance/audit-checkpoints``): the head's event id and hash, the number of events, the
time and the hash of the previous checkpoint, signed with the installation's Ed25519 checkpoint key
(``instance/keys/audit-checkpoint.pem`` or ``AUDIT_CHECKPOINT_KEY_FILE``). Optionally it is mailed
to ``AUDIT_CHECKPOINT_MAIL``; backups include the folder.

``verify_checkpoints`` compares the database with every checkpoint: a head that is gone (truncation),
a head whose hash differs (a rewrite with recomputed hashes), a signature that does not verify (a
forged or edited checkpoint) or a broken link between checkpoints is reported.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select

from .. import audit
from ..models import AuditEvent, Role, User, db
from .errors import DomainError, NotFound

PUBLIC_KEY_NAME = "checkpoint-key.pub.pem"


class CheckpointError(DomainError):
    status = 409


@dataclass
class Checkpoint:
    name: str
    payload: dict
    valid_signature: bool
    raw: bytes


def checkpoint_dir() -> Path:
    configured = current_app.config.get("AUDIT_CHECKPOINT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-checkpoints"


def _key_file() -> Path:
    configured = current_app.config.get("AUDIT_CHECKPOINT_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "keys" / "audit-checkpoint.pem"


def _private_key(create: bool = False) -> Ed25519PrivateKey | None:
    path = _key_file()
    if not path.exists():
        if not create:
            return None
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return key
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is geen Ed25519-sleutel.")
    return key


def public_key() -> Ed25519PublicKey | None:
    """The installation's checkpoint key: from the private key if present, else the published one."""
    key = _private_key()
    if key is not None:
        return key.public_key()
    published = checkpoint_dir() / PUBLIC_KEY_NAME
    if published.exists():
        loaded = serialization.load_pem_public_key(published.read_bytes())
        return loaded if isinstance(loaded, Ed25519PublicKey) else None
    return None


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_checkpoints() -> list[Checkpoint]:
    """Every checkpoint file, oldest first, with whether its signature verifies with the installation key."""
    folder = checkpoint_dir()
    if not folder.is_dir():
        return []
    key = public_key()
    out = []
    for path in sorted(folder.glob("checkpoint-*.json")):
        raw = path.read_bytes()
        try:
            document = json.loads(raw)
            payload = document["payload"]
            signature = base64.b64decode(document["signature"], validate=True)
            if not isinstance(payload, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            out.append(Checkpoint(path.name, {}, False, raw))
            continue
        valid = False
        if key is not None:
            try:
                key.verify(signature, _canonical(payload))
                valid = True
            except InvalidSignature:
                valid = False
        out.append(Checkpoint(path.name, payload, valid, raw))
    return out


def verify_checkpoints(report: audit.ChainReport) -> list[str]:
    """Problems found by comparing the database's chain with the checkpoints (empty: all agree)."""
    problems = []
    previous_digest = None
    for cp in load_checkpoints():
        if not cp.valid_signature:
            problems.append(f"checkpoint {cp.name}: handtekening ongeldig (vervalst of gewijzigd)")
            continue
        if cp.payload.get("previous") != previous_digest:
            problems.append(f"checkpoint {cp.name}: sluit niet aan op de vorige checkpoint (verwijderd of verplaatst)")
        previous_digest = hashlib.sha256(cp.raw).hexdigest()
        head_id, head_hash = cp.payload.get("head_id"), cp.payload.get("head_hash")
        if not isinstance(head_id, int) or head_id <= 0:
            continue
        stored = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == head_id))
        if stored is None or report.head_id < head_id:
            problems.append(f"checkpoint {cp.name} noemt gebeurtenis {head_id}, maar het logboek eindigt bij "
                            f"{report.head_id}: het logboek is ingekort")
        elif stored != head_hash:
            problems.append(f"checkpoint {cp.name}: gebeurtenis {head_id} heeft een andere hash dan bij de "
                            "checkpoint: het logboek is herschreven")
    return problems


def write_checkpoint(now: datetime | None = None) -> Path:
    """Verify the chain and the earlier checkpoints, then write (and optionally mail) a new signed one.
    CLI/cron only: it writes outside the database, under the checkpoint folder."""
    report = audit.verify_chain()
    if not report.ok:
        raise CheckpointError(f"Geen checkpoint geschreven: het logboek is aangetast: {report.message}")
    problems = verify_checkpoints(report)
    if problems:
        raise CheckpointError("Geen checkpoint geschreven: " + "; ".join(problems))
    key = _private_key(create=True)
    folder = checkpoint_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PUBLIC_KEY_NAME).write_bytes(_public_pem(key.public_key()))
    earlier = load_checkpoints()
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    keys = audit.chain_keys()
    payload = {
        "version": 1,
        "instance": current_app.config.get("BASE_URL", ""),
        "at": now.isoformat(timespec="seconds"),
        "head_id": report.head_id,
        "head_hash": report.head_hash,
        "count": report.count,
        "keyed_from": keys[0][0] if keys else None,
        "previous": hashlib.sha256(earlier[-1].raw).hexdigest() if earlier else None,
    }
    document = {"payload": payload, "signature": base64.b64encode(key.sign(_canonical(payload))).decode("ascii"),
                "public_key": base64.b64encode(key.public_key().public_bytes(
                    serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode("ascii")}
    path = folder / f"checkpoint-{now.strftime('%Y%m%dT%H%M%SZ')}-{report.head_id:010d}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)
    audit.record("logboek.checkpoint", laatste=report.head_id, bestand=path.name)
    db.session.commit()
    _mail(path)
    return path


def _mail(path: Path) -> None:
    address = current_app.config.get("AUDIT_CHECKPOINT_MAIL")
    if not address:
        return
    from .. import mail
    from . import runtime

    mail.send(runtime.mail_settings(), address, f"Checkpoint logboek integriteitstoets: {path.name}",
              "Bewaar deze checkpoint buiten de applicatie. Controle: integrity-tool audit verify.\n\n"
              + path.read_text())


# --- the page for the beheerder and the griffier ----------------------------------------------------

VIEWERS = (Role.admin, Role.griffier)


def history_for(user: User, *, download: bool = False, ip: str | None = None) -> list[Checkpoint]:
    """The checkpoint history (installation-wide: it holds no organisation's data, only the chain's
    head). Viewing and downloading are audited under the user's organisation."""
    if user.role not in VIEWERS:
        raise NotFound()
    history = load_checkpoints()
    audit.record("logboek.checkpoints.gedownload" if download else "logboek.checkpoints.bekeken", actor=user,
                 ip=ip, aantal=len(history))
    db.session.commit()
    return history


def download_bundle(history: list[Checkpoint]) -> bytes:
    """Every checkpoint file and the public key, as one JSON document an auditor can check offline."""
    key = public_key()
    return json.dumps({
        "public_key_pem": _public_pem(key).decode("ascii") if key is not None else None,
        "checkpoints": [{"file": cp.name, "content": cp.raw.decode("utf-8", "replace"),
                         "signature_valid": cp.valid_signature} for cp in history],
    }, indent=1, ensure_ascii=False).encode("utf-8")
