"""The dossier state machine. Statuses change only here, through guarded atomic transitions.

    concept ──submit──▶ ingediend ──start_review──▶ in_behandeling
    in_behandeling ──request_clarification──▶ terug_naar_kandidaat ──resubmit──▶ ingediend
    in_behandeling ──propose_measures──▶ maatregelen_voorgesteld
    maatregelen_voorgesteld ──request_clarification──▶ terug_naar_kandidaat
    maatregelen_voorgesteld ──reopen──▶ in_behandeling
    in_behandeling | maatregelen_voorgesteld ──sign_off──▶ afgerond
    any state before afgerond ──withdraw──▶ ingetrokken

A transition is one conditional UPDATE (``WHERE status = :from``): of two simultaneous attempts
(a double click, two reviewers) exactly one succeeds; the other gets a StateError.
"""
from __future__ import annotations

from sqlalchemy import update

from ..models import Dossier, DossierStatus, db, utcnow
from .errors import StateError

S = DossierStatus

TRANSITIONS: dict[str, tuple[tuple[DossierStatus, ...], DossierStatus]] = {
    "submit": ((S.concept,), S.ingediend),
    "resubmit": ((S.terug_naar_kandidaat,), S.ingediend),
    "start_review": ((S.ingediend,), S.in_behandeling),
    "request_clarification": ((S.in_behandeling, S.maatregelen_voorgesteld), S.terug_naar_kandidaat),
    "propose_measures": ((S.in_behandeling,), S.maatregelen_voorgesteld),
    "reopen": ((S.maatregelen_voorgesteld,), S.in_behandeling),
    "sign_off": ((S.in_behandeling, S.maatregelen_voorgesteld), S.afgerond),
    "withdraw": ((S.concept, S.ingediend, S.in_behandeling, S.terug_naar_kandidaat, S.maatregelen_voorgesteld),
                 S.ingetrokken),
}

MESSAGES = {
    "submit": "Dit dossier is al ingediend.",
    "resubmit": "Er is geen vraag om toelichting openstaand; opnieuw indienen is nu niet mogelijk.",
    "start_review": "De beoordeling van dit dossier is al begonnen of het dossier is niet ingediend.",
    "request_clarification": "Een vraag om toelichting is in deze fase niet mogelijk.",
    "propose_measures": "Maatregelen voorstellen is in deze fase niet mogelijk.",
    "reopen": "Het dossier kan in deze fase niet worden heropend.",
    "sign_off": "Dit dossier kan niet (meer) worden afgerond: het is al afgerond of nog niet in behandeling.",
    "withdraw": "Een afgerond of ingetrokken dossier kan niet meer worden ingetrokken.",
}

# The status sets the rest of the code asks about, read off the table above (never listed by hand):
#: the candidate may change answers: the statuses a (re)submission leaves from
EDITABLE_BY_CANDIDATE: tuple[DossierStatus, ...] = TRANSITIONS["submit"][0] + TRANSITIONS["resubmit"][0]
#: the reviewer is at work (findings, gesprek, measures, conclusion): the statuses sign-off leaves from
REVIEWABLE: tuple[DossierStatus, ...] = TRANSITIONS["sign_off"][0]
#: nothing leaves these statuses: the dossier is frozen (only an addendum after sign-off)
FROZEN: tuple[DossierStatus, ...] = tuple(
    s for s in S if not any(s in sources for sources, _target in TRANSITIONS.values()))
#: still under way (overviews, reminders): every status except the frozen ones
OPEN: tuple[DossierStatus, ...] = tuple(s for s in S if s not in FROZEN)


def allowed(action: str, status: DossierStatus) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources


def transition(dossier: Dossier, action: str, **values) -> DossierStatus:
    """Move the dossier; raises StateError if its current (database) status does not allow it.

    Extra column values are written in the same UPDATE. The caller audits and commits.
    """
    sources, target = TRANSITIONS[action]
    result = db.session.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id, Dossier.status.in_(sources))
        .values(status=target, updated_at=utcnow(), version=Dossier.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise StateError(MESSAGES[action])
    db.session.refresh(dossier)
    return target
