"""Organisation set-up that touches key material: the signing CA and certificate per organisation.

The material lives in the database (``organisation_signing_key``: the CA certificate in the clear, the
PKCS#12 and its passphrase encrypted with the data keys), so every app server signs with the same
key and verifies against the same CA, and nothing is written to ``instance/`` at run time. It is
created once per organisation, under a database lock (PostgreSQL: ``SELECT ... FOR UPDATE`` on the
organisation row; SQLite: the single-writer lock every transaction takes with ``BEGIN IMMEDIATE``),
with the primary key as the final guard: two servers racing end up with the same CA.

Older installations kept the material as files in ``instance/keys/`` (``<slug>-ca.pem``,
``<slug>-signing.p12``, passphrase in ``signing.pass`` or ``SIGNING_PASSPHRASE``). Those are imported
into the database by ``integrity-tool init`` / ``integrity-tool signing import``, and on first use when
a server finds them; the files are only read.

A configured PKCS#12 (``SIGNING_P12`` for every organisation, ``SIGNING_P12_BY_ORG`` per organisation
code) replaces the local CA for signing; it is configuration, read from the file named there.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..models import Organisation, OrganisationSigningKey, db
from . import runtime, users

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SigningMaterial:
    ca_cert_pem: bytes
    p12: bytes
    passphrase: bytes
    origin: str = "aangemaakt"  # "aangemaakt" | "bestand" | "geconfigureerd"

    @property
    def ca_fingerprint(self) -> str:
        """SHA-256 of the CA certificate (DER), as verifiers compare it."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        cert = x509.load_pem_x509_certificate(self.ca_cert_pem)
        return cert.fingerprint(hashes.SHA256()).hex()


def _legacy_keys_dir() -> Path:
    return runtime.instance_dir() / "keys"


def signing_passphrase() -> bytes:
    """The passphrase of a configured PKCS#12 (``SIGNING_PASSPHRASE``); for an older installation the
    one in instance/keys/signing.pass. Only read: nothing is created."""
    configured = runtime.config("SIGNING_PASSPHRASE")
    if configured:
        return str(configured).encode("utf-8")
    path = _legacy_keys_dir() / "signing.pass"
    try:
        return path.read_text().strip().encode("utf-8")
    except OSError:
        return b""


def configured_p12(org: Organisation) -> Path | None:
    """The PKCS#12 named in the configuration for this organisation (``SIGNING_P12_BY_ORG[slug]``), or for
    every organisation (``SIGNING_P12``); None for the organisation's own material in the database."""
    by_org = runtime.config("SIGNING_P12_BY_ORG") or {}
    path = by_org.get(org.slug) if isinstance(by_org, dict) else None
    path = path or runtime.config("SIGNING_P12")
    return Path(path) if path else None


def _material(row: OrganisationSigningKey) -> SigningMaterial:
    return SigningMaterial(row.ca_cert_pem.encode("ascii"), bytes(row.p12), row.passphrase.encode("utf-8"), row.origin)


def _stored(org_id: int) -> OrganisationSigningKey | None:
    # A fresh SELECT (not the identity map), so a row another server committed meanwhile is seen.
    return db.session.scalar(select(OrganisationSigningKey).where(OrganisationSigningKey.organisation_id == org_id)
                             .execution_options(populate_existing=True))


def _legacy_files(org: Organisation) -> tuple[bytes, bytes, bytes] | None:
    """(CA PEM, PKCS#12, passphrase) from instance/keys/ of an older installation, if they are there and
    the passphrase opens the PKCS#12."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    keys = _legacy_keys_dir()
    ca_path, p12_path = keys / f"{org.slug}-ca.pem", keys / f"{org.slug}-signing.p12"
    try:
        ca_pem, p12 = ca_path.read_bytes(), p12_path.read_bytes()
    except OSError:
        return None
    passphrase = signing_passphrase()
    try:
        pkcs12.load_key_and_certificates(p12, passphrase or None)
    except Exception:
        log.warning("signing files of %s in %s not imported: the passphrase does not open %s",
                    org.slug, keys, p12_path.name)
        return None
    return ca_pem, p12, passphrase


def legacy_ca(org: Organisation) -> bytes | None:
    """The CA certificate in instance/keys/ of an older installation, if any (for a comparison)."""
    try:
        return (_legacy_keys_dir() / f"{org.slug}-ca.pem").read_bytes()
    except OSError:
        return None


def _lock(org_id: int) -> None:
    """Serialise creation per organisation for the rest of this transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Organisation.id).where(Organisation.id == org_id).with_for_update())
    # SQLite: this transaction began with BEGIN IMMEDIATE, so it already holds the database's write lock.


