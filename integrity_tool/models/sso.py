"""Single sign-on (OpenID Connect) for the staff of one organisation (issue 16; services/sso.py).

The client secret is encrypted at rest with the data keys (``rotate-key`` re-encrypts it like every
other encrypted column). Organisation data, not personal data: no candidate ever signs in this way.
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow
from .types import EncryptedText

MFA_FROM_IDP = "idp"  # the identity provider's acr/amr must show a second factor
MFA_TOTP = "totp"  # this application's own authenticator code after the SSO step
MFA_MODES = (MFA_FROM_IDP, MFA_TOTP)


class SsoConfig(db.Model):
    __tablename__ = "sso_config"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    # Lower-case e-mail domains whose verified addresses may be matched to a staff account.
    allowed_domains: Mapped[list] = mapped_column(JSON, default=list)
    mfa_mode: Mapped[str] = mapped_column(String(10), default=MFA_FROM_IDP)
    # acr values that count as multi-factor at this provider (besides amr "mfa" or two methods).
    mfa_acr_values: Mapped[list] = mapped_column(JSON, default=list)
    # Entra ID sends no email_verified: the administrator may trust the e-mail claim for the allowed domains.
    trust_email: Mapped[bool] = mapped_column(Boolean, default=False)
    # Staff of this organisation may no longer log in with a password (the break-glass admin still can).
    password_login_off: Mapped[bool] = mapped_column(Boolean, default=False)
    break_glass_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    # The first successful SSO log-in: before that, password log-in cannot be switched off.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Bumped on every change, so each worker rebuilds its client (metadata, keys) from the new settings.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
