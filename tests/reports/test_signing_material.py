"""Issue 15.2: the organisations' signing material lives in the database (encrypted), is created once
under a lock, and every app server (whatever its instance folder) signs and verifies with it."""
from __future__ import annotations

import shutil
import threading

from flask import current_app
from sqlalchemy import LargeBinary, column, select, table

from integrity_tool import audit, signing
from integrity_tool.models import OrganisationSigningKey, db
from integrity_tool.pdf import render_summary
from integrity_tool.pdf.sample import sample_report_data
from integrity_tool.services import orgsetup, reports, runtime


def _raw(org_id: int) -> dict:
    t = table("organisation_signing_key", column("organisation_id"), column("p12", LargeBinary),
              column("passphrase", LargeBinary), column("ca_cert_pem"))
    return dict(db.session.execute(select(t).where(t.c.organisation_id == org_id)).mappings().one())


def _sign(material) -> bytes:
    return signing.sign_pdf(render_summary(sample_report_data()), material.p12, material.passphrase,
                            signer_name="Burgemeester", reason="Test", location="Test")


def test_material_is_in_the_database_encrypted_and_no_file_is_written(app_ctx, make_org):
    keys = runtime.instance_dir() / "keys"
    before = sorted(p.name for p in keys.iterdir())
    org = make_org("Gemeente Sleutelbos")
    material = orgsetup.ensure_org_keys(org)
    assert sorted(p.name for p in keys.iterdir()) == before  # nothing under instance/keys/
    raw = _raw(org.id)
    assert raw["ca_cert_pem"].encode() == material.ca_cert_pem  # public: in the clear
    assert bytes(raw["p12"]) != material.p12 and material.p12 not in bytes(raw["p12"])
    assert material.passphrase not in bytes(raw["passphrase"])
    assert orgsetup.ensure_org_keys(org) == material  # created once
    assert signing.verify_pdf(_sign(material), [reports.ca_pem(org)]).ok


def test_a_server_with_another_instance_folder_uses_the_same_material(app, app_ctx, make_org, make_app, tmp_path):
    org = make_org("Gemeente Tweeluik")
    material = orgsetup.ensure_org_keys(org)
    slug = org.slug
    other = tmp_path / "node-b"
    (other / "keys").mkdir(parents=True)
    shutil.copy(runtime.instance_dir() / "keys" / "data.keys", other / "keys" / "data.keys")  # configuration
    db.session.commit()
    node_b = make_app(INSTANCE_PATH=str(other))
    with node_b.app_context():
        from integrity_tool.models import Organisation

        org_b = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        assert orgsetup.ensure_org_keys(org_b).ca_cert_pem == material.ca_cert_pem
        assert reports.ca_pem(org_b) == material.ca_cert_pem
        p12, passphrase = orgsetup.signer_for(org_b)
        signed = signing.sign_pdf(render_summary(sample_report_data()), p12, passphrase, signer_name="B",
                                  reason="Test", location="Test")
    assert signing.verify_pdf(signed, [reports.ca_pem(org)]).ok
    assert sorted(p.name for p in other.rglob("*")) == ["data.keys", "keys"]


def test_concurrent_creation_gives_one_ca(app, app_ctx, make_org):
    """Two threads (as two servers) create the material at the same moment: both get the same CA."""
    from integrity_tool.models import Organisation
    from integrity_tool.services import users

    org_id = users.create_organisation("Gemeente Wedloop", "gemeente").id
    db.session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                org = db.session.get(Organisation, org_id)
                db.session.commit()  # no transaction open while waiting (SQLite: BEGIN IMMEDIATE takes the lock)
                barrier.wait(timeout=10)
                results.append(orgsetup.ensure_org_keys(org).ca_cert_pem)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == 2 and results[0] == results[1]
    assert db.session.scalar(select(db.func.count()).select_from(OrganisationSigningKey)
                             .where(OrganisationSigningKey.organisation_id == org_id)) == 1


def test_unique_row_is_the_final_guard(app_ctx, monkeypatch):
    """A row that appears after the check (another server, past the lock): its material is used, not ours."""
    from integrity_tool.services import users

    org = users.create_organisation("Gemeente Laatkomer", "gemeente")
    db.session.commit()
    theirs_pem, theirs_p12 = signing.create_pki(org.name, b"hun-wachtwoord")
    real_stored = orgsetup._stored
    calls = {"n": 0}

    def stored(org_id):
        calls["n"] += 1
        if calls["n"] == 2:  # right after our lock: the other server's row arrives
            db.session.add(OrganisationSigningKey(organisation_id=org_id, ca_cert_pem=theirs_pem.decode(),
                                                  p12=theirs_p12, passphrase="hun-wachtwoord"))
            db.session.flush()
            db.session.expunge_all()
            return None
        return real_stored(org_id)

    monkeypatch.setattr(orgsetup, "_stored", stored)
    material = orgsetup.ensure_org_keys(org)
    assert material.ca_cert_pem == theirs_pem and material.passphrase == b"hun-wachtwoord"


