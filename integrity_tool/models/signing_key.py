"""The organisation's signing material, in the database so that every app server signs and verifies
with the same CA: the local CA certificate (public) and the signing PKCS#12 with its passphrase (both
encrypted with the data keys). One row per organisation: the primary key is the final guard when two
servers race to create it (services/orgsetup.py takes a lock first)."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow
from .types import EncryptedBytes, EncryptedText


class OrganisationSigningKey(db.Model):
    __tablename__ = "organisation_signing_key"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    ca_cert_pem: Mapped[str] = mapped_column(Text)  # public: verifiers download it from /verificatie
    p12: Mapped[bytes] = mapped_column(EncryptedBytes)  # key + signing certificate + CA, PKCS#12
    passphrase: Mapped[str] = mapped_column(EncryptedText)  # of the PKCS#12
    # "aangemaakt": created by the app; "bestand": imported from instance/keys/ (an older installation)
    origin: Mapped[str] = mapped_column(String(20), default="aangemaakt")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
