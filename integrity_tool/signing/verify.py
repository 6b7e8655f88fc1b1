"""Verification of a signed report (pyHanko). ``verify_pdf`` never raises: it reports in Dutch what is wrong."""
from __future__ import annotations

import datetime as _dt
import io
import logging
from dataclasses import dataclass, field

from asn1crypto import pem as _pem
from asn1crypto import x509 as _asn1_x509
from cryptography import x509

log = logging.getLogger(__name__)

MSG_NOT_PDF = "Het bestand is geen (leesbare) PDF."
MSG_UNSIGNED = "Het document bevat geen digitale handtekening."
MSG_ALTERED = "Het document is na ondertekening gewijzigd."
MSG_DAMAGED = "De handtekening kon niet worden gecontroleerd: het document is beschadigd of gewijzigd."
MSG_INVALID = "De digitale handtekening is ongeldig."
MSG_UNTRUSTED = "De ondertekenaar is onbekend (certificaat niet vertrouwd)."
MSG_NOT_CERTIFIED = "Het document is niet gecertificeerd tegen latere wijzigingen."


@dataclass
class VerificationResult:
    ok: bool = False
    signed: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    unchanged_since_signing: bool = False
    certified: bool = False
    document_number: str | None = None
    signer: str | None = None
    signing_time: _dt.datetime | None = None
    problems: list[str] = field(default_factory=list)

    def _add(self, msg: str) -> None:
        if msg not in self.problems:
            self.problems.append(msg)


def _load_roots(trust_roots_pem: list[bytes]):
    roots = []
    for blob in trust_roots_pem or ():
        data = blob.encode() if isinstance(blob, str) else bytes(blob)
        if _pem.detect(data):
            for _type, _hdr, der in _pem.unarmor(data, multiple=True):
                roots.append(_asn1_x509.Certificate.load(der))
        else:
            roots.append(_asn1_x509.Certificate.load(data))
    return roots


def _doc_number(reader) -> str | None:
    try:
        info = reader.trailer_view.get("/Info")
        if info is None:
            return None
        info = info.get_object()
        value = info.get("/DocumentNumber")
        return str(value) if value is not None else None
    except Exception:
        return None


def _chains_to_root(sig, trust_roots_pem: list[bytes]) -> bool:
    """Whether the signing certificate embedded in ``sig`` was issued by one of the trust roots
    (directly, as the organisation CA does) and is within its validity period."""
    try:
        cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
    except Exception:
        return False
    now = _dt.datetime.now(_dt.timezone.utc)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        return False
    for root in _load_roots(trust_roots_pem):
        try:
            ca = x509.load_der_x509_certificate(root.dump())
            cert.verify_directly_issued_by(ca)
        except Exception:
            continue
        return True
    return False


def verify_pdf(pdf_bytes: bytes, trust_roots_pem: list[bytes]) -> VerificationResult:
    """Validate the (first) signature of ``pdf_bytes`` against the given trust roots."""
    res = VerificationResult()
    try:
        return _verify(pdf_bytes, trust_roots_pem, res)
    except Exception as exc:  # never raise to the caller (public upload page)
        log.info("verify_pdf failed: %s", exc.__class__.__name__)
        res.ok = False
        res._add(MSG_DAMAGED if res.signed else MSG_NOT_PDF)
        return res


def _verify(pdf_bytes: bytes, trust_roots_pem, res: VerificationResult) -> VerificationResult:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not isinstance(pdf_bytes, (bytes, bytearray)) or not bytes(pdf_bytes[:1024]).lstrip().startswith(b"%PDF-"):
        res._add(MSG_NOT_PDF)
        return res
    try:
        reader = PdfFileReader(io.BytesIO(bytes(pdf_bytes)), strict=False)
        sigs = reader.embedded_signatures
    except Exception:
        res._add(MSG_NOT_PDF)
        return res
    res.document_number = _doc_number(reader)
    if not sigs:
        res._add(MSG_UNSIGNED)
        return res
    res.signed = True
    sig = sigs[0]
    vc = ValidationContext(trust_roots=_load_roots(trust_roots_pem), allow_fetching=False,
                           revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, vc)
    except Exception:
        res._add(MSG_ALTERED)
        res._add(MSG_DAMAGED)
        return res
    res.intact = bool(status.intact)
    res.valid = bool(status.valid)
    res.trusted = bool(status.trusted)
    try:
        res.signer = status.signing_cert.subject.native.get("common_name")
    except Exception:
        res.signer = None
    res.signing_time = status.signer_reported_dt
    if status.timestamp_validity is not None:
        res.signing_time = status.timestamp_validity.timestamp
    res.certified = sig.docmdp_level is not None
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    res.unchanged_since_signing = bool(whole and len(sigs) == 1 and res.intact)
    if not res.intact:
        res._add(MSG_ALTERED)
    elif not res.valid:
        res._add(MSG_INVALID)
    if res.intact and not res.unchanged_since_signing:
        res._add(MSG_ALTERED)
    if status.docmdp_ok is False:
        res._add(MSG_ALTERED)
    if not res.trusted and not res.intact:
        # pyHanko does not judge the signer of a changed document; check the chain ourselves, so a
        # changed document is not also blamed on a certificate that is in fact the organisation's.
        res.trusted = _chains_to_root(sig, trust_roots_pem)
    if not res.trusted:
        res._add(MSG_UNTRUSTED)
    if not res.certified:
        res._add(MSG_NOT_CERTIFIED)
    res.ok = (res.signed and res.intact and res.valid and res.trusted
              and res.unchanged_since_signing and res.certified and not res.problems)
    return res
