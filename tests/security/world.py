"""A two-organisation world for security tests: actors, dossiers, rounds, measures, reports.

Organisation A ("own", the ``org`` fixture): candidate A1, a second candidate A2, reviewer A (assigned
to both dossiers), griffier A, admin A. Organisation B ("foreign"): a candidate, a reviewer, a griffier.
Dossiers: "own" (A1), "other" (A2, same organisation), "foreign" (B), all built by ``make_dossier``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from integrity_tool.models import DossierStatus, db
from integrity_tool.services import measures as measure_service
from integrity_tool.services import reports as reports_service
from integrity_tool.services import rounds as round_service
from integrity_tool.services import snapshot, users

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


def build_world(make_dossier, make_org, make_user, state: DossierStatus) -> World:
    """Every dossier in ``state``, reached through the services (``make_dossier``): a measure exists from
    in_behandeling on, a clarification request in terug_naar_kandidaat, both signed reports in afgerond."""
    org_a, org_b = make_dossier.org, make_org("Gemeente Vreemd")
    griffier, reviewer = make_dossier.griffier_of(org_a), make_dossier.reviewer_of(org_a)
    invited = users.new_user(org_a, "uitgenodigd@example.nl", "Nog Niet Actief", "candidate")
    tokens = {"own": users.issue_invitation(invited)}
    db.session.commit()
    rounds = {"own": round_service.create_round(griffier, "Ronde own", None),
              "foreign": round_service.create_round(make_dossier.griffier_of(org_b), "Ronde foreign", None)}
    ds = {
        "own": make_dossier(state, reviewer=reviewer, round_id=rounds["own"].id),
        "other": make_dossier(state, reviewer=reviewer),
        "foreign": make_dossier(state, org=org_b, round_id=rounds["foreign"].id),
    }
    actors = {"candidate": ds["own"].candidate, "reviewer": reviewer, "griffier": griffier,
              "admin": make_user("admin", org_a), "platform": make_user("platform")}
    measures, reports, clarifications = {}, {}, {}
    for key, d in ds.items():
        if state == S.in_behandeling:  # the reviewer drafts one (sent to the candidate from the next state on)
            measure_service.propose_measure(d.reviewer, d, title=f"Maatregel {key}", description="Beschrijving",
                                            owner="candidate", due_date=date.today() + timedelta(days=30))
        found = measure_service.measures_of(d)
        if found:
            measures[key] = next(m for m in found if m.owner == "candidate")
        for c in snapshot.clarifications(d):
            clarifications[key] = c
        for report in reports_service.reports_of(d).values():
            reports[(key, report.kind)] = report
    db.session.commit()
    for d in ds.values():
        db.session.refresh(d)
    return World(orgs={"own": org_a, "foreign": org_b}, actors=actors, dossiers=ds, rounds=rounds,
                 measures=measures, reports=reports, tokens=tokens, clarifications=clarifications)


def logged_in_client(app, user):
    """A client with a real server-side session (the log-in flow itself is tested elsewhere)."""
    client = app.test_client()
    sid = users.start_session(user, "127.0.0.1", "pytest")
    with client.session_transaction() as s:
        s["sid"] = sid
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    return client
