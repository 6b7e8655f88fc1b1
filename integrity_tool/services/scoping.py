"""The one place that decides which dossiers a user may reach (organisation + role + ownership).

Every query for dossier data goes through ``dossiers_for`` / ``get_dossier``. Anything outside a
user's scope is reported as NotFound, so existence is never revealed.
"""
from __future__ import annotations

from sqlalchemy import Select, select

from ..models import Dossier, Role, User
from .errors import NotFound


def dossiers_for(user: User) -> Select:
    """A SELECT of the dossiers this user may see; views add filters and ordering."""
    query = select(Dossier).where(Dossier.organisation_id == user.organisation_id)
    if user.role == Role.candidate:
        return query.where(Dossier.candidate_id == user.id)
    if user.role in (Role.reviewer, Role.griffier, Role.admin):
        return query
    return query.where(False)


def get_dossier(user: User, public_id: str, *, roles: tuple[Role, ...] | None = None) -> Dossier:
    """The dossier with this public id if the user may reach it (optionally only for some roles)."""
    from ..models import db

    if roles is not None and user.role not in roles:
        raise NotFound()
    if not public_id or len(public_id) > 64:
        raise NotFound()
    dossier = db.session.scalar(dossiers_for(user).where(Dossier.public_id == public_id))
    if dossier is None:
        raise NotFound()
    return dossier


def ensure_same_organisation(user: User, record) -> None:
    """Records owned by an organisation (a round, an upload): outside the user's own = NotFound."""
    if record is None or record.organisation_id != user.organisation_id:
        raise NotFound()


def can_see_confidential(user: User, dossier: Dossier) -> bool:
    """Answers and findings: the candidate, the reviewers; the griffier only if the org allows it."""
    if user.organisation_id != dossier.organisation_id:
        return False
    if user.role == Role.candidate:
        return dossier.candidate_id == user.id
    if user.role == Role.reviewer:
        return True
    if user.role == Role.griffier:
        return bool(dossier.organisation.griffier_sees_confidential)
    return False
