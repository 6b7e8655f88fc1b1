"""Key rotation: everything still decrypts, and with --drop-old only the new key remains."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from integrity_tool import crypto
from integrity_tool.models import Dossier, db

from tests.factories import example_answers, save_answers


def test_rotate_key_reencrypts_everything_without_losing_data(app, runner, make_dossier):
    dossier = make_dossier(name="Kees Kandidaat")
    candidate = dossier.candidate
    save_answers(dossier, example_answers())
    key_file = crypto.key_file(app.instance_path)
    before = [k for k in key_file.read_text().split() if k]
    raw_before = bytes(db.session.execute(text("SELECT answers FROM dossier")).scalar())

    result = runner.invoke(args=["rotate-key"])
    assert result.exit_code == 0, result.output
    assert "dossier.answers: 1" in result.output and "user_account.totp_secret" in result.output
    keys = [k for k in key_file.read_text().split() if k]
    assert keys[1:] == before and len(keys) == len(before) + 1
    raw_after = bytes(db.session.execute(text("SELECT answers FROM dossier")).scalar())
    assert raw_after != raw_before
    new_only = crypto.Keyring(keys[:1])
    assert new_only.decrypt_json(raw_after)["werkgever"]
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).answers["nevenfuncties"][0]["organisatie"] == "Sportclub De Bal"

    result = runner.invoke(args=["rotate-key", "--drop-old"])
    assert result.exit_code == 0, result.output
    remaining = [k for k in Path(key_file).read_text().split() if k]
    assert len(remaining) == 1 and remaining[0] not in keys
    raw = bytes(db.session.execute(text("SELECT totp_secret FROM user_account WHERE id = :i"),
                                   {"i": candidate.id}).scalar())
    assert crypto.Keyring(remaining).decrypt_text(raw) == candidate.totp_secret
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).answers["werkgever"]
