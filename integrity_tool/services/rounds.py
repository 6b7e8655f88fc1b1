"""Benoemingsrondes: create and edit, assign dossiers, record the appointment result.

The appointment date anchors the deadlines (a dossier without a deadline gets one when it joins
a round) and, through the recorded result and its date, the retention periods.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update

from .. import audit
from ..models import (AppointmentResult, Dossier, DossierKind, DossierStatus, Role, Round, User, db,
                      new_public_id)
from . import runtime, terms
from .errors import InvalidInput, NotFound, StateError
from .guards import clean_line

RESULT_LABELS = {
    AppointmentResult.benoemd: "Benoemd",
    AppointmentResult.niet_benoemd: "Niet benoemd",
    AppointmentResult.teruggetrokken: "Teruggetrokken",
}
# Shown in overviews; 'herbevestigd' is recorded by signing off a herbevestiging, not by the griffier.
RESULT_DISPLAY = {**RESULT_LABELS, AppointmentResult.herbevestigd: "Herbevestigd"}
MANAGERS = (Role.griffier, Role.admin)


def _check_actor(actor: User) -> None:
    if actor.role not in MANAGERS:
        raise NotFound()


def _clean_name(name: str | None) -> str:
    if not " ".join((name or "").split()):
        raise InvalidInput("Geef de ronde een naam, bijvoorbeeld 'Collegevorming 2026'.")
    return clean_line(name, "de naam van de ronde", limit=200)


def _check_date(day: date | None) -> None:
    if day is not None and not (date(2000, 1, 1) <= day <= date.today() + timedelta(days=5 * 366)):
        raise InvalidInput("Kies een datum van de benoemingsvergadering die niet meer dan vijf jaar vooruit ligt.")


def rounds_for(actor: User) -> list[tuple[Round, int]]:
    """The organisation's rounds, newest first, each with its number of dossiers (one query)."""
    _check_actor(actor)
    counts = (select(Dossier.round_id, func.count(Dossier.id).label("n"))
              .where(Dossier.organisation_id == actor.organisation_id).group_by(Dossier.round_id).subquery())
    rows = db.session.execute(
        select(Round, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.round_id == Round.id)
        .where(Round.organisation_id == actor.organisation_id)
        .order_by(Round.appointment_date.desc().nulls_last(), Round.created_at.desc())
    ).all()
    return [(r, n) for r, n in rows]


def get_round(actor: User, public_id: str) -> Round:
    _check_actor(actor)
    if not public_id or len(public_id) > 64:
        raise NotFound()
    found = db.session.scalar(select(Round).where(Round.public_id == public_id,
                                                  Round.organisation_id == actor.organisation_id))
    if found is None:
        raise NotFound()
    return found


def create_round(actor: User, name: str, appointment_date: date | None) -> Round:
    _check_actor(actor)
    name = _clean_name(name)
    _check_date(appointment_date)
    exists = db.session.scalar(select(Round.id).where(Round.organisation_id == actor.organisation_id,
                                                      func.lower(Round.name) == name.lower()))
    if exists:
        raise InvalidInput("Er bestaat al een ronde met de naam '%(name)s'.", name=name)
    new = Round(public_id=new_public_id(), organisation_id=actor.organisation_id, name=name,
                appointment_date=appointment_date)
    db.session.add(new)
    db.session.flush()
    audit.record("ronde.aangemaakt", actor=actor, ronde=new.public_id, naam=name,
                 benoemingsdatum=appointment_date.isoformat() if appointment_date else None)
    db.session.commit()
    return new


def update_round(actor: User, target: Round, name: str, appointment_date: date | None) -> Round:
    _check_actor(actor)
    if target.organisation_id != actor.organisation_id:
        raise NotFound()
    name = _clean_name(name)
    _check_date(appointment_date)
    clash = db.session.scalar(select(Round.id).where(Round.organisation_id == actor.organisation_id,
                                                     func.lower(Round.name) == name.lower(), Round.id != target.id))
    if clash:
        raise InvalidInput("Er bestaat al een ronde met de naam '%(name)s'.", name=name)
    before = (target.name, target.appointment_date)
    target.name, target.appointment_date = name, appointment_date
    if before != (name, appointment_date):
        audit.record("ronde.gewijzigd", actor=actor, ronde=target.public_id, naam=name,
                     benoemingsdatum=appointment_date.isoformat() if appointment_date else None)
    db.session.commit()
    return target


