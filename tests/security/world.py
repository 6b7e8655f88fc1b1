"""A two-organisation world for security tests: actors, dossiers, rounds, measures, reports.

Organisation A ("own"): candidate A1, a second candidate A2, reviewer A (assigned to both dossiers),
griffier A, admin A. Organisation B ("foreign"): a candidate and a reviewer.
Dossiers: "own" (A1), "other" (A2, same organisation), "foreign" (B).
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from dataclasses import dataclass

from sqlalchemy import update

from integrity_tool.models import ClarificationRequest, Dossier, DossierStatus, MeasureAgreement, Report, Round, Submission, db, utcnow
from integrity_tool.services import dossiers as dossier_service
from integrity_tool.services import runtime, users

S = DossierStatus


@dataclass
class World:
    orgs: dict
    actors: dict
    dossiers: dict
    rounds: dict
    measures: dict
    reports: dict
    tokens: dict
    clarifications: dict

    def dossier(self, target: str) -> str:
        return self.dossiers[target].public_id


def _set_state(dossier_ids: list[int], state: DossierStatus) -> None:
    values = {"status": state}
    if state in (S.ingediend, S.in_behandeling, S.maatregelen_voorgesteld, S.afgerond, S.terug_naar_kandidaat):
        values["submitted_at"] = utcnow()
    if state == S.afgerond:
        values.update(signed_off_at=utcnow(), outcome="geen_bijzonderheden")
    db.session.execute(update(Dossier).where(Dossier.id.in_(dossier_ids)).values(**values))


def build_world(make_org, make_user, state: DossierStatus) -> World:
    org_a, org_b = make_org("Gemeente Eigen"), make_org("Gemeente Vreemd")
    actors = {
        "candidate": make_user("candidate", org_a, mfa=True),
        "reviewer": make_user("reviewer", org_a),
        "griffier": make_user("griffier", org_a),
        "admin": make_user("admin", org_a),
        "platform": make_user("platform"),
    }
    cand2 = make_user("candidate", org_a)
    cand_b = make_user("candidate", org_b)
    rev_b = make_user("reviewer", org_b)
    invited = users.new_user(org_a, "uitgenodigd@example.nl", "Nog Niet Actief", "candidate")
    tokens = {"own": users.issue_invitation(invited)}
    qid = next(q.id for q in runtime.catalog().for_kind("gemeente"))
    ds = {
        "own": dossier_service.create_dossier(org_a, actors["candidate"], actors["reviewer"], qid,
                                              function_title="Wethouder"),
        "other": dossier_service.create_dossier(org_a, cand2, actors["reviewer"], qid, function_title="Wethouder"),
        "foreign": dossier_service.create_dossier(org_b, cand_b, rev_b, qid, function_title="Wethouder"),
    }
    db.session.flush()
    rounds = {}
    for key, org in (("own", org_a), ("foreign", org_b)):
        rnd = Round(public_id=f"ronde-{key}-{org.id}", organisation_id=org.id, name=f"Ronde {key}")
        db.session.add(rnd)
        rounds[key] = rnd
    db.session.flush()
    ds["own"].round_id = rounds["own"].id
    ds["foreign"].round_id = rounds["foreign"].id
    measures, reports, clarifications = {}, {}, {}
    for key, d in ds.items():
        c = ClarificationRequest(dossier_id=d.id, question="Kunt u dit toelichten?", author_id=d.reviewer_id,
                                 created_at=utcnow() + timedelta(seconds=5))  # after the submission
        db.session.add(c)
        clarifications[key] = c
        q = runtime.catalog().get(d.questionnaire_id, d.questionnaire_version)
        db.session.add(Submission(dossier_id=d.id, number=1, questionnaire_id=d.questionnaire_id,
                                  questionnaire_version=d.questionnaire_version,
                                  questionnaire_hash=q.content_hash, payload={"answers": {}},
                                  declaration_name="Naam", ip="127.0.0.1"))
        m = MeasureAgreement(dossier_id=d.id, title=f"Maatregel {key}", description="Beschrijving",
                             owner="candidate", created_by_id=d.reviewer_id)
        db.session.add(m)
        measures[key] = m
        for kind, letter in (("vertrouwelijk", "V"), ("samenvatting", "S")):
            content = f"%PDF-1.7 test {key} {kind}".encode()
            r = Report(dossier_id=d.id, kind=kind, document_number=f"RI-2026-{d.id:06d}-{letter}",
                       sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content)
            db.session.add(r)
            reports[(key, kind)] = r
    db.session.flush()
    _set_state([d.id for d in ds.values()], state)
    db.session.commit()
    for d in ds.values():
        db.session.refresh(d)
    return World(orgs={"own": org_a, "foreign": org_b}, actors=actors, dossiers=ds, rounds=rounds,
                 measures=measures, reports=reports, tokens=tokens,
                 clarifications=clarifications)


def logged_in_client(app, user):
    """A client with a real server-side session (the log-in flow itself is tested elsewhere)."""
    client = app.test_client()
    sid = users.start_session(user, "127.0.0.1", "pytest")
    with client.session_transaction() as s:
        s["sid"] = sid
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    return client