def signing_material(org: Organisation, *, create: bool = True, commit: bool = False) -> SigningMaterial | None:
    """The organisation's signing material from the database; imported from instance/keys/ files of an
    older installation when present, else (``create``) made now, once. ``commit``: commit the new row
    (otherwise it is part of the caller's transaction). None only when nothing exists and not ``create``."""
    row = _stored(org.id)
    if row is not None:
        return _material(row)
    legacy = _legacy_files(org)
    if legacy is None and not create:
        return None
    _lock(org.id)
    row = _stored(org.id)
    if row is None:
        if legacy is not None:
            ca_pem, p12, passphrase, origin = *legacy, "bestand"
        else:
            from .. import signing

            passphrase = secrets.token_urlsafe(32).encode("ascii")
            ca_pem, p12 = signing.create_pki(org.name, passphrase)
            origin = "aangemaakt"
        candidate = OrganisationSigningKey(organisation_id=org.id, ca_cert_pem=ca_pem.decode("ascii"), p12=p12,
                                           passphrase=passphrase.decode("utf-8"), origin=origin)
        try:
            with db.session.begin_nested():
                db.session.add(candidate)
        except IntegrityError:  # another server was first (the lock makes this rare): use its material
            row = _stored(org.id)
        else:
            row = candidate
            log.info("signing material of %s %s", org.slug, "imported from instance/keys" if legacy else "created")
    material = _material(row)
    if commit:
        db.session.commit()
    return material


def ensure_org_keys(org: Organisation) -> SigningMaterial:
    """Make sure the organisation has signing material in the database; commits when it created it."""
    return signing_material(org, create=True, commit=True)


def signer_for(org: Organisation) -> tuple[bytes, bytes]:
    """(PKCS#12 bytes, passphrase) to sign the organisation's reports with: the configured PKCS#12 when
    there is one, else the organisation's material (created within the caller's transaction if missing)."""
    configured = configured_p12(org)
    if configured is not None:
        return configured.read_bytes(), signing_passphrase()
    material = signing_material(org, create=True)
    return material.p12, material.passphrase


def ca_pem(org: Organisation) -> bytes | None:
    """The organisation's CA certificate (PEM) for verification; None when it never had one. Creates
    nothing (a file of an older installation is imported)."""
    material = signing_material(org, create=False, commit=True)
    return material.ca_cert_pem if material is not None else None


def ensure_all_org_keys() -> dict[str, str]:
    """Every organisation's material in the database (imported or created); {slug: origin}."""
    out = {}
    for org in db.session.scalars(select(Organisation).order_by(Organisation.id)).all():
        out[org.slug] = ensure_org_keys(org).origin
    return out


def key_status() -> list[tuple[Organisation, SigningMaterial | None, bool]]:
    """(organisation, material in the database or None, whether instance/keys/ still has its files)."""
    rows = {r.organisation_id: r for r in db.session.scalars(select(OrganisationSigningKey))}
    out = []
    for org in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        row = rows.get(org.id)
        files = (_legacy_keys_dir() / f"{org.slug}-signing.p12").exists()
        out.append((org, _material(row) if row is not None else None, files))
    return out


def create_organisation_with_keys(name: str, kind: str, *, actor=None) -> Organisation:
    org = users.create_organisation(name, kind, actor=actor)
    ensure_org_keys(org)
    return org