def test_files_of_an_older_installation_are_imported(app_ctx, runner):
    """instance/keys/<slug>-ca.pem and -signing.p12 (passphrase: SIGNING_PASSPHRASE) move into the database,
    with `integrity-tool signing import`; reports signed with them before still verify."""
    from integrity_tool.services import users

    org = users.create_organisation("Gemeente Oudgediend", "gemeente")
    db.session.commit()
    keys = runtime.instance_dir() / "keys"
    passphrase = runtime.config("SIGNING_PASSPHRASE").encode()
    pki = signing.ensure_org_pki(keys, org.slug, org.name, passphrase)
    try:
        old = signing.sign_pdf(render_summary(sample_report_data()), pki.p12_path, passphrase,
                               signer_name="Oud", reason="Test", location="Test")
        status = runner.invoke(args=["signing", "status"])
        assert f"{org.slug}\tnog niet aangemaakt" in status.output and "oude bestanden" in status.output
        result = runner.invoke(args=["signing", "import"])
        assert result.exit_code == 0 and f"{org.slug}: geïmporteerd" in result.output, result.output
        db.session.expire_all()
        material = orgsetup.signing_material(org, create=False)
        assert material.origin == "bestand" and material.ca_cert_pem == pki.ca_cert_pem
        assert signing.verify_pdf(old, [reports.ca_pem(org)]).ok
        assert "staat al in de database" in runner.invoke(args=["signing", "import"]).output
    finally:
        pki.ca_path.unlink()
        pki.p12_path.unlink()
        (keys / f".{org.slug}.lock").unlink(missing_ok=True)


def test_verification_creates_nothing(app_ctx):
    from integrity_tool.services import users

    org = users.create_organisation("Gemeente Zonder", "gemeente")
    db.session.commit()
    assert reports.ca_pem(org) is None
    assert not reports.verify_upload(b"%PDF-1.7 nothing signed").ok
    assert db.session.get(OrganisationSigningKey, org.id) is None


def test_ca_download_of_an_organisation_without_material_is_404(client, app_ctx):
    from integrity_tool.services import users

    org = users.create_organisation("Gemeente Leeg", "gemeente")
    db.session.commit()
    assert client.get(f"/verificatie/ca/{org.slug}.pem").status_code == 404
    orgsetup.ensure_org_keys(org)
    response = client.get(f"/verificatie/ca/{org.slug}.pem")
    assert response.status_code == 200 and response.data == orgsetup.ca_pem(org)


def test_a_joining_server_without_the_audit_chain_key_is_noticed(app_ctx, make_org, monkeypatch, tmp_path):
    make_org("Gemeente Logboek")
    monkeypatch.setitem(current_app.config, "AUDIT_CHAIN_KEY_FILE", str(tmp_path / "audit-chain.keys"))
    audit.add_chain_key()
    audit.record("test.gebeurtenis")
    db.session.commit()
    assert not audit.keyed_elsewhere()  # this server has the key
    monkeypatch.setitem(current_app.config, "AUDIT_CHAIN_KEY_FILE", str(tmp_path / "ontbreekt.keys"))
    assert audit.keyed_elsewhere()  # a new server without it: `init` refuses to start a second key



def test_a_configured_pkcs12_per_organisation_signs_instead(app_ctx, monkeypatch, tmp_path):
    """SIGNING_P12_BY_ORG names a (qualified) PKCS#12 per organisation code: configuration, read only."""
    from integrity_tool.services import users

    own = users.create_organisation("Gemeente Eigencertificaat", "gemeente")
    other = users.create_organisation("Gemeente Gewoon", "gemeente")
    db.session.commit()
    ca_pem, p12 = signing.create_pki("Gekwalificeerd", runtime.config("SIGNING_PASSPHRASE").encode())
    path = tmp_path / "gekwalificeerd.p12"
    path.write_bytes(p12)
    monkeypatch.setitem(current_app.config, "SIGNING_P12_BY_ORG", {own.slug: str(path)})
    assert orgsetup.configured_p12(own) == path and orgsetup.configured_p12(other) is None
    data, passphrase = orgsetup.signer_for(own)
    assert data == p12
    signed = signing.sign_pdf(render_summary(sample_report_data()), data, passphrase, signer_name="X",
                              reason="Test", location="Test")
    assert signing.verify_pdf(signed, [ca_pem]).ok
    assert db.session.get(OrganisationSigningKey, own.id) is None  # no local CA made for it
    assert orgsetup.signer_for(other)[0] == orgsetup.signing_material(other, create=False).p12