def _dossiers(actor: User, public_ids: list[str]) -> list[Dossier]:
    ids = [p for p in dict.fromkeys(public_ids or []) if isinstance(p, str) and 0 < len(p) <= 64]
    if not ids:
        raise InvalidInput("Kies een of meer dossiers.")
    found = db.session.scalars(select(Dossier).where(Dossier.organisation_id == actor.organisation_id,
                                                     Dossier.public_id.in_(ids))).all()
    if len(found) != len(ids):
        raise NotFound()
    return list(found)


def default_deadline(target: Round) -> date | None:
    """Anchored on the appointment meeting: ROUND_DEADLINE_DAYS (default 14) days before it."""
    if target.appointment_date is None:
        return None
    return target.appointment_date - timedelta(days=int(runtime.config("ROUND_DEADLINE_DAYS", 14)))


def assign_dossiers(actor: User, target: Round, public_ids: list[str]) -> int:
    """Put dossiers in this round; those without a deadline get the round's default deadline."""
    _check_actor(actor)
    if target.organisation_id != actor.organisation_id:
        raise NotFound()
    dossiers = _dossiers(actor, public_ids)
    deadline = default_deadline(target)
    for d in dossiers:
        d.round_id = target.id
        if d.deadline is None and deadline is not None:
            d.deadline = deadline
        audit.record("ronde.dossier_toegevoegd", actor=actor, dossier=d, ronde=target.public_id)
    db.session.commit()
    return len(dossiers)


def remove_dossier(actor: User, target: Round, public_id: str) -> None:
    _check_actor(actor)
    dossier = next(iter(_dossiers(actor, [public_id])))
    if dossier.round_id != target.id:
        raise NotFound()
    db.session.execute(update(Dossier).where(Dossier.id == dossier.id).values(round_id=None))
    audit.record("ronde.dossier_verwijderd", actor=actor, dossier=dossier, ronde=target.public_id)
    db.session.commit()


def record_appointment(actor: User, dossier: Dossier, result: str | None, decided_on: date | None) -> Dossier:
    """Record (or correct) whether the candidate was appointed; audited with old and new value."""
    _check_actor(actor)
    if dossier.organisation_id != actor.organisation_id:
        raise NotFound()
    if dossier.purged_at is not None:
        raise StateError("De gegevens van dit dossier zijn al verwijderd volgens de bewaartermijn; "
                         "de uitslag kan niet meer worden gewijzigd.")
    try:
        outcome = AppointmentResult(result or "")
    except ValueError:
        raise InvalidInput("Kies of de kandidaat is benoemd, niet benoemd of zich heeft teruggetrokken.") from None
    if decided_on is None:
        raise InvalidInput("Vul de datum van het besluit in.")
    if decided_on > date.today() or decided_on < date(2000, 1, 1):
        raise InvalidInput("De datum van het besluit kan niet in de toekomst liggen.")
    if dossier.status == DossierStatus.ingetrokken and outcome != AppointmentResult.teruggetrokken:
        raise StateError("Dit dossier is ingetrokken; de enige mogelijke uitslag is 'teruggetrokken'.")
    if outcome == AppointmentResult.benoemd and dossier.status != DossierStatus.afgerond:
        raise StateError("Een kandidaat kan pas als benoemd worden vastgelegd als de risicoanalyse is afgerond "
                         "(ondertekend).")
    if dossier.kind == DossierKind.herbevestiging:
        raise StateError("Een herbevestiging krijgt geen benoemingsbesluit: bij het afronden wordt zij "
                         "'herbevestigd'.")
    if outcome == AppointmentResult.herbevestigd:
        raise InvalidInput("Kies of de kandidaat is benoemd, niet benoemd of zich heeft teruggetrokken.")
    previous = dossier.appointment_result.value if dossier.appointment_result else None
    if outcome != AppointmentResult.benoemd:
        terms.close_term_for_corrected_decision(dossier)
    dossier.appointment_result = outcome
    dossier.appointment_decided_at = decided_on
    audit.record("dossier.benoeming_vastgelegd", actor=actor, dossier=dossier, uitslag=outcome.value,
                 vorige_uitslag=previous, datum=decided_on.isoformat())
    if outcome == AppointmentResult.benoemd:
        terms.open_term(dossier, decided_on)  # the term record: follow-up outlives the dossier's purge
    db.session.commit()
    return dossier
