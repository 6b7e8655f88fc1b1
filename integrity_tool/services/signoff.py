"""Conclusion and sign-off (bekrachtiging), and addenda after sign-off.

Sign-off is one transaction: the guarded status UPDATE (exactly one of two simultaneous attempts
wins), rendering and signing both PDFs, and storing them. If rendering or signing fails, all of it
rolls back and the dossier stays where it was.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from .. import audit
from ..models import Addendum, Dossier, DossierStatus, MeasureAgreement, MeasureStatus, User, db, utcnow
from ..questionnaire import Level, Outcome
from . import notify, orgsetup, reports, runtime, terms, workflow
from .measures import unfilled
from .errors import Conflict, InvalidInput, Msg, StateError, Throttled, joined
from .guards import clean_text, ensure_reviewable
from .snapshot import reviewed_findings
from .security import consume_totp

log = logging.getLogger("integrity_tool")
S = DossierStatus
CODE_FAILURES_PER_10_MIN = 5


def unresolved_blocking(dossier: Dossier) -> list:
    """Blocking findings the reviewer did not dismiss or lower."""
    return [i for i in reviewed_findings(dossier) if not i.dismissed and i.level == Level.blokkerend]


def check_outcome(dossier: Dossier, outcome: str | None) -> None:
    chosen = Outcome.of(outcome)
    if chosen is None:
        raise InvalidInput("Kies een van de vier uitkomsten.")
    if chosen.mild and unresolved_blocking(dossier):
        raise InvalidInput("Er is een blokkerende bevinding die niet is weerlegd of verlaagd. De uitkomst kan dan "
                           "niet 'geen bijzonderheden' of 'aandachtspunten' zijn.")
    if outcome == "beheersbaar_met_afspraken" and not _measures(dossier):
        raise InvalidInput("Bij 'risico's beheersbaar met afspraken' hoort ten minste één afgesproken maatregel.")


def _measures(dossier: Dossier) -> list[MeasureAgreement]:
    return list(db.session.scalars(select(MeasureAgreement).where(MeasureAgreement.dossier_id == dossier.id)))


def save_conclusion(user: User, dossier: Dossier, outcome: str, conclusion: str, *, ip: str | None = None) -> None:
    ensure_reviewable(dossier)
    check_outcome(dossier, outcome)
    dossier.outcome = outcome
    dossier.conclusion = clean_text(conclusion, "de conclusie")
    dossier.version = (dossier.version or 0) + 1
    audit.record("conclusie.opgeslagen", actor=user, dossier=dossier, ip=ip, uitkomst=outcome)
    db.session.commit()


def sign_off_problems(dossier: Dossier) -> list[Msg]:
    """What still stands in the way of signing off (shown on the page before the code is asked)."""
    problems = []
    if dossier.status not in workflow.REVIEWABLE:
        problems.append(Msg("Het dossier is niet in behandeling."))
    if not dossier.outcome or not (dossier.conclusion or "").strip():
        problems.append(Msg("Kies een uitkomst en schrijf de conclusie."))
    else:
        try:
            check_outcome(dossier, dossier.outcome)
        except InvalidInput as exc:
            problems.append(exc.as_msg())
    for m in _measures(dossier):
        left = unfilled(m.title, m.subject, m.description)
        if left:
            problems.append(Msg("De maatregel '%(title)s' bevat nog een open plek (%(placeholders)s). Verwijder de "
                                "maatregel en stel hem opnieuw op met de juiste tekst.", title=m.title,
                                placeholders=", ".join(left)))
    waiting = [m for m in _measures(dossier) if m.status == MeasureStatus.voorgesteld]
    if dossier.status == S.maatregelen_voorgesteld and waiting:
        problems.append(Msg("De kandidaat heeft nog niet gereageerd op %(count)s maatregel(en).", count=len(waiting)))
    return problems


def _check_code(user: User, code: str, ip: str | None) -> None:
    throttle = runtime.throttle()
    key = f"signoff:{user.id}"
    if throttle.count(key, timedelta(minutes=10)) >= CODE_FAILURES_PER_10_MIN:
        raise Throttled("Te veel onjuiste codes. Wacht tien minuten en probeer het opnieuw.")
    if user.mfa_method != "totp" or not consume_totp(user, code):
        db.session.rollback()
        throttle.hit(key, timedelta(minutes=10))
        audit.record("afronden.mislukt", actor=user, ip=ip)
        db.session.commit()
        raise InvalidInput("De code uit uw authenticator-app is onjuist of al gebruikt. Wacht op de volgende code "
                           "en probeer het opnieuw.")
    # The code is used up now, whatever happens next: a sign-off that fails later (rendering, a
    # conflict) must not make the same code valid again.
    db.session.commit()


def sign_off(user: User, dossier: Dossier, code: str | None, *, expected_version: int | None = None,
             ip: str | None = None, sso_claims: dict | None = None) -> list:
    """Sign off with a fresh TOTP code, or (``sso_claims``: the validated ID token of a sign-in at the
    organisation's identity provider made for this sign-off, issue 16) a fresh sign-in there with its
    second factor: freeze the dossier, render, sign and store both reports."""
    if dossier.status == S.afgerond:
        raise StateError("Dit dossier is al afgerond.")
    ensure_reviewable(dossier)
    if expected_version is not None and expected_version != dossier.version:
        raise Conflict("Het dossier is intussen gewijzigd (door u in een ander venster of door een collega). "
                       "Controleer de gegevens en rond opnieuw af.")
    problems = sign_off_problems(dossier)
    if problems:
        raise InvalidInput(joined(problems))
    if sso_claims is not None:
        from .sso import check_fresh_sign_in

        check_fresh_sign_in(user, sso_claims, ip)
    else:
        _check_code(user, code or "", ip)
    if orgsetup.configured_p12(dossier.organisation) is None:
        # Created (once, under a lock) and committed before the sign-off's own transaction starts.
        orgsetup.ensure_org_keys(dossier.organisation)
    workflow.transition(dossier, "sign_off", signed_off_at=utcnow(), signed_off_by_id=user.id)
    try:
        terms.record_signed(dossier)  # a herbevestiging: decision 'herbevestigd', the term's new signed state
        stored = reports.render_and_store(dossier)
    except Exception:
        db.session.rollback()
        log.exception("rendering or signing the reports failed; sign-off rolled back")
        raise StateError("Het ondertekenen van de rapporten is mislukt. Het dossier is niet afgerond; er is niets "
                         "gewijzigd. Probeer het later opnieuw of neem contact op met de beheerder.") from None
    audit.record("dossier.afgerond", actor=user, dossier=dossier, ip=ip, uitkomst=dossier.outcome,
                 documenten=[r.document_number for r in stored])
    db.session.commit()
    notify.notify_candidate(dossier, "Uw risicoanalyse is afgerond",
                     "De {title} heeft uw risicoanalyse afgerond. U kunt het vertrouwelijke rapport downloaden "
                     "na inloggen.", "candidate_measures.home")
    notify.tell("ondertekend", dossier, "afgerond", notify.griffiers_of(dossier), "griffie.dossier",
                public_id=dossier.public_id)
    return stored


def add_addendum(user: User, dossier: Dossier, body: str, mentionable: bool = False, *,
                 ip: str | None = None) -> Addendum:
    """An aanvulling after sign-off: the signed dossier and its reports stay unchanged."""
    if dossier.status != S.afgerond:
        raise StateError("Een aanvulling is alleen mogelijk op een afgerond dossier.")
    addendum = Addendum(dossier_id=dossier.id, body=clean_text(body, "de aanvulling"), mentionable=bool(mentionable),
                        author_id=user.id)
    db.session.add(addendum)
    audit.record("aanvulling.toegevoegd", actor=user, dossier=dossier, ip=ip)
    db.session.commit()
    return addendum


def addenda(dossier: Dossier) -> list[Addendum]:
    return list(db.session.scalars(select(Addendum).where(Addendum.dossier_id == dossier.id).order_by(Addendum.id)))
