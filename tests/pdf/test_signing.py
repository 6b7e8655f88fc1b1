"""PAdES signing and verification: intact, trusted, certified, tamper detection."""
from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from integrity_tool.pdf.styles import SIGNATURE_BOX
from integrity_tool.signing import (
    MSG_ALTERED, MSG_NOT_PDF, MSG_UNSIGNED, MSG_UNTRUSTED, SigningError, ensure_org_pki, sign_pdf,
    verify_pdf,
)

from tests.pdf.conftest import PASSPHRASE


def _sign(pdf: bytes, pki) -> bytes:
    return sign_pdf(pdf, pki.p12_path, PASSPHRASE, signer_name="Bert Bakker, burgemeester",
                    reason="Bekrachtiging risicoanalyse integriteit", location="Sneek", box=SIGNATURE_BOX)


@pytest.fixture(scope="module")
def signed(confidential_pdf, pki):
    return _sign(confidential_pdf, pki)


def test_pki_files_and_certificates(pki, tmp_path):
    assert pki.ca_path.read_bytes() == pki.ca_cert_pem
    assert stat.S_IMODE(os.stat(pki.p12_path).st_mode) == 0o600
    ca = x509.load_pem_x509_certificate(pki.ca_cert_pem)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    ku = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.key_cert_sign and ku.crl_sign
    assert "niet publiek vertrouwd" in ca.subject.rfc4514_string()
    again = ensure_org_pki(pki.ca_path.parent, "sudwest-fryslan", "Gemeente Súdwest-Fryslân", PASSPHRASE)
    assert again.ca_cert_pem == pki.ca_cert_pem  # idempotent
    with pytest.raises(ValueError):
        ensure_org_pki(tmp_path, "../evil", "X", PASSPHRASE)


def test_signed_document_verifies(signed, pki, data):
    res = verify_pdf(signed, [pki.ca_cert_pem])
    assert res.ok, res.problems
    assert res.signed and res.intact and res.valid and res.trusted and res.unchanged_since_signing
    assert res.certified
    assert res.document_number == data.document_number
    assert res.signer == "Gemeente Súdwest-Fryslân – integriteitstoets"
    assert res.signing_time is not None
    assert res.problems == []


def test_pyhanko_status_details(signed, pki):
    from asn1crypto import pem, x509 as ax509

    root = ax509.Certificate.load(pem.unarmor(pki.ca_cert_pem)[2])
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    st = validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert st.intact and st.valid and st.trusted and st.bottom_line
    assert st.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert sig.docmdp_level == MDPPerm.NO_CHANGES
    assert st.md_algorithm == "sha256"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_visible_stamp_on_last_page(signed):
    r = PdfReader(io.BytesIO(signed))
    annots = [a.get_object() for a in r.pages[-1].get("/Annots", [])]
    widgets = [a for a in annots if a.get("/FT") == "/Sig" or a.get("/Subtype") == "/Widget"]
    assert widgets
    rect = [round(float(v)) for v in widgets[0]["/Rect"]]
    assert rect == list(SIGNATURE_BOX)


def test_reports_are_stamped_in_the_layouts_signature_box(data, pki):
    """signing knows no layout: render_pool, which joins the two, passes the box the report leaves free."""
    from integrity_tool import render_pool

    for kind in ("vertrouwelijk", "samenvatting"):
        signed = render_pool.render_and_sign(render_pool.SignJob(
            kind=kind, data=data, p12_path=str(pki.p12_path), passphrase=PASSPHRASE, signer_name="Bert Bakker",
            reason="Bekrachtiging", location="Sneek"))
        last = PdfReader(io.BytesIO(signed)).pages[-1]
        rects = [[round(float(v)) for v in a.get_object()["/Rect"]] for a in last.get("/Annots", [])
                 if a.get_object().get("/FT") == "/Sig"]
        assert rects == [list(SIGNATURE_BOX)], kind
        assert verify_pdf(signed, [pki.ca_cert_pem]).ok


def test_one_changed_byte_is_detected(signed, pki):
    i = signed.index(b"(integrity_tool)")
    tampered = signed[:i + 1] + b"J" + signed[i + 2:]
    res = verify_pdf(tampered, [pki.ca_cert_pem])
    assert not res.ok and not res.intact
    assert MSG_ALTERED in res.problems
    # the certificate is the organisation's own: the change is the problem, not the signer (issue 13.4)
    assert res.trusted and MSG_UNTRUSTED not in res.problems


