"""The griffier's side of the candidate journey: create a dossier and invite, resend, revoke.

The invitation e-mail holds a single-use link that expires after INVITATION_DAYS (default 14).
Only the sha256 of the token is stored; resending issues a new token and revokes the old one.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from .. import audit
from ..models import Dossier, DossierStatus, Invitation, Role, Round, User, db, utcnow
from . import notify, org_questionnaires, rounds, runtime, scoping, users
from .dossiers import create_dossier
from .errors import DomainError, InvalidInput, Msg, NotFound, StateError
from .guards import clean_line

MANAGERS = (Role.griffier,)
MAX_DEADLINE_DAYS = 366
log = logging.getLogger("integrity_tool")


class MailFailed(DomainError):
    """The dossier and invitation exist, but the e-mail could not be sent: resend later."""

    status = 503


def _check_actor(griffier: User) -> None:
    if griffier is None or griffier.role not in MANAGERS:
        raise NotFound()


def _check_dossier(griffier: User, dossier: Dossier) -> None:
    _check_actor(griffier)
    if dossier.organisation_id != griffier.organisation_id:
        raise NotFound()


def questionnaires_for(griffier: User):
    """Questionnaires that apply to the griffier's organisation (latest versions)."""
    return org_questionnaires.applicable(griffier.organisation)


def reviewers_for(griffier: User) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.organisation_id == griffier.organisation_id, User.role == Role.reviewer,
                           User.active.is_(True)).order_by(User.name)))


def rounds_for(griffier: User) -> list[Round]:
    return list(db.session.scalars(select(Round).where(Round.organisation_id == griffier.organisation_id)
                                   .order_by(Round.created_at.desc())))


def _clean(value: str | None, what: str, limit: int, *, required: bool = True) -> str | None:
    return clean_line(value, what, required=required, limit=limit) or None


def _send(user: User, dossier: Dossier, token: str | None, expires: datetime | None) -> None:
    org = dossier.organisation
    link = notify.link("activation.password", token=token) if token else notify.link("auth.login")
    try:
        runtime.send_mail(
            user.email, "invitation", "Uitnodiging: risicoanalyse integriteit", language=user.language,
            user=user, dossier=dossier, organisation=org.name, labels=org.labels, link=link, expires=expires,
            activated=token is None,
        )
    except (OSError, smtplib.SMTPException) as exc:
        log.error("uitnodiging niet verzonden: %s", exc.__class__.__name__)
        raise MailFailed("Het dossier is aangemaakt, maar de e-mail met de uitnodiging kon niet worden verstuurd. "
                         "Probeer het later opnieuw met 'Uitnodiging opnieuw sturen'.") from None


def _open_invitation(user: User) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(
        Invitation.user_id == user.id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at >= utcnow()).order_by(Invitation.id.desc()))


def _candidate_for(griffier: User, email: str, name: str) -> User:
    """A new candidate account, or the existing one of this organisation (e.g. a second dossier)."""
    normalised = users.normalise_email(email)
    existing = db.session.scalar(select(User).where(User.email == normalised))
    if existing is None:
        return users.new_user(griffier.organisation, normalised, name, Role.candidate.value)
    if existing.organisation_id != griffier.organisation_id or existing.role != Role.candidate \
            or not existing.active:
        raise InvalidInput("Dit e-mailadres kan niet voor een kandidaat worden gebruikt. Neem contact op met de "
                           "beheerder van de applicatie.")
    return existing


