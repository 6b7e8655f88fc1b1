"""Issue 6 integration: the signed reports of a signed-off dossier, downloads and verification."""
from __future__ import annotations

import hashlib
import io
import re

import pytest

from pypdf import PdfReader
from sqlalchemy import func, select, text

from integrity_tool import signing
from integrity_tool.models import AuditEvent, Report, db
from integrity_tool.services import orgsetup, reports
from tests.conftest import login
from tests.pdf.pdf_test_helpers import flat
from tests.factories import CONCLUSION, MENTIONABLE_TITLE, PRIVATE_TITLE
from tests.review.helpers import CONFIDENTIAL_EMPLOYER, CONFIDENTIAL_KVK, new_client


def _text(pdf: bytes) -> str:
    return flat(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


def _download(app, user, url):
    c = new_client(app)
    login(c, user)
    return c.get(url)


def test_reports_are_stored_encrypted_with_hash_and_number(signed):
    rows = {r.kind: r for r in db.session.scalars(select(Report))}
    assert set(rows) == {"vertrouwelijk", "samenvatting"}
    year = signed.dossier.signed_off_at.year
    assert rows["vertrouwelijk"].document_number == f"RI-{year}-{signed.dossier.id:06d}-V"
    assert rows["samenvatting"].document_number == f"RI-{year}-{signed.dossier.id:06d}-S"
    for r in rows.values():
        assert hashlib.sha256(r.content).hexdigest() == r.sha256 and r.size == len(r.content)
        raw = db.session.execute(text("SELECT content FROM report WHERE id = :id"), {"id": r.id}).scalar()
        assert b"%PDF" not in bytes(raw)  # encrypted at rest


def test_downloads_by_role_identical_bytes_headers_and_audit(app, signed):
    d = signed.dossier
    base = f"/beoordeling/dossier/{d.public_id}/rapport"
    first = _download(app, signed.reviewer, base + "/vertrouwelijk")
    second = _download(app, signed.reviewer, base + "/vertrouwelijk")
    assert first.status_code == 200 and first.data == second.data and first.data.startswith(b"%PDF")
    assert first.headers["Content-Type"] == "application/pdf"
    assert first.headers["Cache-Control"] == "no-store"
    disposition = first.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and re.search(r'filename="risicoanalyse-[\w-]+\.pdf"', disposition)
    assert _download(app, signed.reviewer, base + "/samenvatting").status_code == 200
    cand = _download(app, signed.candidate, f"/kandidaat/maatregelen/rapport/{d.public_id}")
    assert cand.status_code == 200 and cand.data == first.data
    griffier = _download(app, signed.griffier, base + "/samenvatting")
    assert griffier.status_code == 200
    assert griffier.data == db.session.scalar(select(Report.content).where(Report.kind == "samenvatting"))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rapport.gedownload")).all()
    assert len(events) == 5
    assert {e.detail["soort"] for e in events} == {"vertrouwelijk", "samenvatting"}
    assert {e.actor_id for e in events} == {signed.reviewer.id, signed.candidate.id, signed.griffier.id}


def test_pdfs_verify_with_the_organisation_ca(signed):
    ca = orgsetup.ensure_org_keys(signed.org).ca_cert_pem
    for r in db.session.scalars(select(Report)):
        result = signing.verify_pdf(r.content, [ca])
        assert result.ok, result.problems
        assert result.document_number == r.document_number
        assert result.trusted and result.intact and result.unchanged_since_signing


def test_summary_contains_only_public_content(signed):
    summary = _text(db.session.scalar(select(Report.content).where(Report.kind == "samenvatting")))
    for expected in (CONCLUSION, MENTIONABLE_TITLE, "Stichting Dorpshuis De Linde", "Voetbalclub SV Vooruit",
                     "Penningmeester", "Samenvatting voor de gemeenteraad", "Anna de Vries",
                     "Risico's beheersbaar met afspraken"):
        assert flat(expected) in summary, expected
    for secret in (CONFIDENTIAL_EMPLOYER, CONFIDENTIAL_KVK, PRIVATE_TITLE, "Leveringen worden voor de installatie",
                   "verboden handeling", "Goed gesprek"):
        assert flat(secret) not in summary, secret


def test_confidential_report_contains_the_whole_review(signed):
    confidential = _text(db.session.scalar(select(Report.content).where(Report.kind == "vertrouwelijk")))
    for expected in ("VERTROUWELIJK", CONCLUSION, CONFIDENTIAL_EMPLOYER, MENTIONABLE_TITLE, PRIVATE_TITLE,
                     "Leveringen worden voor de installatie beëindigd", "Stichting Dorpshuis De Linde",
                     "Burgemeester en kandidaat"):
        assert flat(expected) in confidential, expected


def test_verify_pdf_cli(app, runner, signed, tmp_path):
    report = db.session.scalar(select(Report).where(Report.kind == "vertrouwelijk"))
    good = tmp_path / "rapport.pdf"
    good.write_bytes(report.content)
    result = runner.invoke(args=["verify-pdf", str(good)])
    assert result.exit_code == 0, result.output
    assert "GELDIG" in result.output and report.document_number in result.output
    ca = tmp_path / "ca.pem"
    ca.write_bytes(orgsetup.ensure_org_keys(signed.org).ca_cert_pem)
    assert runner.invoke(args=["verify-pdf", str(good), "--trust", str(ca)]).exit_code == 0
    bad = tmp_path / "gewijzigd.pdf"
    bad.write_bytes(report.content.replace(b"/Producer", b"/Producar", 1))
    result = runner.invoke(args=["verify-pdf", str(bad)])
    assert result.exit_code == 1 and "gewijzigd" in result.output
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"dit is geen pdf")
    result = runner.invoke(args=["verify-pdf", str(junk)])
    assert result.exit_code == 1 and "geen (leesbare) PDF" in result.output


