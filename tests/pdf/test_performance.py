"""The renderer/signing speed-ups change nothing in the output (bytes or DER)."""
from __future__ import annotations

import io

from asn1crypto import cms, core
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import general

from integrity_tool import render_pool, signing
from integrity_tool.signing import _asn1_speedup, sign
from integrity_tool.pdf import layout, render_confidential, render_summary
from integrity_tool.pdf.sample import sample_report_data

from tests.pdf.conftest import PASSPHRASE


def test_paragraph_wrap_memo_changes_no_byte(monkeypatch):
    for d in (sample_report_data(), sample_report_data(heavy=True, hostile=True)):
        fast = render_confidential(d), render_summary(d)
        monkeypatch.setattr(layout.Paragraph, "wrap", layout._RLParagraph.wrap)
        slow = render_confidential(d), render_summary(d)
        monkeypatch.undo()
        assert fast == slow


def test_qr_is_computed_once_per_url():
    layout._qr_path.cache_clear()
    d = sample_report_data()
    render_confidential(d)
    render_summary(d)
    info = layout._qr_path.cache_info()
    assert info.misses == 1 and info.hits == 2  # cover + signature page, summary


def test_asn1crypto_patch_is_active_and_byte_identical(pki):
    from asn1crypto import version

    assert getattr(core.Asn1Value.dump, "_it_once", False) == (version.__version__ == "1.5.1")
    original = _asn1_speedup.ORIGINAL_DUMP
    signer = sign._load_signer(pki.p12_path, PASSPHRASE)

    def built():  # a freshly built (mutated, never parsed) nested structure, as pyHanko makes them
        attr = general.as_signing_certificate_v2(signer.signing_cert)
        return cms.CMSAttributes([cms.CMSAttribute({"type": "signing_certificate_v2", "values": [attr]})])

    fast = built().dump()
    core.Asn1Value.dump = original
    try:
        slow = built().dump()
    finally:
        _asn1_speedup.apply()
    assert fast == slow


def test_embedded_cms_is_canonical_der(summary_pdf, pki):
    signed = signing.sign_pdf(summary_pdf, pki.p12_path, PASSPHRASE, signer_name="Bert Bakker",
                              reason="Bekrachtiging", location="Sneek")
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    raw = bytes(sig.pkcs7_content)
    der = cms.ContentInfo.load(raw).dump()
    assert raw.startswith(der) and not raw[len(der):].strip(b"\0")
    assert cms.ContentInfo.load(der).dump(force=True) == der  # re-encoding from scratch: same DER
    assert signing.verify_pdf(signed, [pki.ca_cert_pem]).ok


def test_warm_up_is_idempotent_and_leaves_no_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render_pool.warm_up()
    render_pool.warm_up()
    assert render_pool._warmed and list(tmp_path.iterdir()) == []


def test_qr_codes_decode_to_the_verify_url(tmp_path):
    import dataclasses
    import os
    import shutil
    import subprocess

    import pytest

    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        if os.environ.get("INTEGRITY_TOOL_REQUIRE_BROWSER") == "1":  # CI: every system tool must be there
            pytest.fail("pdftoppm/zbarimg ontbreken: ./scripts/ensure-system-packages")
        pytest.skip("pdftoppm/zbarimg not installed: ./scripts/ensure-system-packages")
    d = sample_report_data()
    long_url = "https://example.org/verificatie?nr=RI-2026-000042-S&x=" + "abc" * 60
    for name, pdf, url in (("c", render_confidential(d), d.verify_url),
                           ("s", render_summary(dataclasses.replace(d, verify_url=long_url)), long_url)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
        for png in sorted(tmp_path.glob(f"{name}-*.png")):
            found = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout
            if name == "c" and png.name.endswith("-1.png") or png == sorted(tmp_path.glob(f"{name}-*.png"))[-1]:
                assert found.strip() == url, png.name  # cover page and signature page
