"""PAdES signing and verification of the reports (pyHanko). Bytes in, bytes/results out.

* ``ensure_org_pki`` creates a local, *not publicly trusted* organisation CA plus a signing
  certificate (PKCS#12, passphrase-protected) for a default install. Production installs point
  ``sign_pdf`` at the PKCS#12 of a PKIoverheid / qualified certificate instead.
* ``sign_pdf`` certifies the document (DocMDP: no changes allowed) with a visible stamp in
  ``styles.SIGNATURE_BOX`` on the last page; optional RFC 3161 timestamp (PAdES B-T).
* ``verify_pdf`` never raises: it reports in Dutch what is wrong.
"""
from __future__ import annotations

import datetime as _dt
import fcntl
import functools
import hashlib
import io
import logging
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem as _pem
from asn1crypto import x509 as _asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from integrity_tool.pdf.styles import SIGNATURE_BOX, SIGNATURE_FIELD_NAME

log = logging.getLogger(__name__)

DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
NOT_TRUSTED_LABEL = "Lokale organisatie-CA - niet publiek vertrouwd"

MSG_NOT_PDF = "Het bestand is geen (leesbare) PDF."
MSG_UNSIGNED = "Het document bevat geen digitale handtekening."
MSG_ALTERED = "Het document is na ondertekening gewijzigd."
MSG_DAMAGED = "De handtekening kon niet worden gecontroleerd: het document is beschadigd of gewijzigd."
MSG_INVALID = "De digitale handtekening is ongeldig."
MSG_UNTRUSTED = "De ondertekenaar is onbekend (certificaat niet vertrouwd)."
MSG_NOT_CERTIFIED = "Het document is niet gecertificeerd tegen latere wijzigingen."


class SigningError(Exception):
    """The PKCS#12 could not be loaded or the document could not be signed."""


# --------------------------------------------------------------------------- PKI


@dataclass(frozen=True)
class OrgPki:
    ca_cert_pem: bytes
    p12_path: Path
    ca_path: Path


def _name(cn: str, org: str, ou: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64] or "-"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, cn[:64]),
    ])


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def ensure_org_pki(keys_dir: Path, org_slug: str, org_name: str, passphrase: bytes) -> OrgPki:
    """Create (once) a local organisation CA and signing certificate; idempotent and process-safe.

    Files: ``<slug>-ca.pem`` (public, may be downloaded by verifiers) and
    ``<slug>-signing.p12`` (key + certificate + CA, encrypted with ``passphrase``, mode 0600).
    """
    if not _SLUG.match(org_slug):
        raise ValueError(f"invalid organisation slug: {org_slug!r}")
    if not passphrase:
        raise ValueError("a passphrase is required for the PKCS#12 file")
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_path = keys_dir / f"{org_slug}-ca.pem"
    p12_path = keys_dir / f"{org_slug}-signing.p12"
    with open(keys_dir / f".{org_slug}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (ca_path.exists() and p12_path.exists()):
                ca_pem, p12 = _create_pki(org_name, passphrase)
                _write_atomic(p12_path, p12, 0o600)
                _write_atomic(ca_path, ca_pem, 0o644)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return OrgPki(ca_cert_pem=ca_path.read_bytes(), p12_path=p12_path, ca_path=ca_path)


def _create_pki(org_name: str, passphrase: bytes) -> tuple[bytes, bytes]:
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    start = now - _dt.timedelta(hours=1)
    # ECDSA P-256: cheap to generate and to sign with, accepted by Acrobat and NCSC guidance.
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{org_name} - lokale CA integriteitstoets", org_name, NOT_TRUSTED_LABEL)
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(now + _dt.timedelta(days=365 * 15))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{org_name} – integriteitstoets", org_name, NOT_TRUSTED_LABEL))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(now + _dt.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"integriteitstoets", key, cert, [ca_cert], serialization.BestAvailableEncryption(passphrase)
    )
    return ca_cert.public_bytes(serialization.Encoding.PEM), p12


