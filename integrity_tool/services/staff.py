"""Who manages whom: the platform administrator and an organisation's administrator, in the browser.

- The **platform administrator** (``Role.platform``, no organisation; bootstrap:
  ``integrity-tool user create-platform-admin``) creates organisations with their first administrator
  and adds administrators to an organisation. It sees organisations and their administrators only:
  no dossiers, answers, reports or exports (every other page is a 404 for the role).
- An **organisation's administrator** (``Role.admin``) invites reviewers, griffiers and other
  administrators of its own organisation and switches accounts off and on again.

An invited person gets an e-mail with a single-use activation link (password + second factor, as
every account). Every change is audited (``organisatie.aangemaakt``, ``gebruiker.uitgenodigd``,
``gebruiker.gedeactiveerd``, ``gebruiker.geactiveerd``).

Public API: ``organisations``, ``get_organisation``, ``create_organisation``, ``invite``,
``set_active``, ``create_platform_admin``, ``INVITABLE``.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from sqlalchemy import func, select

from .. import audit
from ..models import Organisation, OrgKind, Role, User, UserSession, db, utcnow
from . import notify, orgsetup, runtime, users
from .errors import DomainError, InvalidInput, NotFound

__all__ = ["INVITABLE", "OrgSummary", "create_organisation", "create_platform_admin", "get_organisation",
           "invite", "organisations", "set_active"]

log = logging.getLogger("integrity_tool")
#: The roles an organisation's administrator may invite (candidates come with a dossier, from the griffie).
INVITABLE = (Role.reviewer, Role.griffier, Role.admin)
MAIL_FAILED = ("Het account is aangemaakt, maar de e-mail met de activeringslink kon niet worden verstuurd. "
               "Probeer het later opnieuw met 'Opnieuw uitnodigen'.")


class MailFailed(DomainError):
    status = 503


def _platform(actor: User) -> None:
    if actor is None or actor.role != Role.platform:
        raise NotFound()


@dataclass(frozen=True)
class OrgSummary:
    organisation: Organisation
    admins: list[User]
    users: int


def organisations(actor: User) -> list[OrgSummary]:
    """Every organisation with its administrators and its number of accounts (no dossier data)."""
    _platform(actor)
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    counts = dict(db.session.execute(select(User.organisation_id, func.count(User.id))
                                     .group_by(User.organisation_id)).all())
    admins: dict[int, list[User]] = {}
    for user in db.session.scalars(select(User).where(User.role == Role.admin).order_by(User.name)):
        admins.setdefault(user.organisation_id, []).append(user)
    return [OrgSummary(org, admins.get(org.id, []), counts.get(org.id, 0)) for org in orgs]


def get_organisation(actor: User, slug: str) -> Organisation:
    _platform(actor)
    org = db.session.scalar(select(Organisation).where(Organisation.slug == str(slug)[:80]))
    if org is None:
        raise NotFound()
    return org


def _check_new_email(email: str) -> str:
    email = users.normalise_email(email)
    if db.session.scalar(select(User).where(User.email == email)):
        raise InvalidInput("Er bestaat al een account met dit e-mailadres.")
    return email


def create_organisation(actor: User, *, name: str, kind: str, admin_name: str, admin_email: str,
                        ip: str | None = None) -> tuple[Organisation, User]:
    """A new organisation (with its signing keys) and its first administrator, who gets an activation mail.

    :raise InvalidInput: a name in use, an unknown kind, a bad or used e-mail address.
    :raise MailFailed: everything was created, only the e-mail failed (resend from the organisation page).
    """
    _platform(actor)
    if kind not in {k.value for k in OrgKind}:
        raise InvalidInput("Kies een soort organisatie.")
    email = _check_new_email(admin_email)
    if not (admin_name or "").strip():
        raise InvalidInput("Geef de naam van de beheerder.")
    org = orgsetup.create_organisation_with_keys(name, kind, actor=actor)
    admin = invite(actor, org, name=admin_name, email=email, role=Role.admin.value, ip=ip)
    return org, admin


def _may_manage(actor: User, org: Organisation) -> None:
    if actor is None:
        raise NotFound()
    if actor.role == Role.platform:
        return
    if actor.role != Role.admin or actor.organisation_id != org.id:
        raise NotFound()


def invite(actor: User, org: Organisation, *, name: str, email: str, role: str, ip: str | None = None) -> User:
    """A new account in ``org`` with a single-use activation link by e-mail.

    The platform administrator may only invite administrators; an organisation's administrator
    reviewers, griffiers and administrators of its own organisation.
    """
    _may_manage(actor, org)
    allowed = (Role.admin,) if actor.role == Role.platform else INVITABLE
    if role not in {r.value for r in allowed}:
        raise InvalidInput("Kies een rol.")
    email = _check_new_email(email)
    user = users.new_user(org, email, name, role)
    token = users.issue_invitation(user)
    audit.record("gebruiker.uitgenodigd", actor=actor, organisation_id=org.id, ip=ip, gebruiker=user.email,
                 rol=user.role.value)
    db.session.commit()
    _send(user, org, token, actor)
    return user


def resend(actor: User, org: Organisation, user_id: int, *, ip: str | None = None) -> User:
    """A new activation link for an account that was never activated (the old link stops working)."""
    user = _member(actor, org, user_id)
    if user.password_hash is not None:
        raise InvalidInput("Dit account is al geactiveerd. Vergeten wachtwoord: vraag de beheerder van de "
                           "installatie om een herstellink.")
    token = users.issue_invitation(user)
    audit.record("gebruiker.uitgenodigd", actor=actor, organisation_id=org.id, ip=ip, gebruiker=user.email,
                 rol=user.role.value, opnieuw=True)
    db.session.commit()
    _send(user, org, token, actor)
    return user


def _member(actor: User, org: Organisation, user_id) -> User:
    _may_manage(actor, org)
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    user = db.session.get(User, uid) if 0 < uid < 2**31 else None
    if user is None or user.organisation_id != org.id or user.role == Role.candidate:
        raise NotFound()
    if actor.role == Role.platform and user.role != Role.admin:
        raise NotFound()
    return user


def set_active(actor: User, org: Organisation, user_id, active: bool, *, ip: str | None = None) -> bool:
    """Switch a staff account off (its sessions end) or on again. Returns False when nothing changed.

    :raise InvalidInput: switching off yourself, or the organisation's last active administrator.
    """
    user = _member(actor, org, user_id)
    if bool(user.active) == bool(active):
        return False
    if not active:
        if user.id == actor.id:
            raise InvalidInput("U kunt uw eigen account niet uitzetten.")
        if user.role == Role.admin and db.session.scalar(select(func.count(User.id)).where(
                User.organisation_id == org.id, User.role == Role.admin, User.active.is_(True))) <= 1:
            raise InvalidInput("Dit is de laatste actieve beheerder van de organisatie. Nodig eerst een andere "
                               "beheerder uit.")
        db.session.execute(UserSession.__table__.update().where(UserSession.user_id == user.id,
                                                                UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
    user.active = bool(active)
    audit.record("gebruiker.geactiveerd" if active else "gebruiker.gedeactiveerd", actor=actor,
                 organisation_id=org.id, ip=ip, gebruiker=user.email, rol=user.role.value)
    db.session.commit()
    return True


def staff_of(actor: User, org: Organisation) -> list[User]:
    """The organisation's accounts except candidates (for the administrator's page)."""
    _may_manage(actor, org)
    return list(db.session.scalars(select(User).where(User.organisation_id == org.id, User.role != Role.candidate)
                                   .order_by(User.role, User.name)))


def _send(user: User, org: Organisation, token: str, actor: User) -> None:
    link = notify.link("activation.password", token=token)
    try:
        runtime.send_mail(user.email, "account_invitation", "Uitnodiging: uw account voor de risicoanalyse integriteit",
                          language=user.language, user=user, organisation=org.name, role_label=user.role_label,
                          link=link, inviter=actor.name)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("uitnodiging niet verzonden: %s", exc.__class__.__name__)
        raise MailFailed(MAIL_FAILED) from None


def create_platform_admin(email: str, name: str, *, password: str | None = None) -> tuple[User, str | None]:
    """The bootstrap account (command line). Without a password: returns an activation token."""
    return users.create_user(None, email, name, Role.platform.value, password=password)
