"""Guards shared by the review-side use cases (review, measures, sign-off): free text cleaned and
bounded, and "may this dossier still change?".

A frozen dossier (afgerond / ingetrokken) refuses every change with a StateError; after sign-off
only an addendum (services.signoff.add_addendum) can add information.
"""
from __future__ import annotations

from .. import textcheck
from ..models import Dossier, DossierStatus
from .errors import InvalidInput, Msg, StateError
from .workflow import FROZEN, REVIEWABLE

__all__ = ["FROZEN", "MAX_TEXT", "REVIEWABLE", "clean_line", "clean_text", "ensure_not_frozen", "ensure_reviewable"]

S = DossierStatus
MAX_TEXT = 10_000


def clean_text(value: str | None, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    # ``what`` is a Dutch term ("een titel") that is translated with the message where it is shown.
    """Multi-line free text (comments, justifications, measure texts, conclusions): trimmed, CRLF -> LF,
    required if asked, at most ``limit`` characters, no control characters other than tab and newline
    (the one check in ``textcheck``)."""
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise InvalidInput("Vul %(what)s in.", what=Msg(what))
    if len(text) > limit:
        raise InvalidInput("%(what)s is te lang (maximaal %(limit)s tekens).", what=Msg(what), limit=limit)
    if textcheck.has_control_chars(text, multiline=True):
        raise InvalidInput("%(what)s: de tekst bevat onzichtbare stuurtekens die niet zijn toegestaan. Verwijder ze "
                           "en probeer het opnieuw.", what=Msg(what))
    return text


def clean_line(value: str | None, what: str, *, required: bool = True, limit: int = 200) -> str:
    """One line of text (a name, a title): control characters are refused (not silently dropped; a tab
    counts as a space and a trailing newline is trimmed), runs of spaces are collapsed; required if
    asked, at most ``limit`` characters."""
    raw = value or ""
    if textcheck.has_control_chars(raw.replace("\t", " ").strip("\r\n")):
        raise InvalidInput("%(what)s: gebruik één regel tekst, zonder tabs of regeleinden en zonder onzichtbare "
                           "stuurtekens.", what=Msg(what))
    text = " ".join(raw.split())
    if required and not text:
        raise InvalidInput("Vul %(what)s in.", what=Msg(what))
    if len(text) > limit:
        raise InvalidInput("%(what)s mag hoogstens %(limit)s tekens hebben.", what=Msg(what), limit=limit)
    return text


def ensure_not_frozen(dossier: Dossier) -> None:
    if dossier.status == S.afgerond:
        raise StateError("Dit dossier is afgerond en bevroren. Wijzigingen kunnen alleen nog als aanvulling.")
    if dossier.status == S.ingetrokken:
        raise StateError("Dit dossier is ingetrokken; er kan niets meer worden gewijzigd.")


def ensure_reviewable(dossier: Dossier) -> None:
    ensure_not_frozen(dossier)
    if dossier.status not in REVIEWABLE:
        raise StateError("Dit kan alleen terwijl het dossier in behandeling is.")

