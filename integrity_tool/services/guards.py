"""Guards shared by the review-side use cases (review, measures, sign-off): free text cleaned and
bounded, and "may this dossier still change?".

A frozen dossier (afgerond / ingetrokken) refuses every change with a StateError; after sign-off
only an addendum (services.signoff.add_addendum) can add information.
"""
from __future__ import annotations

from .. import textcheck
from ..models import Dossier, DossierStatus
from .errors import StateError

__all__ = ["FROZEN", "MAX_TEXT", "REVIEWABLE", "clean_text", "ensure_not_frozen", "ensure_reviewable"]

S = DossierStatus
FROZEN = (S.afgerond, S.ingetrokken)
REVIEWABLE = (S.in_behandeling, S.maatregelen_voorgesteld)
MAX_TEXT = 10_000


def clean_text(value: str | None, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Multi-line free text: the one check in ``textcheck`` (no control characters other than tab/newline)."""
    return textcheck.clean_text(value, what, required=required, limit=limit)


def ensure_not_frozen(dossier: Dossier) -> None:
    if dossier.status == S.afgerond:
        raise StateError("Dit dossier is afgerond en bevroren. Wijzigingen kunnen alleen nog als aanvulling.")
    if dossier.status == S.ingetrokken:
        raise StateError("Dit dossier is ingetrokken; er kan niets meer worden gewijzigd.")


def ensure_reviewable(dossier: Dossier) -> None:
    ensure_not_frozen(dossier)
    if dossier.status not in REVIEWABLE:
        raise StateError("Dit kan alleen terwijl het dossier in behandeling is.")

