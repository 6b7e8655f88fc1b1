"""Authorisation matrix (ASVS 8.1.1, 8.2.1, 8.2.2): every route × method × role × own/foreign.

``MATRIX`` below is the documented access policy, keyed by endpoint name. A route without an
entry (or an entry without a route) fails ``test_every_route_has_an_entry``: adding a route means
deciding, here, who may use it.

Outcomes per cell:
  ok     the request is handled (2xx, a redirect that is not to the log-in page, or a 400/409/429
         form/state error: the authorisation check was passed)
  login  redirect to /inloggen (anonymous visitors on protected routes)
  404    wrong role, other organisation, or someone else's dossier: existence is not revealed
  405    method not allowed

Default policy of an entry ``E(roles, targets)``:
  anonymous                         → login   (public=True: ok)
  role not in roles                 → 404
  target "own"                      → ok
  target "other" (same organisation,
    another candidate's dossier)    → 404 for candidates, ok for staff roles in ``roles``
  target "foreign*" (other org)     → 404
``overrides`` set individual cells: {(role, target): outcome} (role or target may be "*").

Actors (all in organisation A): candidate A1, reviewer A (assigned to A1's and A2's dossier),
griffier A, admin A. Objects: dossier A1 (own), dossier A2 (other), dossier B (foreign org),
rounds A/B, measures on each dossier, reports on each dossier.

Every request is also checked for: no 5xx, ``Cache-Control: no-store`` on authenticated
responses, and after all refusals the database is unchanged (a refused request wrote nothing).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select, text

from integrity_tool.models import DossierStatus, db
from tests.security.world import World, build_world, logged_in_client

ROLES = ("anonymous", "candidate", "reviewer", "griffier", "admin", "platform")
STAFF = {"reviewer", "griffier", "admin"}
ALL = frozenset(ROLES)


# --- world ----------------------------------------------------------------------------------------

def D(target: str) -> Callable[[World], str]:
    return lambda w: w.dossiers[target].public_id


def R(target: str) -> Callable[[World], str]:
    return lambda w: w.rounds[target].public_id


def M(target: str) -> Callable[[World], str]:
    return lambda w: w.measures[target].public_id


def SECTION(target: str, section: str = "hoofdfunctie", **extra) -> dict:
    out = {"public_id": D(target), "section_id": lambda w: section}
    out.update({k: (lambda w, v=v: v) for k, v in extra.items()})
    return out


def ORG(target: str) -> Callable[[World], str]:
    return lambda w: w.orgs[target].slug


def DOC(target: str, kind: str = "samenvatting") -> Callable[[World], str]:
    return lambda w: w.reports[(target, kind)].document_number


def OQ(target: str) -> Callable[[World], str]:
    """An own questionnaire (a draft) of organisation A ("own") or B ("foreign"), made on first use."""
    def make(w: World) -> str:
        from tests.griffie.test_org_questionnaires import example_yaml
        from integrity_tool.services import org_questionnaires

        row, _created = org_questionnaires.upload(None, example_yaml().encode(), "eigen.yaml", org=w.orgs[target])
        return row.public_id
    return make


def STAFF_MEMBER(w: World, target: str) -> dict:
    """POST body naming a reviewer of organisation A ("own") or B ("foreign")."""
    from integrity_tool.models import User

    org = w.orgs[target]
    reviewer = db.session.scalar(select(User).where(User.organisation_id == org.id, User.role == "reviewer"))
    return {"user_id": str(reviewer.id)}


NONE = {"-": {}}
DOSSIER = {"own": {"public_id": D("own")}, "other": {"public_id": D("other")}, "foreign": {"public_id": D("foreign")}}
ROUND = {"own": {"public_id": R("own")}, "foreign": {"public_id": R("foreign")}}
ORGS = {"own": {"org_slug": ORG("own")}, "foreign": {"org_slug": ORG("foreign")}}
QUESTIONNAIRE = {"own": {"public_id": OQ("own")}, "foreign": {"public_id": OQ("foreign")}}


@dataclass(frozen=True)
class E:
    roles: frozenset = frozenset()
    targets: dict = field(default_factory=lambda: NONE)
    public: bool = False
    overrides: dict = field(default_factory=dict)
    state: DossierStatus = DossierStatus.in_behandeling
    # POST body that passes form validation where possible; or a function (world, target) -> dict.
    data: dict | Callable = field(default_factory=dict)

    def expected(self, role: str, target: str, method: str) -> str:
        for key in ((role, target), (role, "*"), ("*", target)):
            if key in self.overrides:
                return self.overrides[key]
        if self.public:
            return "ok"
        if role == "anonymous":
            return "login"
        if role not in self.roles:
            return "404"
        if target.startswith("foreign") or target.startswith("cross"):
            return "404"
        if target == "other" and role == "candidate":
            return "404"
        return "ok"


def roles(*names: str) -> frozenset:
    return frozenset(names)


S = DossierStatus

# --- the policy -------------------------------------------------------------------------------------

MATRIX: dict[str, E] = {
    # Public pages.
    "main.home": E(public=True),
    "main.privacy": E(public=True),
    "main.accessibility": E(public=True),
    "main.health": E(public=True),
    "main.favicon": E(public=True),
    "main.set_language": E(public=True, targets={"-": {"lang": lambda w: "en"}}),
    "auth.login": E(public=True),
    # Pending log-in steps: without a pending log-in they send you (back) to the log-in page.
    "auth.second_factor": E(public=True, overrides={("*", "-"): "login"}),
    "auth.setup_2fa": E(public=True, overrides={("*", "-"): "login"}),
    "auth.resend_code": E(public=True, overrides={("*", "-"): "login"}),  # back to the code step
    "auth.logout": E(public=True, overrides={("*", "-"): "login"}),  # everyone ends up on the log-in page
    # Any logged-in user.
    "auth.account": E(roles=roles("candidate", "reviewer", "griffier", "admin", "platform"),
                      data={"current": "fout", "new": "x"}),
    "auth.recovery_codes": E(roles=roles("candidate", "reviewer", "griffier", "admin", "platform")),
    # Start pages per role.
    "candidate.home": E(roles=roles("candidate")),
    "review.dashboard": E(roles=roles("reviewer")),
    "griffie.overview": E(roles=roles("griffier")),
    "admin.home": E(roles=roles("admin")),
    # Issue 15.3: the platform administrator sees organisations and their administrators, any organisation,
    # and nothing else (every dossier, answer, report and export page above is a 404 for the role).
    "platform.home": E(roles=roles("platform"), data={"name": "Gemeente Nieuw", "kind": "gemeente",
                                                      "admin_name": "Nieuwe Beheerder",
                                                      "admin_email": "nieuw-beheer@example.nl"}),
    "platform.organisation": E(roles=roles("platform"),
                               targets={**{t: {"slug": ORG(t)} for t in ("own", "foreign")},
                                        "unknown": {"slug": lambda w: "bestaat-niet"}},
                               overrides={("platform", "foreign"): "ok", ("platform", "unknown"): "404"},
                               data={"admin_name": "Tweede Beheerder", "admin_email": "beheer2@example.nl"}),
    # The organisation's administrator manages its own staff; another organisation's account is a 404.
    "admin.invite_user": E(roles=roles("admin"), data={"name": "Nieuwe Griffier", "email": "griffier-nieuw@example.nl",
                                                       "role": "griffier"}),
    **{f"admin.{name}": E(roles=roles("admin"), targets={"own": {}, "foreign": {}}, data=STAFF_MEMBER)
       for name in ("deactivate_user", "activate_user", "resend_user")},
    # The audit chain's checkpoint history (installation-wide, no organisation data; issue 18).
    "admin.audit_checkpoints": E(roles=roles("admin", "griffier")),
    "admin.audit_checkpoints_download": E(roles=roles("admin", "griffier")),
    "admin.profile": E(roles=roles("admin")),
    "admin_sso.settings": E(roles=roles("admin")),
    # Single sign-on (issue 16): the start and callback need an organisation with SSO and a pending
    # log-in; without them a clear page, never a session. The provider's back-channel call carries
    # its own signed token.
    "sso.choose": E(public=True, overrides={("*", "-"): "login"}),
    "sso.start": E(public=True, targets=ORGS, overrides={("anonymous", "*"): "404"}),
    "sso.callback": E(public=True),
    "sso.backchannel_logout": E(public=True, targets=ORGS),
    "sso.sign_off": E(roles=roles("reviewer"), targets=DOSSIER),
    # Issue 15: the organisation's own questionnaires; another organisation's are a 404 on every page.
    "admin.questionnaires": E(roles=roles("admin")),
    "admin.questionnaire_upload": E(roles=roles("admin")),
    "admin.questionnaire_copy": E(roles=roles("admin")),
    **{f"admin.questionnaire_{name}": E(roles=roles("admin"), targets=QUESTIONNAIRE)
       for name in ("detail", "preview", "diff", "source", "activate", "retire")},
    # Reviewer: the dossiers of their organisation.
    "review.dossier": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.decide": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.comment": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.clarification": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.changes": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.guide": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.gesprek": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.dossier_measures": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.remove_measure": E(roles=roles("reviewer"), targets={
        "own": {"public_id": D("own"), "measure_id": M("own")},
        "other": {"public_id": D("other"), "measure_id": M("other")},
        "foreign": {"public_id": D("foreign"), "measure_id": M("foreign")},
        # Own dossier in the URL, another organisation's measure: still nothing.
        "cross": {"public_id": D("own"), "measure_id": M("foreign")},
    }),
    "review.send_measures": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.conclude": E(roles=roles("reviewer"), targets=DOSSIER),
    "review.sign": E(roles=roles("reviewer"), targets=DOSSIER, data={"code": "000000"}),
    "review.addendum": E(roles=roles("reviewer"), targets=DOSSIER, state=S.afgerond,
                         data={"body": "aanvulling"}),
    "review.history": E(roles=roles("reviewer"), targets=DOSSIER),
    # Reports: reviewer both kinds; griffier only the summary (unless the organisation allows more).
    "review.download": E(roles=roles("reviewer", "griffier"), state=S.afgerond, targets={
        "own": {"public_id": D("own"), "kind": lambda w: "samenvatting"},
        "other": {"public_id": D("other"), "kind": lambda w: "samenvatting"},
        "foreign": {"public_id": D("foreign"), "kind": lambda w: "samenvatting"},
        "own-confidential": {"public_id": D("own"), "kind": lambda w: "vertrouwelijk"},
        "foreign-confidential": {"public_id": D("foreign"), "kind": lambda w: "vertrouwelijk"},
        "own-badkind": {"public_id": D("own"), "kind": lambda w: "onbekend"},
    }, overrides={("griffier", "own-confidential"): "404", ("reviewer", "own-badkind"): "404",
                  ("griffier", "own-badkind"): "404"}),
    # The raad summary in English on request (rendered and signed with the organisation's key).
    "review.english_summary": E(roles=roles("reviewer", "griffier"), targets=DOSSIER, state=S.afgerond),
    "review.start_herbevestiging": E(roles=roles("reviewer", "griffier"), targets=DOSSIER, state=S.afgerond),
    # Issue 19: only the griffier ends a term; the world has no term, so an unknown id is a 404 for all
    # (the term's organisation check is tested in tests/review/test_term.py).
    "review.end_term": E(roles=roles("griffier"), targets={"-": {"public_id": lambda w: "geen-termijn"}},
                         overrides={("griffier", "*"): "404"}, data={"ended_on": "2026-01-01"}),
    "review.measures": E(roles=roles("reviewer", "griffier")),
    "review.complete_measure": E(roles=roles("reviewer", "griffier"), state=S.afgerond, data={"note": "klaar"},
                                 targets={"own": {"measure_id": M("own")}, "other": {"measure_id": M("other")},
                                          "foreign": {"measure_id": M("foreign")}},
                                 # The world's measures are owned by the candidate: the griffier may
                                 # only complete griffier-owned measures.
                                 overrides={("griffier", "own"): "404", ("griffier", "other"): "404"}),
    # Griffie: overview, rounds, exports, relations.
    "griffie.export_xlsx": E(roles=roles("griffier")),
    "griffie.export_csv": E(roles=roles("griffier")),
    "griffie.rounds_list": E(roles=roles("griffier")),
    "griffie.round_detail": E(roles=roles("griffier"), targets=ROUND),
    "griffie.round_assign": E(roles=roles("griffier"), targets={**ROUND, "cross": {"public_id": R("own")}},
                              # Own round with a dossier of another organisation: still 404.
                              data=lambda w, t: {"dossier": w.dossier("foreign" if t == "cross" else "other")}),
    "griffie.round_remove": E(roles=roles("griffier"), targets={
        "own": {"public_id": R("own"), "dossier_id": D("own")},
        "foreign": {"public_id": R("foreign"), "dossier_id": D("foreign")},
        "cross": {"public_id": R("own"), "dossier_id": D("foreign")},
    }),
    "griffie.round_summaries": E(roles=roles("griffier"), targets=ROUND),
    "griffie.dossier": E(roles=roles("griffier"), targets=DOSSIER),
    "griffie.record_appointment": E(roles=roles("griffier"), targets=DOSSIER, state=S.afgerond,
                                    data={"result": "benoemd", "decided_on": "2026-04-01"}),
    "griffie.audit_trail": E(roles=roles("griffier"), targets=DOSSIER),
    # The griffier's own download of one dossier's summary (issue 13.5); confidential only if allowed.
    "griffie.report": E(roles=roles("griffier"), state=S.afgerond, targets={
        "own": {"public_id": D("own"), "kind": lambda w: "samenvatting"},
        "foreign": {"public_id": D("foreign"), "kind": lambda w: "samenvatting"},
        "own-confidential": {"public_id": D("own"), "kind": lambda w: "vertrouwelijk"},
        "own-badkind": {"public_id": D("own"), "kind": lambda w: "onbekend"},
    }, overrides={("griffier", "own-confidential"): "404", ("griffier", "own-badkind"): "404"}),
    "griffie.relations": E(roles=roles("griffier")),
    # Public register of nevenfuncties and verification: open to all, any organisation.
    "register.page": E(public=True, targets=ORGS),
    "register.as_csv": E(public=True, targets=ORGS),
    "register.as_json": E(public=True, targets=ORGS),
    "public.verify": E(public=True),
    "public.landing": E(public=True, state=S.afgerond,
                        targets={"own": {"document_number": DOC("own")},
                                 "unknown": {"document_number": lambda w: "RI-2026-999999-S"}}),
    "public.ca_certificate": E(public=True, targets={**ORGS, "unknown": {"org_slug": lambda w: "bestaat-niet"}},
                               overrides={("*", "unknown"): "404"}),
}

MATRIX.update({
    # Candidate: only their own dossiers.
    "candidate.dossier": E(roles=roles("candidate"), targets=DOSSIER, state=S.concept),
    "candidate.answers": E(roles=roles("candidate"), targets=DOSSIER, state=S.concept),
    "candidate.access_log": E(roles=roles("candidate"), targets=DOSSIER),
    "candidate.section": E(roles=roles("candidate"), state=S.concept, data={"werkgever": "x", "version": "1"},
                           targets={t: SECTION(t) for t in ("own", "other", "foreign")}),
    "candidate.item_add": E(roles=roles("candidate"), state=S.concept, targets={
        t: SECTION(t, "nevenfuncties", repeat_id="nevenfuncties") for t in ("own", "other", "foreign")}),
    "candidate.item_edit": E(roles=roles("candidate"), state=S.concept, targets={
        t: SECTION(t, "nevenfuncties", repeat_id="nevenfuncties", number=1) for t in ("own", "other", "foreign")}),
    "candidate.item_remove": E(roles=roles("candidate"), state=S.concept, targets={
        t: SECTION(t, "nevenfuncties", repeat_id="nevenfuncties", number=1) for t in ("own", "other", "foreign")}),
    "candidate.review": E(roles=roles("candidate"), targets=DOSSIER, state=S.concept),
    "candidate.submit": E(roles=roles("candidate"), targets=DOSSIER, state=S.concept,
                          data={"name": "Naam", "confirm": "y"}),
    "candidate.withdraw": E(roles=roles("candidate"), targets=DOSSIER, state=S.concept),
    "candidate.export": E(roles=roles("candidate")),
    "candidate_measures.home": E(roles=roles("candidate")),
    "candidate_measures.respond": E(roles=roles("candidate"), state=S.maatregelen_voorgesteld,
                                    data={"accept": "y"},
                                    targets={t: {"measure_id": M(t)} for t in ("own", "other", "foreign")}),
    "candidate_measures.complete": E(roles=roles("candidate"), state=S.afgerond, data={"note": "gedaan"},
                                     targets={t: {"measure_id": M(t)} for t in ("own", "other", "foreign")}),
    "candidate_measures.answer": E(roles=roles("candidate"), targets=DOSSIER, state=S.terug_naar_kandidaat,
                                   # The request id of the dossier in the URL (cross: of another org).
                                   data=lambda w, t: {"request_id": str(w.clarifications[t].id),
                                                      "response": "toelichting"}),
    "candidate_measures.download": E(roles=roles("candidate"), targets=DOSSIER, state=S.afgerond),
    # Griffier: invitations (new candidate + dossier), resend/revoke per dossier.
    "invite.new": E(roles=roles("griffier")),
    "invite.resend": E(roles=roles("griffier"), targets=DOSSIER, state=S.concept),
    "invite.revoke": E(roles=roles("griffier"), targets=DOSSIER, state=S.concept),
    # Activation links: public, the token is the credential; an unknown token reveals nothing.
    "activation.password": E(public=True, targets={"own": {"token": lambda w: w.tokens["own"]},
                                                   "unknown": {"token": lambda w: "onbekend-token-" + "x" * 30}}),
    "activation.second_factor": E(public=True, targets={"own": {"token": lambda w: w.tokens["own"]},
                                                        "unknown": {"token": lambda w: "onbekend-token-" + "x" * 30}}),
    "activation.email_code": E(public=True, targets={"own": {"token": lambda w: w.tokens["own"]},
                                                     "unknown": {"token": lambda w: "onbekend-token-" + "x" * 30}}),
    "activation.send_email_code": E(public=True, targets={"own": {"token": lambda w: w.tokens["own"]},
                                                          "unknown": {"token": lambda w: "onbekend-token-" + "x" * 30}}),
    "activation.privacy": E(public=True, targets={"own": {"token": lambda w: w.tokens["own"]},
                                                  "unknown": {"token": lambda w: "onbekend-token-" + "x" * 30}}),
})

# Endpoints that legitimately set their own caching (public, non-personal resources).
CACHEABLE = {"public.ca_certificate", "register.as_csv", "register.as_json"}


# --- building the world -------------------------------------------------------------------------

def classify(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        path = urlsplit(response.headers.get("Location", "")).path
        return "login" if path.startswith("/inloggen") else "ok"
    if code in (403, 404, 405):
        return str(code)
    if code >= 500:
        return "5xx"
    return "ok"


_VOLATILE = {"audit_event", "user_session", "throttle_event", "alembic_version"}


def snapshot() -> dict:
    """Every row of every table except logs/sessions: a refused request must not change any of it."""
    db.session.expire_all()
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name in _VOLATILE:
            continue
        rows = db.session.execute(text(f'SELECT * FROM "{table.name}"')).all()
        out[table.name] = sorted(repr(tuple(r)) for r in rows)
    return out


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


# --- tests ----------------------------------------------------------------------------------------

def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule, _ in _rules(app)}
    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)
    assert not missing, f"routes without an authorisation-matrix entry: {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def test_targets_fill_every_url_parameter(app):
    for rule, _ in _rules(app):
        entry = MATRIX.get(rule.endpoint)
        if entry is None:
            continue
        for target, params in entry.targets.items():
            assert set(params) == set(rule.arguments), (rule.endpoint, target, rule.arguments, set(params))


def _cells(entry: E):
    cells = [(role, target) for role in ROLES for target in entry.targets]
    return cells


def _post_data(entry: E, world: World, target: str) -> dict:
    return entry.data(world, target) if callable(entry.data) else dict(entry.data)


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_matrix(app, make_org, make_user, make_dossier, endpoint):
    rules = [(rule, method) for rule, method in _rules(app) if rule.endpoint == endpoint]
    if not rules:
        pytest.skip(f"{endpoint} not (yet) registered; test_every_route_has_an_entry reports stale entries")
    entry = MATRIX[endpoint]
    world = build_world(make_dossier, make_org, make_user, entry.state)
    clients = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        clients[role] = logged_in_client(app, world.actors[role])
    plan = []
    for rule, method in rules:
        for role, target in _cells(entry):
            values = {name: fn(world) for name, fn in entry.targets[target].items()}
            with app.test_request_context():
                url = url_for(endpoint, **values)
            plan.append((entry.expected(role, target, method), role, target, method, url))
    # Refusals first (and check they changed nothing), then the allowed cells.
    plan.sort(key=lambda cell: cell[0] == "ok")
    before = snapshot()
    failures = []
    checked_snapshot = False
    for expected, role, target, method, url in plan:
        if expected == "ok" and not checked_snapshot:
            after = snapshot()
            changed = [t for t in before if before[t] != after.get(t)]
            assert not changed, f"{endpoint}: refused requests changed tables {changed}"
            checked_snapshot = True
        client = clients[role]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data=_post_data(entry, world, target))
        got = classify(response)
        if response.status_code >= 500:
            failures.append(f"{method} {url} as {role}/{target}: HTTP {response.status_code}")
        elif got != expected:
            failures.append(f"{method} {url} as {role}/{target}: expected {expected}, got {got} "
                            f"(HTTP {response.status_code} {response.headers.get('Location', '')})")
        if role != "anonymous" and endpoint not in CACHEABLE:
            if response.headers.get("Cache-Control") != "no-store":
                failures.append(f"{method} {url} as {role}: Cache-Control {response.headers.get('Cache-Control')}")
        response.close()
    if not checked_snapshot:
        after = snapshot()
        changed = [t for t in before if before[t] != after.get(t)]
        assert not changed, f"{endpoint}: refused requests changed tables {changed}"
    assert not failures, f"{endpoint}:\n  " + "\n  ".join(failures)


def test_refusals_are_audited(app, make_org, make_user, make_dossier):
    world = build_world(make_dossier, make_org, make_user, S.in_behandeling)
    client = logged_in_client(app, world.actors["candidate"])
    assert client.get(f"/beoordeling/dossier/{world.dossier('own')}").status_code == 404
    from integrity_tool.models import AuditEvent

    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == world.actors["candidate"].id))
    assert "toegang.geweigerd" in set(actions)


def _texts(response) -> str:
    """The response as text; an XLSX (zip) export as the text of all its parts."""
    import io
    import zipfile

    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    return data.decode("utf-8", "replace")


def test_questionnaire_of_one_organisation_is_invisible_to_another(app, make_org, make_user, make_dossier):
    """Issue 15: a questionnaire uploaded by organisation A appears on no page, in no export and in no
    CLI listing of organisation B (nor for the platform administrator); A's own people do see it."""
    import re

    from integrity_tool.services import org_questionnaires
    from tests.griffie.test_org_questionnaires import example_yaml

    world = build_world(make_dossier, make_org, make_user, S.afgerond)
    text = re.sub(r"^title: .*$", "title: Geheime vragenlijst van A", example_yaml(), count=1, flags=re.M)
    row, _created = org_questionnaires.upload(world.actors["admin"], text.replace(
        "id: voorbeeld-wethouder", "id: geheim-van-a").encode(), "geheim.yaml")
    org_questionnaires.activate(world.actors["admin"], row.public_id)
    markers = ("geheim-van-a", "Geheime vragenlijst van A", row.public_id)
    org_b = world.orgs["foreign"]
    b_people = {role: make_user(role, org_b) for role in ("admin", "griffier")}
    b_people["platform"] = world.actors["platform"]
    for role in ("candidate", "reviewer"):
        from integrity_tool.models import User
        b_people[role] = db.session.scalar(select(User).where(User.organisation_id == org_b.id, User.role == role))
    pages = sorted({rule.rule for rule, method in _rules(app) if method == "GET" and not rule.arguments})
    seen = 0
    for role, person in b_people.items():
        client = logged_in_client(app, person)
        for path in pages:
            response = client.get(path)
            assert response.status_code < 500, (role, path, response.status_code)
            if response.status_code == 200:
                seen += 1
                body = _texts(response)
                assert not [m for m in markers if m in body], f"{role} of B sees A's questionnaire on {path}"
            response.close()
    assert seen > 10
    # CLI listings: B's shows nothing of A's, A's does (so the check can fail)
    runner = app.test_cli_runner()
    listing_b = runner.invoke(args=["questionnaire", "list", "--org", org_b.slug])
    listing_a = runner.invoke(args=["questionnaire", "list", "--org", world.orgs["own"].slug])
    assert listing_b.exit_code == 0 and not [m for m in markers[:2] if m in listing_b.output]
    assert "geheim-van-a" in listing_a.output
    assert "geheim-van-a" not in runner.invoke(args=["questionnaire", "list"]).output
    # A's own griffier and administrator do see it
    assert "geheim-van-a" in logged_in_client(app, world.actors["griffier"]).get("/griffie/dossiers/nieuw").get_data(
        as_text=True)
    assert "Geheime vragenlijst van A" in logged_in_client(app, world.actors["admin"]).get(
        "/beheer/vragenlijsten").get_data(as_text=True)