def _upload(client, data: bytes, name="rapport.pdf"):
    return client.post("/verificatie", data={"document": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_public_verification_page(app, signed):
    report = db.session.scalar(select(Report).where(Report.kind == "samenvatting"))
    c = app.test_client()  # no log-in
    assert c.get("/verificatie").status_code == 200
    ok = _upload(c, report.content)
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "Het document is echt en ongewijzigd" in html
    assert report.document_number in html and signed.org.name in html

    tampered = _upload(c, report.content.replace(b"/Producer", b"/Producar", 1)).get_data(as_text=True)
    assert "kon niet worden bevestigd" in tampered and "gewijzigd" in tampered

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(report.content))
    w.root["/Lang"] = generic.pdf_string("en-GB")
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    appended = _upload(c, out.getvalue()).get_data(as_text=True)
    assert "kon niet worden bevestigd" in appended and "na ondertekening gewijzigd" in appended

    for junk in (b"", b"geen pdf", b"%PDF-1.7\n garbage \x00\xff" * 100, bytes(range(256)) * 10):
        resp = _upload(c, junk)
        assert resp.status_code == 200
        body = resp.get_data(as_text=True)
        assert "PDF" in body and "Er ging iets mis" not in body
    resp = c.post("/verificatie", data={})
    assert resp.status_code == 200 and "Kies een PDF-bestand" in resp.get_data(as_text=True)


def test_unknown_signer_is_reported(app, make_org, signed):
    other = make_org()
    from integrity_tool.pdf import render_summary
    from integrity_tool.pdf.sample import sample_report_data

    material = orgsetup.ensure_org_keys(other)
    foreign = signing.sign_pdf(render_summary(sample_report_data()), material.p12,
                               material.passphrase, signer_name="X", reason="test", location="Y")
    outcome = reports.verify_upload(foreign)
    assert not outcome.ok and "Het documentnummer is bij ons niet bekend." in outcome.problems


def test_qr_landing_and_ca_download(app, signed):
    report = db.session.scalar(select(Report).where(Report.kind == "vertrouwelijk"))
    c = app.test_client()
    html = c.get(f"/verificatie/{report.document_number}").get_data(as_text=True)
    assert report.sha256 in html and signed.org.name in html
    assert signed.candidate.name not in html  # the public page reveals nobody
    assert "niet bekend" in c.get("/verificatie/RI-2099-999999-V").get_data(as_text=True)
    pem = c.get(f"/verificatie/ca/{signed.org.slug}.pem")
    assert pem.status_code == 200 and pem.data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert c.get("/verificatie/ca/bestaat-niet.pem").status_code == 404
    # The QR/verify URL in the PDF points at the landing page for this number.
    assert flat(f"/verificatie/{report.document_number}") in _text(report.content)


def test_verification_needs_csrf_when_enabled(make_app, signed):
    strict = make_app(WTF_CSRF_ENABLED=True)
    c = strict.test_client()
    resp = c.post("/verificatie", data={"document": (io.BytesIO(b"x"), "a.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert db.session.scalar(select(func.count(Report.id))) == 2


def _foreign_pdf(tmp_path) -> bytes:
    """A summary signed by a CA that no organisation here knows."""
    from integrity_tool.pdf import render_summary
    from integrity_tool.pdf.sample import sample_report_data

    pki = signing.ensure_org_pki(tmp_path / "keys", "vreemd", "Gemeente Vreemd", b"vreemd-wachtwoord")
    return signing.sign_pdf(render_summary(sample_report_data()), pki.p12_path, b"vreemd-wachtwoord",
                            signer_name="X", reason="test", location="Y")


@pytest.mark.parametrize("case", ["echt", "gewijzigd", "vreemde_ondertekenaar", "vreemd_en_gewijzigd"])
def test_page_and_cli_say_exactly_what_is_wrong(app, runner, signed, tmp_path, case):
    """Issue 13.4: a changed document is 'gewijzigd na ondertekening' and not also 'ondertekenaar onbekend';
    the latter only when the certificate does not chain to the organisation's CA. Page and CLI agree."""
    report = db.session.scalar(select(Report).where(Report.kind == "samenvatting"))
    data = {"echt": report.content,
            "gewijzigd": report.content.replace(b"/Producer", b"/Producar", 1)}.get(case)
    if data is None:
        data = _foreign_pdf(tmp_path)
        if case == "vreemd_en_gewijzigd":
            data = data.replace(b"/Producer", b"/Producar", 1)
    altered, unknown = "na ondertekening gewijzigd", "De ondertekenaar is onbekend"
    path = tmp_path / "upload.pdf"
    path.write_bytes(data)
    cli = runner.invoke(args=["verify-pdf", str(path)])
    page = _upload(app.test_client(), data).get_data(as_text=True)
    for output in (cli.output, page):
        assert (altered in output) == (case in ("gewijzigd", "vreemd_en_gewijzigd")), (case, output)
        assert (unknown in output) == (case in ("vreemde_ondertekenaar", "vreemd_en_gewijzigd")), (case, output)
    assert (cli.exit_code == 0) == (case == "echt")
    assert ("Het document is echt en ongewijzigd" in page) == (case == "echt")
    if case == "gewijzigd":  # the signer is still the organisation's own certificate
        assert "Ondertekenaar: " in cli.output and "onbekend" not in cli.output.split("Ondertekenaar: ")[1][:12]
