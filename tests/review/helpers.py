"""Helpers for the review and report tests: a submitted dossier without the candidate's web pages."""
from __future__ import annotations

from types import SimpleNamespace

import pyotp
from sqlalchemy import func, select, text

from integrity_tool.models import FindingCounts, Submission, db, utcnow
from integrity_tool.scoring import evaluate
from integrity_tool.services import dossiers, review, runtime, snapshot, workflow

CONFIDENTIAL_EMPLOYER = "Adviesbureau Zilvermeeuw Geheim"
CONFIDENTIAL_KVK = "87654321"


def base_answers(**extra) -> dict:
    """Answers with one blocking, one high and several aandachtspunt findings, and public nevenfuncties."""
    answers = {
        "werkgever": CONFIDENTIAL_EMPLOYER,
        "heeft_nevenfuncties": True,
        "nevenfuncties": [
            {"omschrijving": "Voorzitter", "organisatie": "Stichting Dorpshuis De Linde", "kvk": CONFIDENTIAL_KVK,
             "betaald": False, "qq": False, "relatie_overheid": ["subsidie"], "behouden": True},
            {"omschrijving": "Penningmeester", "organisatie": "Voetbalclub SV Vooruit", "betaald": True,
             "bedrag_per_jaar": "1200.00", "qq": False, "relatie_overheid": ["geen"], "behouden": True},
        ],
        "levert_aan_overheid": True,
        "omstreden_rol": True,
    }
    answers.update(extra)
    return answers


def submit_snapshot(dossier, answers: dict, action: str = "submit") -> Submission:
    """What the candidate's submit service does: snapshot answers + findings, guarded transition."""
    questionnaire = snapshot.questionnaire_for(dossier)
    result = evaluate(questionnaire, answers)
    number = (db.session.scalar(select(func.max(Submission.number)).where(Submission.dossier_id == dossier.id)) or 0) + 1
    sub = Submission(dossier_id=dossier.id, number=number, questionnaire_id=questionnaire.id,
                     questionnaire_version=questionnaire.version, questionnaire_hash=questionnaire.content_hash,
                     payload={"answers": answers, "findings": [f.to_dict() for f in result.findings]},
                     declaration_name=dossier.candidate.name)
    dossier.answers = answers
    db.session.add(sub)
    workflow.transition(dossier, action, submitted_at=utcnow(),
                        **FindingCounts.columns_of(FindingCounts.of(result.counts)))
    db.session.commit()
    return sub


def make_world(make_org, make_user, kind: str = "gemeente", answers: dict | None = None, submit: bool = True):
    org = make_org(kind=kind)
    reviewer = make_user("reviewer", org)
    candidate = make_user("candidate", org, name="Anna de Vries")
    griffier = make_user("griffier", org)
    qid = next(q.id for q in runtime.catalog().for_kind(org.kind.value))
    dossier = dossiers.create_dossier(org, candidate, reviewer, qid, function_title="Wethouder",
                                      portfolio="Financiën")
    db.session.commit()
    if submit:
        submit_snapshot(dossier, answers if answers is not None else base_answers())
    return SimpleNamespace(org=org, reviewer=reviewer, candidate=candidate, griffier=griffier, dossier=dossier)


def fresh_code(user) -> str:
    """A TOTP code that has not been used yet (tests log in and sign off within one 30 s step)."""
    db.session.execute(text("UPDATE user_account SET totp_last_step = 0 WHERE id = :id"), {"id": user.id})
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()


def new_client(app):
    return app.test_client()


MENTIONABLE_TITLE = "Nevenfunctie bij Stichting Dorpshuis neerleggen"
PRIVATE_TITLE = "Vertrouwelijke afspraak over familiezaken"
CONCLUSION = "De risico's zijn beheersbaar met de gemaakte afspraken; benoeming is verantwoord."


def signed_off(world, *, due=None):
    """Bring the world's dossier through review to a signed-off state using the services."""
    from datetime import date, timedelta

    from integrity_tool.services import measures, signoff

    d, reviewer, candidate = world.dossier, world.reviewer, world.candidate
    review.open_dossier(reviewer, d.public_id)
    review.decide_finding(reviewer, d, "levert_aan_overheid", "hoog", "Leveringen worden voor de installatie beëindigd.")
    review.record_gesprek(reviewer, d, date.today(), "Burgemeester en kandidaat", "Goed gesprek.")
    due = due or date.today() + timedelta(days=30)
    m1 = measures.propose_measure(reviewer, d, title=MENTIONABLE_TITLE, description="Voor de installatie.",
                                  owner="candidate", due_date=due, finding_keys=["nevenfunctie_relatie:0"],
                                  mentionable=True, catalogue_id="nevenfunctie_neerleggen")
    m2 = measures.propose_measure(reviewer, d, title=PRIVATE_TITLE, description="Niet openbaar.",
                                  owner="griffier", due_date=due, mentionable=False)
    measures.send_to_candidate(reviewer, d)
    measures.respond(candidate, m1.public_id, accept=True)
    measures.respond(candidate, m2.public_id, accept=True)
    signoff.save_conclusion(reviewer, d, "beheersbaar_met_afspraken", CONCLUSION)
    signoff.sign_off(reviewer, d, fresh_code(reviewer), expected_version=d.version)
    db.session.refresh(d)
    return d
