"""Beheersmaatregelen: proposing (from the catalogue or custom), the candidate's acceptance,
follow-up during the term (completion, overview, reminders)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..models import (AuditEvent, Dossier, DossierStatus, FollowUp, MeasureAgreement, MeasureReminder, MeasureStatus, Role,
                      Term, User, db, utcnow)
from ..questionnaire import MeasureOwner
from . import notify, runtime, terms, workflow
from .errors import InvalidInput, NotFound, StateError
from .guards import clean_text, ensure_reviewable
from .snapshot import latest_submission, reviewed_findings, submission_findings

S = DossierStatus


def measures_of(dossier: Dossier) -> list[MeasureAgreement]:
    return list(db.session.scalars(select(MeasureAgreement).where(MeasureAgreement.dossier_id == dossier.id)
                                   .order_by(MeasureAgreement.id)))


_UNFILLED = re.compile(r"\{[A-Za-z0-9_]+\}|\(onbekend\)")
# Placeholder values that name what a finding is about, best first.
_SUBJECT_KEYS = ("organisatie", "naam", "omschrijving", "werkgever", "beoogde_portefeuille")


def unfilled(*texts: str | None) -> list[str]:
    """Placeholders left in a measure's text ("{organisatie}", "(onbekend)"): never in signed text."""
    return sorted({m.group(0) for t in texts for m in _UNFILLED.finditer(t or "")})


def _entity(finding) -> str:
    ctx = finding.context_dict()
    for key in _SUBJECT_KEYS:
        value = " ".join(str(ctx.get(key) or "").split())
        if not value:
            continue
        if key == "omschrijving" and ctx.get("ligging"):
            value = f"{value} ({ctx['ligging']})"
        if key == "beoogde_portefeuille":
            value = f"de portefeuille {value}"
        return value[:200]
    return ""


def finding_subject(finding) -> str:
    """What a finding is about, for a measure's "betreft" (shown in the raad summary when the measure
    is mentionable): the organisation or name of the item, else the theme (never the explanation,
    which is confidential)."""
    return _entity(finding) or (finding.theme_title or "deze bevinding")


def placeholder_fill(finding) -> str:
    """What fills a placeholder the finding lacks, in the (confidential) measure description."""
    entity = _entity(finding)
    if entity:
        return entity
    text = " ".join((finding.explanation or "").split()).rstrip(".")
    return f"het onderwerp van de bevinding „{text[:180]}”" if text else (finding.theme_title or "deze bevinding")


@dataclass(frozen=True)
class Suggestion:
    catalogue_id: str
    title: str
    description: str
    owner: str
    due_date: date | None  # None: a standing obligation ("doorlopend")
    finding_key: str
    finding_label: str
    subject: str = ""


# Measures that must be done before the appointment: their suggested date is never after it.
BEFORE_APPOINTMENT = frozenset({"vog_overleggen", "vog_aanvragen", "betrekking_beeindigen", "nevenfunctie_neerleggen",
                                "nevenfuncties_neerleggen_alle"})


def suggestions(dossier: Dossier, today: date | None = None, lang: str | None = None) -> list[Suggestion]:
    """Catalogue measures suggested by the (not dismissed) findings, pre-filled from each finding
    (in ``lang`` where the catalogue and the questionnaire have that language).
    A suggestion already added for the same finding is left out."""
    today = today or date.today()
    catalogue = runtime.catalog().measures
    taken = {(m.catalogue_id, key) for m in measures_of(dossier) if m.catalogue_id for key in (m.finding_keys or [])}
    appointment = dossier.round.appointment_date if dossier.round is not None else None
    out = []
    for item in reviewed_findings(dossier, lang=lang):
        if item.dismissed:
            continue
        subject = finding_subject(item.finding)
        for mid in item.finding.measures:
            m = catalogue.get(mid)
            if m is None or (mid, item.key) in taken:
                continue
            due = today + timedelta(days=m.typical_deadline_days) if m.typical_deadline_days > 0 else None
            if mid in BEFORE_APPOINTMENT and appointment is not None and (due is None or due >= appointment):
                due = max(today, appointment - timedelta(days=1))  # dated: the day before the appointment
            out.append(Suggestion(mid, m.localized_title(lang),
                                  m.render(item.finding.context_dict(), lang, subject=placeholder_fill(item.finding)), m.default_owner,
                                  due, item.key, item.finding.explanation[:160], subject))
    return out


