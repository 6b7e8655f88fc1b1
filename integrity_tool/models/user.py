"""Users, their sessions, invitations and second factors."""
import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .organisation import Organisation
from .types import EncryptedText


class Role(str, enum.Enum):
    candidate = "candidate"
    reviewer = "reviewer"
    griffier = "griffier"
    admin = "admin"
    # The platform administrator: creates organisations and their administrators; belongs to no
    # organisation and sees no dossier content (services/staff.py).
    platform = "platform"


ROLE_LABELS = {
    Role.candidate: "kandidaat",
    Role.reviewer: "beoordelaar",
    Role.griffier: "griffier",
    Role.admin: "beheerder",
    Role.platform: "platformbeheerder",
}


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None only for the platform administrator (Role.platform), who belongs to no organisation.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    # Second factor: 'totp' or 'email'. The TOTP seed is encrypted at rest.
    mfa_method: Mapped[str | None] = mapped_column(String(10), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    # Last accepted TOTP time step: a code is accepted only once (RFC 6238 5.2), across workers.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    privacy_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    privacy_acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The subject ("sub") of this person at the organisation's identity provider, bound at the first
    # single sign-on (issue 16); afterwards only that identity signs in to this account.
    sso_subject: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active)

    @property
    def mfa_configured(self) -> bool:
        return self.mfa_method == "email" or (self.mfa_method == "totp" and bool(self.totp_secret))

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class UserSession(db.Model):
    """A server-side record of a logged-in session: log-out and credential changes revoke it."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(300), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Single sign-on: the identity provider's session id ("sid"), so a back-channel log-out ends this session.
    sso_sid: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    # The ID token of that sign-on, sent back as id_token_hint when the user logs out (RP-initiated log-out).
    sso_id_token: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """Single-use, expiring link for activating an account. Only the sha256 of the token is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), default="activate")
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class EmailCode(db.Model):
    """A one-time code sent by e-mail as second factor (only if the organisation allows it)."""

    __tablename__ = "email_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ThrottleEvent(db.Model):
    """Failed attempts per key (account or IP) when no Redis is configured; shared by all workers."""

    __tablename__ = "throttle_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
