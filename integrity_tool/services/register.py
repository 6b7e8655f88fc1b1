"""The public register of nevenfuncties (Gemeentewet art. 41b, Provinciewet art. 40b, ...).

Only sitting bestuurders (appointment result 'benoemd', signed off, term not ended) appear, and of
their nevenfuncties only the fields marked ``public: true`` in the questionnaire version they
answered. A later signed-off herbevestiging replaces the original declaration. Nothing of
candidates who were not appointed or withdrew ever reaches this module's output.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from ..models import AppointmentResult, Dossier, Organisation, Round, Submission, Term, User, db, utcnow
from ..questionnaire import display_value, prune_hidden
from . import snapshot, terms
from .errors import NotFound

# The repeat marked ``fact: position``; a nevenfunctie the bestuurder lays down before installation
# (``fact: position.keep`` answered "nee") is not held in office: not listed.
REPEAT_FACT, KEEP_FACT = "position", "position.keep"


@dataclass
class Column:
    id: str
    label: str


@dataclass
class Entry:
    name: str
    function_title: str
    portfolio: str | None
    appointed_on: date | None
    round_name: str | None
    nevenfuncties: list[dict[str, Any]] = field(default_factory=list)   # raw public values
    display: list[dict[str, str]] = field(default_factory=list)          # the same, for people
    available: bool = True


@dataclass
class Register:
    organisation: Organisation
    columns: list[Column]
    entries: list[Entry]
    generated_at: datetime


def organisation_by_slug(slug: str) -> Organisation:
    if not slug or len(slug) > 80:
        raise NotFound()
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound()
    return org


def _latest_declarations(ids: list[int]) -> dict[int, int]:
    """Appointed dossier id -> the dossier whose declaration counts (latest signed herbevestiging)."""
    current = {i: i for i in ids}
    frontier = dict(current)  # dossier id -> root appointed id
    for _ in range(20):  # herbevestigingen chain; bounded
        if not frontier:
            break
        rows = db.session.execute(
            select(Dossier.id, Dossier.previous_id).where(Dossier.previous_id.in_(list(frontier)),
                                                          Dossier.signed_off_at.is_not(None))
            .order_by(Dossier.signed_off_at)).all()
        nxt = {}
        for child, parent in rows:
            root = frontier[parent]
            current[root] = child
            nxt[child] = root
        frontier = nxt
    return current


def _submissions(ids: list[int]) -> dict[int, Submission]:
    latest = select(func.max(Submission.id)).where(Submission.dossier_id.in_(ids)).group_by(Submission.dossier_id)
    return {s.dossier_id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_(latest)))}


def _items(submission: Submission | None):
    """(questionnaire repeat question, list of item dicts) or None when it cannot be read."""
    if submission is None:
        return None
    questionnaire = snapshot.questionnaire_for(submission)
    if questionnaire is None:
        return None
    try:
        repeat = questionnaire.fact_question(REPEAT_FACT)
    except KeyError:
        return None
    if repeat is None:
        return None
    keep_path = questionnaire.fact_path(KEEP_FACT) or ""
    keep_field = keep_path.rpartition(".")[2] if keep_path.startswith(repeat.id + ".") else None
    payload = submission.payload or {}
    answers = payload.get("answers") if isinstance(payload, dict) else None
    if not isinstance(answers, dict):
        return None
    # A purged snapshot holds only public fields already; its visibility conditions are gone.
    if not payload.get("purged"):
        answers = prune_hidden(questionnaire, answers)
    items = answers.get(repeat.id)
    items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    return repeat, [i for i in items if keep_field is None or i.get(keep_field) is not False]


def build_register(org: Organisation) -> Register:
    rows = db.session.execute(
        select(Dossier.id, User.name, Dossier.function_title, Dossier.portfolio, Dossier.appointment_decided_at,
               Round.name)
        .join(User, User.id == Dossier.candidate_id).outerjoin(Round, Round.id == Dossier.round_id)
        .outerjoin(Term, Term.id == Dossier.term_id)
        .where(Dossier.organisation_id == org.id, Dossier.appointment_result == AppointmentResult.benoemd,
               Dossier.signed_off_at.is_not(None),
               or_(Dossier.term_id.is_(None), terms.sitting_clause(date.today())))
        .order_by(User.name)
    ).all()
    declaration = _latest_declarations([r.id for r in rows])
    submissions = _submissions(list(set(declaration.values())))
    columns: dict[str, Column] = {}
    entries = []
    for r in rows:
        entry = Entry(r.name, r.function_title, r.portfolio, r.appointment_decided_at, r[5])
        found = _items(submissions.get(declaration[r.id]))
        if found is None:
            entry.available = False
        else:
            repeat, items = found
            public = [q for q in repeat.questions if q.public]
            for q in public:
                columns.setdefault(q.id, Column(q.id, q.label))
            for item in items:
                raw = {q.id: item.get(q.id) for q in public if item.get(q.id) not in (None, "")}
                if raw:
                    entry.nevenfuncties.append(raw)
                    entry.display.append({k: display_value(repeat.sub(k), v) for k, v in raw.items()})
        entries.append(entry)
    return Register(org, list(columns.values()), entries, utcnow())


def register_json(register: Register) -> dict:
    return {
        "organisatie": register.organisation.name,
        "bijgewerkt": register.generated_at.isoformat(timespec="seconds") + "Z",
        "velden": {c.id: c.label for c in register.columns},
        "bestuurders": [
            {"naam": e.name, "functie": e.function_title, "portefeuille": e.portfolio,
             "benoemd_op": e.appointed_on.isoformat() if e.appointed_on else None,
             "gegevens_beschikbaar": e.available, "nevenfuncties": e.nevenfuncties}
            for e in register.entries
        ],
    }


def register_csv_rows(register: Register) -> list[list[str]]:
    """One row per nevenfunctie; a bestuurder without nevenfuncties gets one row with empty fields."""
    header = ["Naam", "Functie", "Portefeuille", "Benoemd op"] + [c.label for c in register.columns]
    out = [header]
    for e in register.entries:
        base = [e.name, e.function_title, e.portfolio or "", e.appointed_on.isoformat() if e.appointed_on else ""]
        for item in e.display or [{}]:
            out.append(base + [item.get(c.id, "") for c in register.columns])
    return out