def catalogue_title(measure_id: str, lang: str | None) -> str:
    found = runtime.catalog().measures.get(measure_id)
    return found.localized_title(lang) if found is not None else measure_id.replace("_", " ")


def localized(measure: MeasureAgreement, lang: str | None) -> tuple[str, str]:
    """Title and description of an agreed measure in ``lang``: a catalogue text (as suggested, in
    either language) is shown in the reader's language; text the reviewer wrote is shown as written."""
    found = runtime.catalog().measures.get(measure.catalogue_id) if measure.catalogue_id else None
    if found is None:
        return measure.title, measure.description
    return found.localized_text(measure.title, measure.description, lang)


def propose_measure(user: User, dossier: Dossier, *, title: str, description: str, owner: str,
                    due_date: date | None, finding_keys: list[str] | None = None, mentionable: bool = False,
                    catalogue_id: str | None = None, subject: str | None = None, ongoing: bool = False,
                    ip: str | None = None) -> MeasureAgreement:
    """Draft a measure; it reaches the candidate with ``send_to_candidate`` (workflow propose_measures).

    ``ongoing``: a standing obligation without a deadline ("doorlopend"). Text with an unfilled
    placeholder is refused: it would end up in the signed reports."""
    ensure_reviewable(dossier)
    if MeasureOwner.of(owner) is None:
        raise InvalidInput("Kies wie de maatregel uitvoert.")
    if ongoing:
        due_date = None
    elif due_date is None:
        raise InvalidInput("Vul een uiterste datum in, of kies 'doorlopend'.")
    if catalogue_id and catalogue_id not in runtime.catalog().measures:
        raise InvalidInput("Onbekende maatregel uit de catalogus.")
    left = unfilled(title, subject, description)
    if left:
        raise InvalidInput("Vul eerst in wat er op de plaats van %(placeholders)s hoort; zo'n open plek mag "
                           "niet in het ondertekende rapport komen.", placeholders=", ".join(left))
    known = {f.key for f in submission_findings(latest_submission(dossier))}
    keys = [k for k in dict.fromkeys(finding_keys or []) if k]
    if any(k not in known for k in keys):
        raise InvalidInput("Een gekoppelde bevinding hoort niet bij dit dossier.")
    measure = MeasureAgreement(
        dossier_id=dossier.id, catalogue_id=catalogue_id or None, title=clean_text(title, "een titel", limit=300),
        subject=" ".join((subject or "").split())[:300] or None,
        description=clean_text(description, "een omschrijving"), finding_keys=keys, owner=owner,
        due_date=due_date, mentionable=bool(mentionable), status=MeasureStatus.voorgesteld, created_by_id=user.id,
    )
    db.session.add(measure)
    db.session.flush()
    audit.record("maatregel.voorgesteld", actor=user, dossier=dossier, ip=ip, maatregel=measure.public_id,
                 catalogus=catalogue_id or "eigen")
    db.session.commit()
    return measure


def _measure_in(dossier: Dossier, measure_id: str) -> MeasureAgreement:
    measure = db.session.scalar(select(MeasureAgreement).where(MeasureAgreement.dossier_id == dossier.id,
                                                               MeasureAgreement.public_id == (measure_id or "")))
    if measure is None:
        raise NotFound()
    return measure


def remove_measure(user: User, dossier: Dossier, measure_id: str, *, ip: str | None = None) -> None:
    ensure_reviewable(dossier)
    measure = _measure_in(dossier, measure_id)
    if measure.status == MeasureStatus.geaccepteerd and not unfilled(measure.title, measure.subject,
                                                                      measure.description):
        raise StateError("De kandidaat heeft deze maatregel al geaccepteerd; verwijderen is niet meer mogelijk.")
    db.session.delete(measure)
    audit.record("maatregel.verwijderd", actor=user, dossier=dossier, ip=ip, maatregel=measure_id)
    db.session.commit()


