"""Backup of a populated instance → restore into a fresh instance → every report still verifies."""
import hashlib
from datetime import date
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from integrity_tool import create_app, signing
from integrity_tool.models import DeletedReport, Dossier, Organisation, Report, SsoConfig, Term, User, db
from integrity_tool.pdf import render_summary
from integrity_tool.pdf.sample import sample_report_data
from integrity_tool.services import backup, orgsetup, runtime
from tests.factories import save_answers


def _populate(make_org, make_dossier):
    org = make_org("Gemeente Backup")
    d = make_dossier(org=org, name="Anna Antwoord")
    save_answers(d, {"werkgever": "Bakkerij Zoet & Co"})
    candidate = d.candidate
    # Signed material, a term record (encrypted kept answers) and a deleted report's tombstone, made here
    # directly: the round trip checks these tables byte for byte.
    pki = orgsetup.ensure_org_keys(org)
    signed = signing.sign_pdf(render_summary(sample_report_data()), pki.p12, pki.passphrase,
                              signer_name="Burgemeester", reason="Test", location="Test")
    db.session.add(Report(dossier_id=d.id, kind="samenvatting", document_number="RI-TEST-1-S",
                          sha256=hashlib.sha256(signed).hexdigest(), size=len(signed), content=signed))
    term = Term(organisation_id=org.id, candidate_id=candidate.id, dossier_id=d.id, signed_dossier_id=d.id,
                questionnaire_id="kandidaat-wethouder", questionnaire_version="1",
                signed_answers={"werkgever": "Bakkerij Zoet & Co"}, function_title="Wethouder",
                appointed_on=date(2026, 6, 1), ends_on=date(2030, 6, 1))
    db.session.add(term)
    db.session.flush()
    d.term_id = term.id
    db.session.add(DeletedReport(organisation_id=org.id, kind="vertrouwelijk", document_number="RI-TEST-1-V",
                                 sha256="ab" * 32))
    # Issue 16: the single sign-on settings, with the client secret encrypted like every other secret.
    db.session.add(SsoConfig(organisation_id=org.id, enabled=True, issuer="https://login.example.org/tenant",
                             client_id="integrity-tool", client_secret="geheim-client-secret-123",
                             allowed_domains=["backup.example.nl"], mfa_mode="idp", mfa_acr_values=[]))
    db.session.commit()
    return org, d, signed


def test_backup_restore_round_trip(app_ctx, make_org, make_dossier, tmp_path):
    org, dossier, signed = _populate(make_org, make_dossier)
    public_id = dossier.public_id
    # Issue 15: an organisation's own questionnaire (a database table) travels with the backup.
    from integrity_tool.services import org_questionnaires
    from tests.griffie.test_org_questionnaires import example_yaml
    own, _created = org_questionnaires.upload(None, example_yaml().encode(), "eigen.yaml", org=org)
    own_hash = own.content_hash
    db.session.commit()
    archive = tmp_path / "backup.bin"
    info = backup.create_backup(archive)
    assert info["rows"] > 5
    assert b"Bakkerij" not in archive.read_bytes() and b"Gemeente Backup" not in archive.read_bytes()
    assert b"geheim-client-secret" not in archive.read_bytes()
    key_file = Path(runtime.instance_dir()) / "keys" / "backup.key"

    target = tmp_path / "restored"
    env = dict(os.environ, INTEGRITY_TOOL_INSTANCE=str(target))
    env.pop("DATABASE_URL", None)  # restore into the fresh instance's own SQLite database
    exe = Path(sys.executable).parent / "integrity-tool"
    result = subprocess.run([exe, "restore", str(archive), "--key-file", str(key_file)], env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    restored = create_app({"INSTANCE_PATH": str(target)})
    with restored.app_context():
        org2 = db.session.scalar(select(Organisation).where(Organisation.name == "Gemeente Backup"))
        assert org2 is not None
        d2 = db.session.scalar(select(Dossier).where(Dossier.public_id == public_id))
        assert d2.answers == {"werkgever": "Bakkerij Zoet & Co"}
        assert db.session.scalar(select(User).where(User.name == "Anna Antwoord")) is not None
        from integrity_tool.models import OrgQuestionnaire
        restored_q = db.session.scalars(select(OrgQuestionnaire)).one()
        assert restored_q.organisation_id == org2.id and restored_q.content_hash == own_hash
        assert restored_q.source == example_yaml()
        term = db.session.scalars(select(Term)).one()
        assert d2.term_id == term.id and term.dossier_id == d2.id and term.ends_on == date(2030, 6, 1)
        assert term.signed_answers == {"werkgever": "Bakkerij Zoet & Co"}
        assert db.session.scalars(select(DeletedReport.document_number)).all() == ["RI-TEST-1-V"]
        sso_config = db.session.get(SsoConfig, org2.id)
        assert sso_config.client_secret == "geheim-client-secret-123" and sso_config.client_id == "integrity-tool"
        assert sso_config.allowed_domains == ["backup.example.nl"]
        reports = db.session.scalars(select(Report)).all()
        assert reports
        # the signing material is a table like any other: the restored instance verifies without key files
        assert not (target / "keys" / f"{org2.slug}-ca.pem").exists()
        ca = orgsetup.ca_pem(org2)
        assert ca == orgsetup.ensure_org_keys(org2).ca_cert_pem
        for report in reports:
            assert report.content == signed
            assert hashlib.sha256(report.content).hexdigest() == report.sha256
            assert signing.verify_pdf(report.content, [ca]).ok
    # restoring again into the now populated instance is refused
    again = subprocess.run([exe, "restore", str(archive), "--key-file", str(key_file)], env=env,
                           capture_output=True, text=True, timeout=180)
    assert again.returncode == 1 and "niet leeg" in again.stderr


def test_wrong_key_is_refused(app_ctx, make_org, make_dossier, tmp_path):
    _populate(make_org, make_dossier)
    archive = tmp_path / "backup.bin"
    backup.create_backup(archive)
    wrong = tmp_path / "wrong.key"
    from cryptography.fernet import Fernet

    wrong.write_bytes(Fernet.generate_key())
    try:
        backup.unpack_backup(archive, tmp_path / "x", key_file=wrong)
    except backup.BackupError as exc:
        assert "kan niet worden ontsleuteld" in str(exc)
    else:
        raise AssertionError("restore with a wrong key must fail")
