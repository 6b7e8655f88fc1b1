"""The one way to build dossiers in tests: through the real services, as the app does.

A dossier reaches a status by the calls its users make in production, in this order:

    griffier   invite the candidate            invitations.invite_candidate  -> concept
    candidate  activate the account            activation.complete (password, TOTP, privacy)
    candidate  save every section              answers.save_section          (progress, pruning)
    candidate  submit                          submission.submit             -> ingediend (findings counted)
    reviewer   open the dossier                review.open_dossier           -> in_behandeling
    reviewer   ask for clarification           review.request_clarification  -> terug_naar_kandidaat
    reviewer   decide blocking findings, hold the gesprek, propose two measures and put them to the
               candidate                       measures.send_to_candidate    -> maatregelen_voorgesteld
    candidate  accept the measures             measures.respond
    reviewer   conclude and sign off (TOTP)    signoff.sign_off              -> afgerond (both reports signed)
    candidate  withdraw                        submission.withdraw           -> ingetrokken
    griffier   record the appointment          rounds.record_appointment     (result, decided)

So a test never writes a status, a submission or a finding count by hand, and a changed service
changes every test's dossiers with it. The fixtures (``org``, ``griffier``, ``reviewer``,
``make_dossier``) live in tests/conftest.py; the helpers here are plain functions for tests that
take a dossier further step by step (``advance``), save particular answers (``save_answers``) or
need a fresh TOTP code (``fresh_code``).

Answers: ``example_answers()`` is a complete, valid set for a questionnaire (computed once per
questionnaire version, a copy each call). Answers passed to ``make_dossier`` are what the test cares
about; to submit, the factory completes them with example values for required questions left
open (``complete_answers``), so a test states only its own facts.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import pyotp
from sqlalchemy import text

from integrity_tool.models import DossierStatus, Dossier, Organisation, User, db
from integrity_tool.questionnaire import Questionnaire, default_catalog, examples, is_visible, missing_required
from integrity_tool.questionnaire.values import parse_amount, parse_date
from integrity_tool.services import (activation, invitations, measures, org_questionnaires, review, rounds, security,
                                     signoff, snapshot, submission)
from integrity_tool.services import answers as answers_service

__all__ = ["CONCLUSION", "DEFAULT", "JUSTIFICATION", "MENTIONABLE_TITLE", "PRIVATE_TITLE", "QID", "TEST_PASSWORD",
           "DossierFactory", "World", "advance", "build_dossier", "complete_answers", "example_answers", "fresh_code",
           "record_result", "save_answers", "submit_answers"]

TEST_PASSWORD = "correct paard batterij nietje"
QID = "kandidaat-wethouder"
S = DossierStatus
DEFAULT = object()  # make_dossier(reviewer=DEFAULT): the organisation's reviewer

# The example candidate: eligible, with a few nevenfuncties (yes/no questions not listed answer "nee").
YES = {"ingezetene", "kiesgerechtigd", "vog_aangevraagd", "cv_juist", "heeft_nevenfuncties", "kent_gedragscode",
       "verklaring_waarheid", "toestemming_privacy", "betaald", "behouden"}
NEVENFUNCTIES = [
    {"omschrijving": "Voorzitter", "organisatie": "Sportclub De Bal", "kvk": "12345678", "betaald": "nee",
     "qq": "nee", "relatie_overheid": ["geen"], "behouden": "ja", "uren_per_maand": "4"},
    {"omschrijving": "Bestuurslid", "organisatie": "Stichting Buurtzorg Zuid", "betaald": "ja",
     "bedrag_per_jaar": "1.250,50", "qq": "nee", "relatie_overheid": ["subsidie"], "behouden": "nee"},
    {"omschrijving": "Adviseur", "organisatie": "Coöperatie Groen & Co", "kvk": "87654321", "betaald": "ja",
     "bedrag_per_jaar": "300", "qq": "ja", "relatie_overheid": ["geen"], "behouden": "ja",
     "uren_per_maand": "2"},
]

# What the reviewer writes on the way to sign-off (tests look for these texts in pages and reports).
JUSTIFICATION = "Leveringen worden voor de installatie beëindigd."
GESPREK = ("Burgemeester en kandidaat", "Goed gesprek.")
MENTIONABLE_TITLE = "Nevenfunctie bij Stichting Dorpshuis neerleggen"
PRIVATE_TITLE = "Vertrouwelijke afspraak over familiezaken"
CONCLUSION = "De risico's zijn beheersbaar met de gemaakte afspraken; benoeming is verantwoord."
CLARIFICATION = "Kunt u dit toelichten?"

_emails = itertools.count(1)


# --- answers ------------------------------------------------------------------------------------

def questionnaire(questionnaire_id: str = QID, version: str | None = None) -> Questionnaire:
    """A shipped questionnaire (no app needed; the app's catalogue holds the same files)."""
    catalog = default_catalog()
    return catalog.get(questionnaire_id, version) if version else catalog.get(questionnaire_id)


# Completing a test's own answers: eligible and consenting, but no nevenfuncties of its own making.
COMPLETION_YES = YES - {"heeft_nevenfuncties"}


def form_value(q, overrides: dict | None = None, *, yes=YES):
    """A valid typed value for a question, as the browser would post it (the example candidate's)."""
    return examples.form_value(q, yes=yes, overrides=overrides)


def to_stored(q, value):
    """The stored form of a posted value (what the forms hand to ``save_section``)."""
    if q.type == "yesno":
        return value == "ja"
    if q.type == "money":
        return f"{parse_amount(value):.2f}"
    if q.type == "date":
        return parse_date(value).isoformat()
    if q.type == "number":
        return int(value)
    return value


def _example_answers(qn: Questionnaire, items: list | None) -> dict:
    answers: dict = {}
    for section in qn.sections:
        for q in section.questions:
            if not is_visible(qn, q, answers):
                continue
            if q.type == "repeat":
                source = items if (items is not None and q.id == "nevenfuncties") else [{}]
                stored_items = []
                for raw in source:
                    item: dict = {}
                    for sub in q.questions:
                        if is_visible(qn, sub, answers, item=item):
                            item[sub.id] = to_stored(sub, raw.get(sub.id, form_value(sub)))
                    stored_items.append(item)
                answers[q.id] = stored_items
            else:
                answers[q.id] = to_stored(q, form_value(q))
    return answers


@lru_cache(maxsize=32)
def _cached_examples(questionnaire_id: str, version: str, content_hash: str) -> dict:
    return _example_answers(questionnaire(questionnaire_id, version), NEVENFUNCTIES)


def example_answers(questionnaire_id: str = QID, *, items: list | None = None, qn: Questionnaire | None = None) -> dict:
    """A complete, valid set of stored answers (the example candidate, three nevenfuncties).

    Computed once per questionnaire version; every call returns a fresh copy. ``items`` replaces the
    nevenfuncties (posted form values, completed with example values)."""
    qn = qn or questionnaire(questionnaire_id)
    if items is not None:
        return _example_answers(qn, items)
    return copy.deepcopy(_cached_examples(qn.id, qn.version, qn.content_hash))


def complete_answers(qn: Questionnaire, given: dict) -> dict:
    """``given`` plus the example candidate's answer to every visible question left open (a repeat
    only when required, its items' required fields only; no optional KvK numbers): just enough to
    submit, without facts a test did not ask for."""
    answers = copy.deepcopy(given)
    for _ in range(10):  # an answer may reveal further questions
        added = False
        for section in qn.sections:
            for q in section.questions:
                if q.id in answers or q.type == "repeat" or (q.type == "kvk" and not q.required) \
                        or not is_visible(qn, q, answers):
                    continue
                answers[q.id] = to_stored(q, form_value(q, yes=COMPLETION_YES))
                added = True
            for key in missing_required(qn, section, answers):
                repeat_id, _, sub_id = key.partition(".")
                q = qn.question(repeat_id)
                if sub_id:
                    sub = q.sub(sub_id)
                    for item in answers.get(repeat_id) or []:
                        if isinstance(item, dict) and item.get(sub_id) in (None, "", []):
                            item[sub_id] = to_stored(sub, form_value(sub, yes=COMPLETION_YES))
                elif q.type == "repeat":
                    answers[q.id] = (answers.get(q.id) or []) + [
                        {sub.id: to_stored(sub, form_value(sub, yes=COMPLETION_YES)) for sub in q.questions if sub.required}]
                added = True
        if not added:
            return answers
    raise AssertionError(f"could not complete the answers of {qn.id}")


def save_answers(dossier: Dossier, answers: dict) -> Dossier:
    """The candidate saves every section, in order, with these answers (``answers.save_section``)."""
    qn = answers_service.candidate_questionnaire(dossier)
    candidate, version = dossier.candidate, dossier.version
    for section in qn.sections:
        values = {q.id: answers[q.id] for q in section.questions if q.id in answers}
        version = answers_service.save_section(candidate, dossier, section.id, values, version,
                                               questionnaire=qn).version
    return dossier


def submit_answers(dossier: Dossier, answers: dict | None = None):
    """Save ``answers`` (completed to submittable; the example set if None) and submit. Returns the
    Submission. Also a resubmission after a clarification request."""
    qn = answers_service.candidate_questionnaire(dossier)
    save_answers(dossier, example_answers(qn=qn) if answers is None else complete_answers(qn, answers))
    return submission.submit(dossier.candidate, dossier, dossier.candidate.name, ip=None)


def fresh_code(user: User) -> str:
    """A TOTP code that has not been used yet (tests log in and sign off within one 30 s step)."""
    db.session.execute(text("UPDATE user_account SET totp_last_step = 0 WHERE id = :id"), {"id": user.id})
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()


# --- dossiers -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _password_hash() -> str:
    """The argon2 hash of TEST_PASSWORD, computed once (each hash costs as much as a log-in)."""
    return security.hash_password(TEST_PASSWORD)


def build_dossier(griffier: User, *, reviewer: User | None, name: str = "Anna de Vries",
                  email: str | None = None, deadline: date | None = None, round_id: int | None = None,
                  function_title: str = "Wethouder", portfolio: str | None = "Financiën",
                  questionnaire_id: str | None = None, activate: bool = True) -> Dossier:
    """The griffier invites a candidate; the candidate activates the account (password
    ``TEST_PASSWORD``, a TOTP secret, the privacy statement). A concept dossier without answers."""
    org = griffier.organisation
    qid = questionnaire_id or org_questionnaires.shipped_for(org)[0].id
    past_deadline = deadline if deadline is not None and deadline < date.today() else None
    dossier = invitations.invite_candidate(
        griffier, name=name, email=email or f"kandidaat{next(_emails)}@example.nl", function_title=function_title,
        portfolio=portfolio, questionnaire_id=qid, reviewer_id=reviewer.id if reviewer else None,
        deadline=None if past_deadline else deadline, round_id=round_id)
    if past_deadline:  # time has passed since the invitation (no service sets a deadline in the past)
        dossier.deadline = past_deadline
        db.session.commit()
    if activate:
        candidate = dossier.candidate
        invitation = invitations._open_invitation(candidate)
        activation.complete(invitation.id, password_hash=_password_hash(), mfa_method="totp",
                            totp_secret=security.new_totp_secret(), privacy_version=activation.privacy_version(),
                            ip=None)
    return dossier


def _decide_blocking(reviewer: User, dossier: Dossier) -> None:
    for item in signoff.unresolved_blocking(dossier):
        review.decide_finding(reviewer, dossier, item.key, "hoog", JUSTIFICATION)


def _propose_measures(reviewer: User, dossier: Dossier, due: date | None) -> None:
    due = due or date.today() + timedelta(days=30)
    known = {f.key for f in snapshot.submission_findings(snapshot.latest_submission(dossier))}
    keys = [k for k in ("nevenfunctie_relatie:0",) if k in known]
    measures.propose_measure(reviewer, dossier, title=MENTIONABLE_TITLE, description="Voor de installatie.",
                             owner="candidate", due_date=due, finding_keys=keys, mentionable=True,
                             catalogue_id="nevenfunctie_neerleggen")
    measures.propose_measure(reviewer, dossier, title=PRIVATE_TITLE, description="Niet openbaar.",
                             owner="griffier", due_date=due, mentionable=False)
    measures.send_to_candidate(reviewer, dossier)


def advance(dossier: Dossier, status: DossierStatus | str, *, reviewer: User | None = None,
            answers: dict | None = None, due: date | None = None) -> Dossier:
    """Take a dossier forward to ``status`` through the services (see the module docstring).

    ``answers`` are submitted if the dossier is still a concept; ``due`` is the measures' due date
    (default: in 30 days); ``reviewer`` defaults to the dossier's own."""
    target = DossierStatus(status)
    reviewer = reviewer or dossier.reviewer
    if target == S.concept:
        if answers is not None:
            save_answers(dossier, answers)
        return dossier
    if target == S.ingetrokken:
        if answers is not None and dossier.status == S.concept:
            save_answers(dossier, answers)
        submission.withdraw(dossier.candidate, dossier, ip=None)
        return dossier
    if dossier.status in (S.concept, S.terug_naar_kandidaat):
        submit_answers(dossier, answers)
    if target == S.ingediend:
        return dossier
    assert reviewer is not None, f"a dossier reaches {target.value} only with a reviewer"
    if dossier.status == S.ingediend:
        review.open_dossier(reviewer, dossier.public_id)
    if target == S.in_behandeling:
        return dossier
    if target == S.terug_naar_kandidaat:
        review.request_clarification(reviewer, dossier, [CLARIFICATION])
        return dossier
    if dossier.status == S.in_behandeling:
        _decide_blocking(reviewer, dossier)
        review.record_gesprek(reviewer, dossier, date.today(), *GESPREK)
        _propose_measures(reviewer, dossier, due)
    if target == S.maatregelen_voorgesteld:
        return dossier
    for m in measures.measures_of(dossier):
        measures.respond(dossier.candidate, m.public_id, accept=True)
    signoff.save_conclusion(reviewer, dossier, "beheersbaar_met_afspraken", CONCLUSION)
    signoff.sign_off(reviewer, dossier, fresh_code(reviewer), expected_version=dossier.version)
    db.session.refresh(dossier)
    assert dossier.status == target, (dossier.status, target)
    return dossier


def record_result(griffier: User, dossier: Dossier, result, decided: date | None = None) -> Dossier:
    """The griffier records the appointment decision (``rounds.record_appointment``)."""
    value = getattr(result, "value", result)
    return rounds.record_appointment(griffier, dossier, value, decided or date.today())


@dataclass
class World:
    """A dossier with the people around it (``make_dossier.world(...)``)."""

    org: Organisation
    griffier: User
    reviewer: User | None
    candidate: User
    dossier: Dossier


class DossierFactory:
    """``make_dossier(status="concept", *, answers=None, org=None, reviewer=DEFAULT, result=None,
    decided=None, name=..., deadline=..., round_id=..., function_title=..., portfolio=...,
    questionnaire_id=..., due=None)``: a dossier of a new candidate, in ``status``, built through the
    services. ``org`` defaults to the ``org`` fixture (another organisation gets its own griffier);
    ``reviewer`` to that organisation's reviewer (the fixture in ``org``; None: unassigned)."""

    def __init__(self, org: Organisation, griffier: User, reviewer: User, make_user):
        self.org, self._make_user = org, make_user
        self._griffiers = {org.id: griffier}
        self._reviewers = {org.id: reviewer}

    def griffier_of(self, org: Organisation) -> User:
        if org.id not in self._griffiers:
            self._griffiers[org.id] = self._make_user("griffier", org)
        return self._griffiers[org.id]

    def reviewer_of(self, org: Organisation) -> User:
        if org.id not in self._reviewers:
            self._reviewers[org.id] = self._make_user("reviewer", org)
        return self._reviewers[org.id]

    def __call__(self, status: DossierStatus | str = "concept", *, answers: dict | None = None,
                 org: Organisation | None = None, reviewer=DEFAULT, result=None, decided: date | None = None,
                 due: date | None = None, **details) -> Dossier:
        org = org or self.org
        griffier = self.griffier_of(org)
        if reviewer is DEFAULT:
            reviewer = self.reviewer_of(org)
        target = DossierStatus(status)
        if reviewer is None and target not in (S.concept, S.ingediend, S.ingetrokken):
            reviewer = self.reviewer_of(org)  # review needs a reviewer; the dossier gets it when opened
        dossier = build_dossier(griffier, reviewer=reviewer, **details)
        advance(dossier, target, reviewer=reviewer, answers=answers, due=due)
        if result is not None:
            record_result(griffier, dossier, result, decided)
        return dossier

    def world(self, status: DossierStatus | str = "ingediend", **kwargs) -> World:
        """``make_dossier(status, **kwargs)`` with its organisation, griffier, reviewer and candidate."""
        dossier = self(status, **kwargs)
        org = dossier.organisation
        return World(org=org, griffier=self.griffier_of(org), reviewer=dossier.reviewer or self.reviewer_of(org),
                     candidate=dossier.candidate, dossier=dossier)