def send_to_candidate(user: User, dossier: Dossier, *, ip: str | None = None) -> int:
    """Workflow 'propose_measures': the candidate sees the measures and accepts or responds."""
    ensure_reviewable(dossier)
    pending = [m for m in measures_of(dossier) if m.status in (MeasureStatus.voorgesteld, MeasureStatus.gereageerd)]
    if not pending:
        raise InvalidInput("Stel eerst ten minste één maatregel op.")
    workflow.transition(dossier, "propose_measures")
    audit.record("maatregelen.voorgelegd", actor=user, dossier=dossier, ip=ip, aantal=len(pending))
    db.session.commit()
    notify.notify_candidate(dossier, "Voorgestelde maatregelen bij uw risicoanalyse",
                     "De {title} stelt naar aanleiding van uw risicoanalyse maatregelen voor. Log in om ze te "
                     "bekijken en te accepteren of erop te reageren.", "candidate_measures.home")
    return len(pending)


def respond(candidate: User, measure_id: str, *, accept: bool, response: str = "",
            ip: str | None = None) -> MeasureAgreement:
    """The candidate accepts a proposed measure (time recorded) or responds to it."""
    measure = db.session.scalar(select(MeasureAgreement).join(Dossier).where(
        MeasureAgreement.public_id == (measure_id or ""), Dossier.candidate_id == candidate.id,
        Dossier.organisation_id == candidate.organisation_id))
    if measure is None or candidate.role != Role.candidate:
        raise NotFound()
    dossier = measure.dossier
    if dossier.status != S.maatregelen_voorgesteld:
        raise StateError("U kunt nu niet (meer) reageren op deze maatregel.")
    if measure.status == MeasureStatus.geaccepteerd:
        raise StateError("U heeft deze maatregel al geaccepteerd.")
    if accept:
        measure.status = MeasureStatus.geaccepteerd
        measure.accepted_at = utcnow()
        if response.strip():
            measure.candidate_response = clean_text(response, "uw reactie")
        action = "maatregel.geaccepteerd"
    else:
        measure.candidate_response = clean_text(response, "uw reactie")
        measure.status = MeasureStatus.gereageerd
        action = "maatregel.gereageerd"
    audit.record(action, actor=candidate, dossier=dossier, ip=ip, maatregel=measure.public_id)
    db.session.commit()
    if not any(m.status == MeasureStatus.voorgesteld for m in measures_of(dossier)):
        # one notice per time the measures were put to the candidate
        notify.tell("maatregelen_gereageerd", dossier, f"versie-{_proposal_round(dossier)}",
                    notify.reviewers_of(dossier), "review.dossier_measures", public_id=dossier.public_id)
    return measure


