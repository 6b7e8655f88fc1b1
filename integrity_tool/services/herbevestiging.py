"""Herbevestiging: a re-declaration by a sitting bestuurder, started from the term record at any time
during the term. It is prefilled with the last signed answers (all of them while the signed dossier
is not yet purged, else the term record's kept answers); the reviewer sees what changed against the
last signed state kept in the term record (the questions marked ``term: true``). Signing it off
records the decision 'herbevestigd' (services/terms.record_signed), with its own retention.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .. import audit
from ..models import Dossier, DossierKind, DossierStatus, Role, Term, User, db
from ..questionnaire import prune_hidden
from . import answers as answers_service
from . import notify, org_questionnaires, terms
from .errors import InvalidInput, NotFound, StateError
from .snapshot import latest_submission, questionnaire_for, submission_answers
from .timeline import SectionChanges, diff_answers

S = DossierStatus
MSG_NO_TERM = ("Een herbevestiging start vanuit de termijn van een benoemde bestuurder. Leg eerst vast dat de "
               "kandidaat is benoemd.")


def start(actor: User, term: Term, *, ip: str | None = None, today: date | None = None) -> Dossier:
    """A new concept dossier (kind herbevestiging) in the term, for the same bestuurder; they get an e-mail."""
    if actor.role not in (Role.griffier, Role.reviewer) or actor.organisation_id != term.organisation_id:
        raise NotFound()
    blocker = terms.herbevestiging_blocker(term, today)
    if blocker:
        raise StateError(blocker)
    signed = term.signed_dossier
    # the version of the same questionnaire new dossiers get now: answers are keyed by question id
    questionnaire = next((q for q in org_questionnaires.applicable(term.organisation)
                          if q.id == term.questionnaire_id), None)
    if questionnaire is None:
        raise InvalidInput("De vragenlijst van het vorige dossier is niet meer beschikbaar.")
    sub = latest_submission(signed) if signed is not None else None
    if sub is not None and not (sub.payload or {}).get("purged"):
        prefill = dict(submission_answers(sub))
    else:
        prefill = dict(term.signed_answers or {})
    prefill = prune_hidden(questionnaire, prefill)
    dossier = Dossier(
        organisation_id=term.organisation_id, round_id=signed.round_id if signed else None,
        candidate_id=term.candidate_id, reviewer_id=signed.reviewer_id if signed else None,
        previous_id=term.signed_dossier_id, term_id=term.id, kind=DossierKind.herbevestiging,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, questionnaire_hash=questionnaire.content_hash,
        function_title=term.function_title, portfolio=signed.portfolio if signed else None,
        status=S.concept, answers=prefill, baseline_answers=dict(term.signed_answers or {}),
    )
    prog = answers_service.progress(questionnaire, prefill)
    dossier.progress_done, dossier.progress_total = prog.done, prog.total
    db.session.add(dossier)
    db.session.flush()
    audit.record("herbevestiging.gestart", actor=actor, dossier=dossier, ip=ip, termijn=term.public_id,
                 vorig_dossier=signed.public_id if signed else None)
    db.session.commit()
    notify.notify_candidate(dossier, "Herbevestiging risicoanalyse integriteit",
                            "Het is tijd voor de herbevestiging van uw opgave. Uw antwoorden van de vorige keer "
                            "staan al klaar: controleer ze, pas aan wat veranderd is en dien de vragenlijst opnieuw "
                            "in.", "candidate.home")
    return dossier


def start_for(actor: User, public_id: str, *, ip: str | None = None) -> Dossier:
    """Start from a term (its public id); a dossier's public id is accepted for its term."""
    term = db.session.scalar(select(Term).where(Term.public_id == (public_id or "")[:32]))
    if term is None:
        dossier = db.session.scalar(select(Dossier).where(Dossier.public_id == (public_id or "")[:32]))
        if dossier is None or dossier.organisation_id != actor.organisation_id:
            raise NotFound()
        if dossier.term is None:
            raise StateError(MSG_NO_TERM)
        term = dossier.term
    if term.organisation_id != actor.organisation_id:
        raise NotFound()
    return start(actor, term, ip=ip)


def changes_since_previous(dossier: Dossier, lang: str | None = None) -> list[SectionChanges] | None:
    """What changed in this herbevestiging against the last signed state kept in the term record when
    it started (the questions marked ``term: true``); None if not a herbevestiging or purged."""
    if dossier.kind != DossierKind.herbevestiging or dossier.baseline_answers is None:
        return None
    current = latest_submission(dossier)
    if current is not None and (current.payload or {}).get("purged"):
        return None
    questionnaire = questionnaire_for(current or dossier)
    if questionnaire is None:
        return None
    new_answers = submission_answers(current) if current is not None else (dossier.answers or {})
    lang = questionnaire.content_language(lang)
    return diff_answers(questionnaire, terms.term_answers(questionnaire, dossier.baseline_answers),
                        terms.term_answers(questionnaire, new_answers), lang)