def invite_candidate(griffier: User, *, name: str, email: str, function_title: str, portfolio: str | None,
                     questionnaire_id: str, reviewer_id: int | None, deadline: date | None,
                     round_id: int | None = None, ip: str | None = None) -> Dossier:
    """Create the candidate account (no password), the dossier and a single-use invitation; send it."""
    _check_actor(griffier)
    name = _clean(name, "de naam van de kandidaat", 200)
    function_title = _clean(function_title, "de beoogde functie", 200)
    portfolio = _clean(portfolio, "de portefeuille", 300, required=False)
    if deadline is not None and not (date.today() <= deadline <= date.fromordinal(
            date.today().toordinal() + MAX_DEADLINE_DAYS)):
        raise InvalidInput("Kies een deadline vanaf vandaag en binnen een jaar.")
    reviewer = None
    if reviewer_id is not None:
        reviewer = db.session.get(User, reviewer_id)
        if reviewer is None or reviewer.organisation_id != griffier.organisation_id \
                or reviewer.role != Role.reviewer or not reviewer.active:
            raise InvalidInput("Kies een beoordelaar van uw eigen organisatie.")
    if round_id is not None:
        found = db.session.get(Round, round_id)
        if found is None or found.organisation_id != griffier.organisation_id:
            raise InvalidInput("Kies een ronde van uw eigen organisatie.")
        if deadline is None:  # the round's standaarddeadline, as its page promises (if still ahead)
            round_deadline = rounds.default_deadline(found)
            if round_deadline is not None and round_deadline >= date.today():
                deadline = round_deadline
    candidate = _candidate_for(griffier, email, name)
    dossier = create_dossier(griffier.organisation, candidate, reviewer, questionnaire_id,
                             function_title=function_title, portfolio=portfolio, deadline=deadline,
                             round_id=round_id, actor=griffier)
    token, expires = None, None
    if not candidate.password_hash:
        token = users.issue_invitation(candidate, int(runtime.config("INVITATION_DAYS", 14)))
        db.session.flush()
        expires = _open_invitation(candidate).expires_at
    audit.record("uitnodiging.verstuurd", actor=griffier, dossier=dossier, ip=ip, kandidaat=candidate.email,
                 nieuw_account=token is not None)
    db.session.commit()
    _send(candidate, dossier, token, expires)
    return dossier


def resend_invitation(griffier: User, dossier: Dossier, *, ip: str | None = None) -> None:
    """A fresh link (the old one stops working); only while the account is not yet activated."""
    _check_dossier(griffier, dossier)
    candidate = dossier.candidate
    if dossier.status == DossierStatus.ingetrokken or not candidate.active:
        raise StateError("Dit dossier is ingetrokken; er kan geen uitnodiging meer worden verstuurd.")
    if candidate.password_hash:
        raise StateError("De kandidaat heeft het account al geactiveerd. Een nieuwe uitnodiging is niet nodig; "
                         "de kandidaat kan inloggen met e-mailadres en wachtwoord.")
    token = users.issue_invitation(candidate, int(runtime.config("INVITATION_DAYS", 14)))
    db.session.flush()
    expires = _open_invitation(candidate).expires_at
    audit.record("uitnodiging.verstuurd", actor=griffier, dossier=dossier, ip=ip, kandidaat=candidate.email,
                 opnieuw=True)
    db.session.commit()
    _send(candidate, dossier, token, expires)


def revoke_invitation(griffier: User, dossier: Dossier, *, ip: str | None = None) -> int:
    """Make every open link of this candidate unusable. Returns how many were revoked."""
    _check_dossier(griffier, dossier)
    count = users.revoke_invitations(dossier.candidate)
    if count == 0:
        db.session.rollback()
        raise StateError("Er is geen openstaande uitnodiging om in te trekken.")
    audit.record("uitnodiging.ingetrokken", actor=griffier, dossier=dossier, ip=ip, aantal=count)
    db.session.commit()
    return count


@dataclass(frozen=True)
class InvitationState:
    activated: bool
    open_until: datetime | None
    label: str


def invitation_state(dossier: Dossier) -> InvitationState:
    candidate = dossier.candidate
    if candidate.password_hash:
        return InvitationState(True, None, "Account geactiveerd")
    inv = _open_invitation(candidate)
    if inv is not None:
        return InvitationState(False, inv.expires_at, Msg("Uitnodiging geldig tot %(date)s",
                                                          date=f"{inv.expires_at:%d-%m-%Y}"))
    return InvitationState(False, None, "Geen geldige uitnodiging (verlopen of ingetrokken)")


def get_dossier(griffier: User, public_id: str) -> Dossier:
    return scoping.get_dossier(griffier, public_id, roles=MANAGERS)
