"""The hash-chained audit log: intact on a busy instance, and names the first tampered event."""
from sqlalchemy import text

from integrity_tool import audit
from integrity_tool.models import AuditEvent, db


def _busy(make_user, n=40):
    user = make_user("reviewer")
    for i in range(n):
        audit.record("test.gebeurtenis", actor=user, nummer=i, ip="127.0.0.1")
        db.session.commit()
    return user


def test_chain_intact(runner, make_user):
    _busy(make_user)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "keten intact" in result.output


def test_edited_event_is_named(runner, make_user):
    _busy(make_user)
    target = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "test.gebeurtenis")
                                .order_by(AuditEvent.id).offset(10).limit(1)).one()
    db.session.execute(text("UPDATE audit_event SET actor = 'iemand anders' WHERE id = :id"), {"id": target.id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"gebeurtenis {target.id} (test.gebeurtenis) is gewijzigd" in result.output


def test_removed_event_is_named(runner, make_user):
    _busy(make_user)
    last_id = db.session.scalar(db.select(db.func.max(AuditEvent.id)))
    victim = last_id - 5
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": victim})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"gebeurtenis {victim} ontbreekt" in result.output


def test_reordered_events_detected(runner, make_user):
    _busy(make_user)
    ids = db.session.scalars(db.select(AuditEvent.id).order_by(AuditEvent.id)).all()
    a, b = ids[5], ids[6]
    # Swap the content of two rows (keeping their ids): the chain no longer links up.
    db.session.execute(text("UPDATE audit_event SET id = -1 WHERE id = :a"), {"a": a})
    db.session.execute(text("UPDATE audit_event SET id = :a WHERE id = :b"), {"a": a, "b": b})
    db.session.execute(text("UPDATE audit_event SET id = :b WHERE id = -1"), {"b": b})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"gebeurtenis {a}" in result.output


def test_detail_cannot_forge_lines(make_user):
    user = make_user("reviewer")
    event = audit.record("test", actor=user, note="regel1\nFAKE regel2")
    db.session.commit()
    assert "\n" not in event.detail["note"]
