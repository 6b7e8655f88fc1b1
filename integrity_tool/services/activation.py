"""Activating a candidate account from an invitation link.

The steps (password, second factor, privacy statement) are collected first; nothing is written
to the account until the last step. Then one conditional UPDATE marks the invitation used
(``WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at >= now``): of two simultaneous
submissions exactly one activates, and the link can never be used again.
"""
from __future__ import annotations

from sqlalchemy import update

from .. import audit
from ..models import Invitation, User, db, utcnow
from . import runtime, security, users
from .errors import InvalidInput, NotFound

UNUSABLE = "Deze link werkt niet (meer)."


def open_invitation(token: str) -> Invitation:
    """The open invitation for this raw token, or NotFound: unknown, used, revoked and expired links
    are indistinguishable to the visitor."""
    invitation = users.invitation_for_token(token)
    if invitation is None or invitation.purpose != "activate" or invitation.user.password_hash:
        raise NotFound(UNUSABLE)
    return invitation


def check_password(user: User, password: str, repeat: str) -> str:
    """The argon2 hash of an acceptable password; InvalidInput with a Dutch reason otherwise."""
    problem = security.password_problem(password or "", email=user.email, name=user.name)
    if problem:
        raise InvalidInput(problem)
    if password != repeat:
        raise InvalidInput("De twee wachtwoorden zijn niet gelijk. Typ hetzelfde wachtwoord twee keer.")
    return security.hash_password(password)


def email_otp_allowed(user: User) -> bool:
    return user.organisation is not None and bool(user.organisation.allow_email_otp)


def verify_totp_setup(user: User, secret: str, code: str) -> bool:
    """A code from the new authenticator app (accepted once, like at log-in)."""
    ok = security.consume_totp(user, code, secret=secret)
    db.session.commit()  # the last used time step (also when activation is finished later)
    return ok


def send_setup_code(user: User) -> bool:
    return users.send_email_code(user)


def verify_email_setup(user: User, code: str) -> bool:
    ok = users.consume_email_code(user, code)
    db.session.commit()
    return ok


def complete(invitation_id: int, *, password_hash: str, mfa_method: str, totp_secret: str | None,
             privacy_version: str, ip: str | None, language: str | None = None) -> tuple[User, list[str]]:
    """Mark the invitation used (atomically, once) and store the credentials. Returns the user and
    the new recovery codes (shown once). ``language``: the interface language the person chose while
    activating ("nl"/"en"; else the account keeps its own), so the pages after activation and the
    mails that follow stay in it."""
    if mfa_method not in ("totp", "email") or (mfa_method == "totp" and not totp_secret):
        raise InvalidInput("Stel eerst de tweede stap bij het inloggen in.")
    now = utcnow()
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
               Invitation.expires_at >= now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise NotFound(UNUSABLE)
    invitation = db.session.get(Invitation, invitation_id)
    user = invitation.user
    if not user.active or user.password_hash:
        db.session.rollback()
        raise NotFound(UNUSABLE)
    if mfa_method == "email" and not email_otp_allowed(user):
        db.session.rollback()
        raise InvalidInput("Uw organisatie staat inloggen met een code per e-mail niet toe.")
    user.password_hash = password_hash
    user.password_changed_at = now
    user.mfa_method = mfa_method
    user.totp_secret = totp_secret if mfa_method == "totp" else None
    user.privacy_version = privacy_version
    user.privacy_acknowledged_at = now
    if language in ("nl", "en"):
        user.language = language
    codes = security.new_recovery_codes(user)
    audit.record("account.geactiveerd", actor=user, ip=ip, methode=mfa_method, privacyverklaring=privacy_version)
    db.session.commit()
    return user, codes


def privacy_version() -> str:
    return str(runtime.config("PRIVACY_VERSION", "1"))