# --------------------------------------------------------------------------- asn1crypto


def _speed_up_asn1crypto() -> bool:
    """Make ``Asn1Value.dump`` evaluate ``self.contents`` once instead of twice.

    asn1crypto 1.5.1 reads ``self.contents`` twice per ``dump()`` (once for the value, once for
    the length header), and for a constructed value that was built rather than parsed (its
    ``_mutated`` flag never resets) every read re-serialises the whole subtree. Every nesting
    level therefore doubles the work: dumping the ~2 KB CMS pyHanko builds for one signature
    took ~15 ms of pure Python (2^depth visits of the ESS signing-certificate attribute).
    The replacement below is the 1.5.1 method with the second read replaced by the value of the
    first (the property is deterministic), so the output is byte-for-byte the same.
    Only applied to the exact version it was written against.
    """
    import asn1crypto
    from asn1crypto import core
    from asn1crypto.parser import _dump_header

    global _ORIGINAL_ASN1_DUMP
    if getattr(asn1crypto, "__version__", None) != "1.5.1" or getattr(core.Asn1Value.dump, "_it_once", False):
        return False
    _ORIGINAL_ASN1_DUMP = core.Asn1Value.dump

    def dump(self, force=False):
        contents = self.contents
        # If the length is indefinite, force the re-encoding
        if self._header is not None and self._header[-1:] == b"\x80":
            force = True
        if self._header is None or force:
            if isinstance(self, core.Constructable) and self._indefinite:
                self.method = 0
            header = _dump_header(self.class_, self.method, self.tag, contents)
            if self.explicit is not None:
                for class_, tag in self.explicit:
                    header = _dump_header(class_, 1, tag, header + contents) + header
            self._header = header
            self._trailer = b""
        return self._header + contents + self._trailer

    dump.__doc__ = core.Asn1Value.dump.__doc__
    dump._it_once = True
    core.Asn1Value.dump = dump
    return True


_ORIGINAL_ASN1_DUMP = None
_speed_up_asn1crypto()


# --------------------------------------------------------------------------- signing

_cache_lock = threading.Lock()
_signers: dict[tuple, object] = {}
_timestampers: dict[str, object] = {}


def _load_signer(p12_path: Path, passphrase: bytes):
    from pyhanko.sign import signers

    st = os.stat(p12_path)
    key = (str(Path(p12_path).resolve()), st.st_mtime_ns, st.st_size,
           hashlib.sha256(passphrase or b"").digest())
    with _cache_lock:
        signer = _signers.get(key)
    if signer is not None:
        return signer
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            Path(p12_path).read_bytes(), other_certs=None, passphrase=passphrase)
    except Exception as exc:  # wrong passphrase, corrupt file
        raise SigningError("Het ondertekeningscertificaat kon niet worden geladen.") from exc
    if signer is None:
        raise SigningError("Het ondertekeningscertificaat kon niet worden geladen.")
    with _cache_lock:
        _signers.clear() if len(_signers) > 32 else None
        _signers[key] = signer
    return signer


def _reserve(signer) -> int:
    size = len(signer.signing_cert.dump())
    try:
        size += sum(len(c.dump()) for c in signer.cert_registry)
    except Exception:  # pragma: no cover - defensive: fall back to a generous fixed size
        size += 16384
    return 2 * (size + 4096)  # hex digits in /Contents: always even


def _timestamper(url: str):
    from pyhanko.sign import timestamps

    with _cache_lock:
        ts = _timestampers.get(url)
        if ts is None:
            ts = _timestampers[url] = timestamps.HTTPTimeStamper(url)
    return ts


_ASCII_FALLBACK = str.maketrans({
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "€": "EUR", "ĳ": "ij", "Ĳ": "IJ",
    "…": "...", "•": "-",
})


