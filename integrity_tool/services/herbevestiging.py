"""Jaarlijkse herbevestiging: a re-declaration for an appointed bestuurder, prefilled from the last
signed dossier; the reviewer then sees exactly what changed."""
from __future__ import annotations

from sqlalchemy import select

from .. import audit
from ..models import Dossier, DossierKind, DossierStatus, Role, User, db
from . import notify, runtime, scoping
from .errors import InvalidInput, NotFound, StateError
from .snapshot import latest_submission, questionnaire_for, submission_answers
from .timeline import SectionChanges, diff_answers

S = DossierStatus


def start(actor: User, signed_dossier: Dossier, *, ip: str | None = None) -> Dossier:
    """A new concept dossier (kind herbevestiging) for the same candidate, prefilled with the answers
    of the last signed submission; the candidate gets an e-mail."""
    if actor.role not in (Role.griffier, Role.reviewer) or actor.organisation_id != signed_dossier.organisation_id:
        raise NotFound()
    if signed_dossier.status != S.afgerond or signed_dossier.purged_at is not None:
        raise StateError("Een herbevestiging kan alleen worden gestart vanuit een afgerond dossier.")
    if not signed_dossier.candidate.active:
        raise StateError("Het account van deze bestuurder is niet meer actief.")
    open_one = db.session.scalar(select(Dossier).where(
        Dossier.previous_id == signed_dossier.id, Dossier.status.not_in((S.afgerond, S.ingetrokken))))
    if open_one is not None:
        raise StateError("Er loopt al een herbevestiging voor dit dossier.")
    sub = latest_submission(signed_dossier)
    if sub is None:
        raise StateError("Het afgeronde dossier heeft geen ingediende antwoorden om van uit te gaan.")
    catalog = runtime.catalog()
    try:  # the newest version of the same questionnaire: answers are keyed by question id
        questionnaire = catalog.get(signed_dossier.questionnaire_id)
    except KeyError:
        questionnaire = questionnaire_for(signed_dossier)
    if questionnaire is None:
        raise InvalidInput("De vragenlijst van het vorige dossier is niet meer beschikbaar.")
    dossier = Dossier(
        organisation_id=signed_dossier.organisation_id, round_id=signed_dossier.round_id,
        candidate_id=signed_dossier.candidate_id, reviewer_id=signed_dossier.reviewer_id,
        previous_id=signed_dossier.id, kind=DossierKind.herbevestiging, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, questionnaire_hash=questionnaire.content_hash,
        function_title=signed_dossier.function_title, portfolio=signed_dossier.portfolio,
        status=S.concept, answers=dict(submission_answers(sub)), progress_total=len(questionnaire.sections),
    )
    db.session.add(dossier)
    db.session.flush()
    audit.record("herbevestiging.gestart", actor=actor, dossier=dossier, ip=ip, vorig_dossier=signed_dossier.public_id)
    db.session.commit()
    notify.notify_candidate(dossier, "Jaarlijkse herbevestiging risicoanalyse integriteit",
                     "Het is tijd voor de jaarlijkse herbevestiging van uw opgave. Uw antwoorden van vorig jaar "
                     "staan al klaar: controleer ze, pas aan wat veranderd is en dien de vragenlijst opnieuw in.",
                     "candidate.home")
    return dossier


def start_for(actor: User, public_id: str, *, ip: str | None = None) -> Dossier:
    dossier = scoping.get_dossier(actor, public_id, roles=(Role.griffier, Role.reviewer))
    return start(actor, dossier, ip=ip)


def changes_since_previous(dossier: Dossier, lang: str | None = None) -> list[SectionChanges] | None:
    """What changed in this herbevestiging against the previous signed submission (None if n/a)."""
    if dossier.kind != DossierKind.herbevestiging or dossier.previous is None:
        return None
    current = latest_submission(dossier)
    new_answers = submission_answers(current) if current is not None else (dossier.answers or {})
    old_answers = submission_answers(latest_submission(dossier.previous))
    questionnaire = questionnaire_for(current or dossier)
    lang = questionnaire.content_language(lang) if questionnaire is not None else None
    return diff_answers(questionnaire, old_answers, new_answers, lang)