def test_changed_document_of_another_ca_names_both_problems(confidential_pdf, pki, other_pki):
    signed_elsewhere = _sign(confidential_pdf, other_pki)
    i = signed_elsewhere.index(b"(integrity_tool)")
    tampered = signed_elsewhere[:i + 1] + b"J" + signed_elsewhere[i + 2:]
    res = verify_pdf(tampered, [pki.ca_cert_pem])
    assert not res.trusted and MSG_ALTERED in res.problems and MSG_UNTRUSTED in res.problems


def test_changed_page_content_byte_is_detected(signed, pki):
    i = signed.index(b"stream\n", signed.index(b"/Contents")) + 20
    tampered = signed[:i] + bytes([signed[i] ^ 0x01]) + signed[i + 1:]
    res = verify_pdf(tampered, [pki.ca_cert_pem])
    assert not res.ok
    assert MSG_ALTERED in res.problems


def test_appended_incremental_update_is_detected(signed, pki):
    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    w.root["/PageMode"] = generic.NameObject("/UseOutlines")
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    res = verify_pdf(out.getvalue(), [pki.ca_cert_pem])
    assert res.intact  # the signed revision itself is fine ...
    assert not res.unchanged_since_signing and not res.ok  # ... but something was added after
    assert MSG_ALTERED in res.problems


def test_unsigned_pdf(confidential_pdf, pki):
    res = verify_pdf(confidential_pdf, [pki.ca_cert_pem])
    assert not res.ok and not res.signed
    assert res.problems == [MSG_UNSIGNED]
    assert "geen digitale handtekening" in res.problems[0]


def test_other_organisation_is_untrusted(confidential_pdf, pki, other_pki):
    res = verify_pdf(_sign(confidential_pdf, other_pki), [pki.ca_cert_pem])
    assert res.intact and res.valid and not res.trusted and not res.ok
    assert MSG_UNTRUSTED in res.problems


@pytest.mark.parametrize("garbage", [b"", b"garbage", b"%PDF-1.7\n\x00\xff" * 50, os.urandom(4096),
                                     b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"])
def test_garbage_never_raises(garbage, pki):
    res = verify_pdf(garbage, [pki.ca_cert_pem])
    assert res.ok is False and res.problems


def test_truncated_signed_file(signed, pki):
    res = verify_pdf(signed[: len(signed) // 2], [pki.ca_cert_pem])
    assert res.ok is False and res.problems
    assert verify_pdf(b"not a pdf", [pki.ca_cert_pem]).problems == [MSG_NOT_PDF]


def test_wrong_passphrase(confidential_pdf, pki):
    with pytest.raises(SigningError):
        sign_pdf(confidential_pdf, pki.p12_path, b"wrong", signer_name="x", reason="y", location="z")


def test_summary_signs_too(summary_pdf, pki):
    assert verify_pdf(_sign(summary_pdf, pki), [pki.ca_cert_pem]).ok


def _pyhanko_cli() -> str:
    exe = Path(sys.executable).parent / "pyhanko"
    assert exe.exists(), "pyhanko CLI (pip package pyhanko-cli) missing from the environment"
    return str(exe)


def test_pyhanko_cli_validates(signed, pki, tmp_path):
    f = tmp_path / "signed.pdf"
    f.write_bytes(signed)
    ok = subprocess.run([_pyhanko_cli(), "sign", "validate", "--trust", str(pki.ca_path), "--trust-replace", str(f)],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    i = signed.index(b"(integrity_tool)")
    f.write_bytes(signed[:i + 1] + b"J" + signed[i + 2:])
    bad = subprocess.run([_pyhanko_cli(), "sign", "validate", "--trust", str(pki.ca_path), "--trust-replace", str(f)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0


def test_stamp_time_is_local_with_dst_and_labelled_utc():
    """Issue 13.3: the signature box shows Europe/Amsterdam time (right offset either side of the DST
    change) and the UTC time, labelled."""
    import datetime as dt

    from integrity_tool.signing.sign import _stamp_time

    utc = dt.timezone.utc
    assert _stamp_time(dt.datetime(2026, 3, 29, 0, 30, tzinfo=utc)) == "29-03-2026 01:30 CET (00:30 UTC)"
    assert _stamp_time(dt.datetime(2026, 3, 29, 1, 30, tzinfo=utc)) == "29-03-2026 03:30 CEST (01:30 UTC)"
    assert _stamp_time(dt.datetime(2026, 11, 30, 23, 21, tzinfo=utc)) == "01-12-2026 00:21 CET (23:21 UTC)"