def _stamp_safe(s: str, limit: int = 60) -> str:
    """Text for pyHanko's built-in standard-font stamp: Latin-1 printable only."""
    s = " ".join(str(s).split()).translate(_ASCII_FALLBACK)
    out = []
    for ch in s:
        if 0x20 <= ord(ch) < 0x7F or 0xA0 <= ord(ch) <= 0xFF:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch)[0]
            out.append(base if 0x20 <= ord(base) < 0x7F else "?")
    s = "".join(out)
    return s if len(s) <= limit else s[: limit - 3] + "..."


@functools.lru_cache(maxsize=1)
def _stamp_style():
    """The visible stamp's style: immutable, built once per process and shared by all signers."""
    from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text="Digitaal ondertekend door\n%(org)s\nNamens: %(name)s\nTijdstip: %(ts)s",
        timestamp_format="%d-%m-%Y %H:%M:%S %Z",
        text_box_style=TextBoxStyle(font=SimpleFontEngineFactory("Helvetica", 0.5), font_size=8, leading=10),
        border_width=1,
        background=None,
    )


def sign_pdf(
    pdf_bytes: bytes,
    p12_path: Path,
    passphrase: bytes,
    *,
    signer_name: str,
    reason: str,
    location: str,
    timestamp_url: str | None = None,
    field_name: str = SIGNATURE_FIELD_NAME,
) -> bytes:
    """Certify ``pdf_bytes`` (PAdES, SHA-256, DocMDP no changes) and return the signed bytes."""
    signer = _load_signer(Path(p12_path), passphrase)
    return _sign_with(signer, pdf_bytes, signer_name=signer_name, reason=reason, location=location,
                      timestamp_url=timestamp_url, field_name=field_name)


def _sign_with(signer, pdf_bytes: bytes, *, signer_name: str, reason: str, location: str,
               timestamp_url: str | None = None, field_name: str = SIGNATURE_FIELD_NAME) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import MDPPerm, SigFieldSpec

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer_name,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    spec = SigFieldSpec(sig_field_name=field_name, on_page=-1, box=SIGNATURE_BOX)
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=_timestamper(timestamp_url) if timestamp_url else None,
        stamp_style=_stamp_style(), new_field_spec=spec,
    )
    cn = signer.signing_cert.subject.native.get("organization_name") or ""
    # Without a timestamp the CMS size is bounded by the certificates plus a few hundred bytes of
    # attributes and signature; reserving it up front saves pyHanko a full dry-run signature.
    reserve = None if timestamp_url else _reserve(signer)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, output=out, bytes_reserved=reserve, appearance_text_params={
            "org": _stamp_safe(cn), "name": _stamp_safe(signer_name)})
    except Exception as exc:
        raise SigningError(f"Ondertekenen mislukt: {exc}") from exc
    return out.getvalue()


_warm_lock = threading.Lock()
_warmed = False


def warm_up() -> None:
    """Pay the one-off costs of the first sign-off now instead of in a request.

    The first render + sign in a fresh process imports reportlab's platypus and pyHanko (about a
    second of CPU, holding the GIL), registers the TrueType fonts and runs many first-use set-ups.
    Call this once per worker process at start-up (e.g. from the app factory or a gunicorn
    ``post_worker_init`` hook): it renders the sample dossier and signs it with a throw-away
    in-memory key, touching no key material or files. Idempotent and thread-safe.
    """
    global _warmed
    if _warmed:
        return
    with _warm_lock:
        if _warmed:
            return
        from pyhanko.sign import signers

        from integrity_tool.pdf import render_confidential, render_summary
        from integrity_tool.pdf.sample import sample_report_data

        data = sample_report_data()
        pdfs = (render_confidential(data), render_summary(data))
        throwaway = b"warm-up"
        _ca, p12 = _create_pki("Warm-up", throwaway)
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=None, passphrase=throwaway)
        for pdf in pdfs:
            _sign_with(signer, pdf, signer_name="warm-up", reason="warm-up", location="-")
        _warmed = True


# --------------------------------------------------------------------------- verification


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
