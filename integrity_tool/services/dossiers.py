"""Creating dossiers (the griffier's side of the candidate journey)."""
from __future__ import annotations

from datetime import date

from .. import audit
from ..models import Dossier, DossierStatus, Organisation, Role, User, db
from . import org_questionnaires
from .errors import InvalidInput


def create_dossier(org: Organisation, candidate: User, reviewer: User | None, questionnaire_id: str, *,
                   function_title: str, portfolio: str | None = None, deadline: date | None = None,
                   round_id: int | None = None, actor: User | None = None) -> Dossier:
    """A new dossier on the latest version of a questionnaire that applies to this organisation."""
    applicable = {q.id: q for q in org_questionnaires.applicable(org)}
    if questionnaire_id not in applicable:
        raise InvalidInput("Deze vragenlijst is niet van toepassing op uw organisatie.")
    if candidate.organisation_id != org.id or candidate.role != Role.candidate:
        raise InvalidInput("De kandidaat hoort niet bij deze organisatie.")
    if reviewer is not None and (reviewer.organisation_id != org.id or reviewer.role != Role.reviewer):
        raise InvalidInput("De beoordelaar hoort niet bij deze organisatie.")
    questionnaire = applicable[questionnaire_id]
    dossier = Dossier(
        organisation_id=org.id, candidate_id=candidate.id, reviewer_id=reviewer.id if reviewer else None,
        questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
        questionnaire_hash=questionnaire.content_hash, function_title=function_title.strip(),
        portfolio=(portfolio or "").strip() or None, deadline=deadline, round_id=round_id,
        status=DossierStatus.concept, answers={}, progress_total=len(questionnaire.sections),
    )
    db.session.add(dossier)
    db.session.flush()
    audit.record("dossier.aangemaakt", actor=actor, dossier=dossier, vragenlijst=questionnaire.id,
                 versie=questionnaire.version)
    return dossier


def create_demo_dossier(org: Organisation, candidate: User, reviewer: User) -> Dossier:
    # the shipped questionnaire for the organisation's kind (never another organisation's own)
    questionnaire_id = org_questionnaires.shipped_for(org)[0].id
    dossier = create_dossier(org, candidate, reviewer, questionnaire_id, function_title="Wethouder",
                             portfolio="Financiën en economische zaken")
    db.session.commit()
    return dossier
