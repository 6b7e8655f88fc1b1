"""The organisation's local PKI: a CA and a signing certificate, created once per organisation.

``create_pki`` makes a local, *not publicly trusted* organisation CA plus a signing certificate
(PKCS#12, passphrase-protected) as bytes; the app keeps them in the database
(``services/orgsetup.py``), so every app server signs with the same key. ``ensure_org_pki`` keeps
them as files in a folder instead (stand-alone use: benchmarks, tests; older installations did this
in instance/keys/). Production installs point ``sign_pdf`` at the PKCS#12 of a PKIoverheid /
qualified certificate instead.
"""
from __future__ import annotations

import datetime as _dt
import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
NOT_TRUSTED_LABEL = "Lokale organisatie-CA - niet publiek vertrouwd"


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
                ca_pem, p12 = create_pki(org_name, passphrase)
                _write_atomic(p12_path, p12, 0o600)
                _write_atomic(ca_path, ca_pem, 0o644)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return OrgPki(ca_cert_pem=ca_path.read_bytes(), p12_path=p12_path, ca_path=ca_path)


def create_pki(org_name: str, passphrase: bytes) -> tuple[bytes, bytes]:
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
