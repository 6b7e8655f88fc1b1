"""Organisations, users, log-in sessions and invitations."""
from __future__ import annotations

import logging
import re
import secrets
import smtplib
import unicodedata
from datetime import timedelta

from sqlalchemy import func, select, update

from .. import audit
from ..models import (EmailCode, Invitation, Organisation, OrgKind, Role, User, UserSession, db, utcnow)
from . import runtime
from .errors import InvalidInput, NotFound, Throttled
from .guards import clean_line
from .security import (consume_recovery_code, consume_totp, hash_password, password_problem, token_hash,
                       verify_password)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80] or "organisatie"


def create_organisation(name: str, kind: str, *, actor=None) -> Organisation:
    if not (name or "").strip():
        raise InvalidInput("Geef een naam voor de organisatie.")
    name = clean_line(name, "de naam van de organisatie", limit=200)
    try:
        org_kind = OrgKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in OrgKind)
        raise InvalidInput("Onbekende soort organisatie '%(kind)s'. Kies uit: %(kinds)s.", kind=kind, kinds=kinds) from None
    if db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower())):
        raise InvalidInput("Er bestaat al een organisatie met de naam '%(name)s'.", name=name)
    slug = base = slugify(name)
    n = 2
    while db.session.scalar(select(Organisation).where(Organisation.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    org = Organisation(name=name, slug=slug, kind=org_kind)
    db.session.add(org)
    db.session.flush()
    audit.record("organisatie.aangemaakt", actor=actor, organisation_id=org.id, naam=name, soort=org_kind.value)
    db.session.commit()
    return org


def find_organisation(name_or_slug: str) -> Organisation:
    key = (name_or_slug or "").strip()
    org = db.session.scalar(
        select(Organisation).where((func.lower(Organisation.name) == key.lower()) | (Organisation.slug == key))
    )
    if org is None:
        raise NotFound("Onbekende organisatie '%(key)s'.", key=key)
    return org


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise InvalidInput("'%(email)s' is geen geldig e-mailadres.", email=email)
    return email


def new_user(org: Organisation | None, email: str, name: str, role: str, *, password: str | None = None) -> User:
    """Add a user to the session (no commit). The caller audits and commits.

    ``org`` is ``None`` for, and only for, the platform administrator (role ``platform``)."""
    email = normalise_email(email)
    if not (name or "").strip():
        raise InvalidInput("Geef een naam.")
    name = clean_line(name, "de naam", limit=200)
    try:
        role_enum = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput("Onbekende rol '%(role)s'. Kies uit: %(roles)s.", role=role, roles=roles) from None
    if (org is None) != (role_enum == Role.platform):
        raise InvalidInput("De platformbeheerder hoort bij geen organisatie; elke andere gebruiker bij één.")
    if db.session.scalar(select(User).where(User.email == email)):
        raise InvalidInput("Er bestaat al een gebruiker met e-mailadres %(email)s.", email=email)
    user = User(organisation_id=org.id if org else None, organisation=org, email=email, name=name, role=role_enum,
                active=True)
    if password is not None:
        problem = password_problem(password, email=email, name=name)
        if problem:
            raise InvalidInput(problem)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def create_user(org: Organisation | None, email: str, name: str, role: str, *, password: str | None = None,
                actor=None) -> tuple[User, str | None]:
    """Create a user. Without a password, returns a single-use activation link token."""
    user = new_user(org, email, name, role, password=password)
    token = None if password is not None else issue_invitation(user)
    audit.record("gebruiker.aangemaakt", actor=actor, organisation_id=org.id if org else None, gebruiker=user.email,
                  rol=user.role.value)
    db.session.commit()
    return user, token


def issue_invitation(user: User, days: int | None = None) -> str:
    """Revoke earlier open invitations and create a new single-use token; returns the raw token."""
    now = utcnow()
    db.session.execute(
        update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
                                 Invitation.revoked_at.is_(None)).values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    days = days if days is not None else int(runtime.config("INVITATION_DAYS", 14))
    db.session.add(Invitation(user_id=user.id, token_hash=token_hash(token), expires_at=now + timedelta(days=days)))
    return token


def revoke_invitations(user: User) -> int:
    result = db.session.execute(
        update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
                                 Invitation.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return result.rowcount


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation for a raw token, or None if unknown, used, revoked or expired."""
    if not token or len(token) > 200:
        return None
    inv = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if inv is None or inv.used_at or inv.revoked_at or inv.expires_at < utcnow() or not inv.user.active:
        return None
    return inv


# --- log-in ------------------------------------------------------------------------------------

def _throttle_keys(email: str, ip: str | None) -> list[tuple[str, int]]:
    per_account = int(runtime.config("LOGIN_FAILURES_PER_MINUTE", 5))
    per_ip = int(runtime.config("LOGIN_FAILURES_PER_IP_PER_MINUTE", 30))
    keys = [(f"login:acct:{email}", per_account)]
    if ip:
        keys.append((f"login:ip:{ip}", per_ip))
    return keys


def check_throttle(email: str, ip: str | None) -> None:
    throttle = runtime.throttle()
    for key, limit in _throttle_keys(email, ip):
        if throttle.count(key, timedelta(minutes=1)) >= limit:
            raise Throttled("Te veel mislukte pogingen. Wacht een minuut en probeer het opnieuw.")
    lock_minutes = int(runtime.config("LOCKOUT_MINUTES", 15))
    if throttle.count(f"login:acct:{email}", timedelta(minutes=lock_minutes)) >= 3 * _throttle_keys(email, ip)[0][1]:
        raise Throttled("Dit account is tijdelijk geblokkeerd na herhaalde mislukte pogingen. "
                        "Probeer het over %(minutes)s minuten opnieuw.", minutes=lock_minutes)


def record_failure(email: str, ip: str | None, action: str, user: User | None = None) -> None:
    throttle = runtime.throttle()
    window = timedelta(minutes=int(runtime.config("LOCKOUT_MINUTES", 15)))
    for key, _ in _throttle_keys(email, ip):
        throttle.hit(key, window)
    audit.record(action, actor=user, ip=ip, email=email if user is None else None)
    db.session.commit()


def authenticate(email: str, password: str, ip: str | None) -> User:
    """First factor. Raises Throttled or InvalidInput with one generic message."""
    email = (email or "").strip().lower()[:254]
    check_throttle(email, ip)
    user = db.session.scalar(select(User).where(User.email == email))
    if not verify_password(user, password or "") or not user.active:
        record_failure(email, ip, "inloggen.mislukt", user if user and user.active else None)
        raise InvalidInput("Onjuist e-mailadres of wachtwoord.")
    from .sso import MSG_PASSWORD_OFF, PasswordLoginOff, password_login_allowed

    if not password_login_allowed(user):
        audit.record("inloggen.wachtwoord_uitgeschakeld", actor=user, ip=ip)
        db.session.commit()
        raise PasswordLoginOff(MSG_PASSWORD_OFF)
    db.session.commit()  # a possible argon2 rehash
    return user


def verify_second_factor(user: User, code: str, ip: str | None) -> None:
    """Second factor: TOTP (once only), an e-mailed code, or a recovery code."""
    check_throttle(user.email, ip)
    code = (code or "").strip()
    ok = False
    method = user.mfa_method
    if user.mfa_method == "totp":
        ok = consume_totp(user, code)
    elif user.mfa_method == "email":
        ok = consume_email_code(user, code)
    if not ok and len(code.replace("-", "")) == 20:
        ok = consume_recovery_code(user, code)
        method = "herstelcode"
    if not ok:
        record_failure(user.email, ip, "2fa.mislukt", user)
        raise InvalidInput("De code is onjuist of al gebruikt. Probeer de volgende code.")
    runtime.throttle().reset(f"login:acct:{user.email}")
    audit.record("2fa.geslaagd", actor=user, ip=ip, methode=method)


def send_email_code(user: User) -> bool:
    """Mail a fresh log-in code; False (logged) when the mail server could not be reached."""
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(EmailCode(user_id=user.id, code_hash=token_hash(code), expires_at=utcnow() + timedelta(minutes=10)))
    db.session.commit()
    try:
        runtime.send_mail(user.email, "login_code", "Uw inlogcode", language=user.language, user=user, code=code)
    except (OSError, smtplib.SMTPException) as exc:
        logging.getLogger(__name__).error("inlogcode niet verzonden: %s", exc.__class__.__name__)
        return False
    return True


def consume_email_code(user: User, code: str) -> bool:
    code = (code or "").strip()
    result = db.session.execute(
        update(EmailCode).where(EmailCode.user_id == user.id, EmailCode.code_hash == token_hash(code),
                                EmailCode.used_at.is_(None), EmailCode.expires_at >= utcnow())
        .values(used_at=utcnow())
    )
    return result.rowcount == 1


def start_session(user: User, ip: str | None, user_agent: str | None, *, sso_sid: str | None = None,
                  sso_id_token: str | None = None) -> str:
    """A server-side session record; after single sign-on ``sso_sid`` is the identity provider's session
    id ("" when it sends none) and ``sso_id_token`` the ID token, kept for the log-out."""
    sid = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=sid, user_id=user.id, ip=(ip or "")[:64], user_agent=(user_agent or "")[:300],
                               sso_sid=str(sso_sid)[:255] if sso_sid is not None else None,
                               sso_id_token=sso_id_token))
    audit.record("inloggen", actor=user, ip=ip, **({"via": "sso"} if sso_sid is not None else {}))
    db.session.commit()
    return sid


def session_user(user_id: int, sid: str | None) -> User | None:
    """The user of a live server-side session, enforcing idle and absolute timeouts."""
    if not sid:
        return None
    record = db.session.get(UserSession, sid)
    if record is None or record.user_id != user_id or record.revoked_at is not None:
        return None
    now = utcnow()
    if now - record.last_seen_at > runtime.config("IDLE_TIMEOUT") or \
            now - record.created_at > runtime.config("ABSOLUTE_TIMEOUT"):
        record.revoked_at = now
        db.session.commit()
        return None
    if (now - record.last_seen_at).total_seconds() > 60:
        record.last_seen_at = now
        db.session.commit()
    user = record.user
    return user if user.active else None


def end_session(sid: str | None, user: User | None, ip: str | None) -> None:
    if sid:
        db.session.execute(update(UserSession).where(UserSession.id == sid).values(revoked_at=utcnow()))
    if user is not None:
        audit.record("uitloggen", actor=user, ip=ip)
    db.session.commit()


def end_other_sessions(user: User, keep_sid: str | None) -> int:
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep_sid:
        query = query.where(UserSession.id != keep_sid)
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount


def change_password(user: User, current: str, new: str, sid: str | None, ip: str | None) -> None:
    if not verify_password(user, current or ""):
        raise InvalidInput("Uw huidige wachtwoord is onjuist.")
    problem = password_problem(new or "", email=user.email, name=user.name)
    if problem:
        raise InvalidInput(problem)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    ended = end_other_sessions(user, sid)
    audit.record("wachtwoord.gewijzigd", actor=user, ip=ip, andere_sessies_beeindigd=ended)
    db.session.commit()


def reset_credentials(email: str, *, days: int = 2) -> tuple[User, str]:
    """An administrator's way back in for someone locked out (``integrity-tool user reset-password``):
    password, second factor and recovery codes are cleared, every session ends, and a single-use
    activation link (valid ``days`` days) lets the person choose a new password and second factor.
    Returns the user and the raw token. NotFound for an unknown or deactivated account."""
    from ..models import RecoveryCode

    user = db.session.scalar(select(User).where(User.email == normalise_email(email or "")))
    if user is None or not user.active:
        raise NotFound("Er is geen actief account met dit e-mailadres.")
    user.password_hash = None
    user.mfa_method = None
    user.totp_secret = None
    db.session.execute(update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
                       .values(used_at=utcnow()))
    end_other_sessions(user, None)
    token = issue_invitation(user, days)
    audit.record("account.herstel_uitgegeven", organisation_id=user.organisation_id, gebruiker=user.email,
                 geldig_dagen=days)
    db.session.commit()
    return user, token