def _proposal_round(dossier: Dossier) -> int:
    """How many times the measures were put to the candidate (audit 'maatregelen.voorgelegd')."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.dossier_id == dossier.id, AuditEvent.action == "maatregelen.voorgelegd")) or 0


# --- follow-up during the term -------------------------------------------------------------------

def overview(user: User, state: str | None = None, today: date | None = None) -> list[tuple[MeasureAgreement, FollowUp]]:
    """Agreed measures of signed-off dossiers of the user's organisation, with open/uitgevoerd/verlopen:
    of every sitting bestuurder until the term ends (whatever the dossier's own purge state), and of
    signed dossiers that have no decision yet."""
    if user.role not in (Role.reviewer, Role.griffier):
        raise NotFound()
    today = today or date.today()
    rows = db.session.scalars(
        select(MeasureAgreement).join(Dossier).outerjoin(Term, Term.id == Dossier.term_id)
        .where(Dossier.organisation_id == user.organisation_id, terms.followed_up_clause(today))
        .order_by(MeasureAgreement.due_date, MeasureAgreement.id))
    out = [(m, m.follow_up(today)) for m in rows]
    return [r for r in out if not state or r[1] == state]


def _may_complete(user: User, measure: MeasureAgreement) -> bool:
    dossier = measure.dossier
    if user.organisation_id != dossier.organisation_id:
        return False
    if user.role == Role.candidate:
        return dossier.candidate_id == user.id and measure.owner == MeasureOwner.candidate
    if user.role == Role.reviewer:
        return True  # the reviewer supervises all agreements
    if user.role == Role.griffier:
        return measure.owner == "griffier"
    return False


def complete(user: User, measure_id: str, note: str, *, ip: str | None = None) -> MeasureAgreement:
    """The owner records that a measure was carried out. Allowed after sign-off: it is follow-up,
    not a change of the signed dossier."""
    measure = db.session.scalar(select(MeasureAgreement).where(MeasureAgreement.public_id == (measure_id or "")))
    if measure is None or not _may_complete(user, measure):
        raise NotFound()
    if measure.dossier.status != S.afgerond:
        raise StateError("Een maatregel kan pas als uitgevoerd worden gemeld nadat het dossier is afgerond.")
    if measure.status == MeasureStatus.uitgevoerd:
        raise StateError("Deze maatregel is al als uitgevoerd gemeld.")
    measure.completion_note = clean_text(note, "een toelichting bij de uitvoering", limit=4000)
    measure.completed_at = utcnow()
    measure.status = MeasureStatus.uitgevoerd
    audit.record("maatregel.uitgevoerd", actor=user, dossier=measure.dossier, ip=ip, maatregel=measure.public_id)
    db.session.commit()
    return measure


def _recipients(measure: MeasureAgreement) -> list[User]:
    dossier = measure.dossier
    if measure.owner == MeasureOwner.candidate:
        return [dossier.candidate] if dossier.candidate.active else []
    if measure.owner == "reviewer" and dossier.reviewer is not None and dossier.reviewer.active:
        return [dossier.reviewer]
    role = Role.griffier if measure.owner == "griffier" else Role.reviewer
    return list(db.session.scalars(select(User).where(User.organisation_id == dossier.organisation_id,
                                                      User.role == role, User.active.is_(True))))


def send_reminders(days: int = 14, today: date | None = None) -> tuple[int, int]:
    """Mail the owners of measures due within ``days`` or overdue; at most once per measure per day.

    The MeasureReminder row (unique per measure and day) is written in the same transaction as the
    send, so a second run on the same day (or a parallel one) sends nothing. Returns (sent, skipped).
    """
    today = today or date.today()
    due = list(db.session.scalars(
        select(MeasureAgreement).join(Dossier).outerjoin(Term, Term.id == Dossier.term_id)
        .where(terms.followed_up_clause(today),
               MeasureAgreement.status != MeasureStatus.uitgevoerd, MeasureAgreement.due_date.is_not(None),
               MeasureAgreement.due_date <= today + timedelta(days=days))
        .order_by(MeasureAgreement.id)))
    sent = skipped = 0
    for measure in due:
        recipients = _recipients(measure)
        if not recipients:
            skipped += 1
            continue
        try:
            db.session.add(MeasureReminder(measure_id=measure.id, sent_on=today))
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            skipped += 1
            continue
        overdue = measure.is_overdue(today)
        try:
            for user in recipients:
                runtime.send_mail(user.email, "reminder", "Herinnering: maatregel risicoanalyse integriteit",
                                  language=user.language, user=user, measure=measure, overdue=overdue, today=today,
                                  organisation=measure.dossier.organisation.name,
                                  link=notify.link("candidate_measures.home" if user.role == Role.candidate
                                                   else "review.measures"))
        except OSError:  # mail server down: no ledger row, so the next run tries again
            db.session.rollback()
            skipped += 1
            continue
        audit.record("maatregel.herinnering", dossier=measure.dossier, maatregel=measure.public_id,
                     verlopen=overdue, ontvangers=len(recipients))
        db.session.commit()
        sent += 1
    return sent, skipped
