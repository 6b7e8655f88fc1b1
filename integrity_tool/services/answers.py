"""The candidate's answers: save a section or a repeat item, with optimistic locking across requests.

Every form carries the dossier version it was rendered from. A save is one conditional
``UPDATE dossier ... WHERE version = :expected AND status IN (editable)``: if another tab or
device saved in the meantime, nothing is overwritten and ``Conflict`` is raised. Answers to
questions that became hidden are removed (``prune_hidden``). Audit rows name the section only,
never the content.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from .. import audit
from ..models import Dossier, User, db, utcnow
from ..questionnaire import (Question, Questionnaire, Section, missing_required, prune_hidden, section_complete,
                             visible_questions)
from ..textcheck import bounded_int, text_error
from . import workflow
from .errors import Conflict, InvalidInput, NotFound, StateError
from .snapshot import require_questionnaire

CONFLICT_MESSAGE = ("Uw antwoorden zijn niet opgeslagen: ze zijn intussen in een ander venster of op een ander "
                    "apparaat gewijzigd. Hieronder ziet u de nieuwste opgeslagen antwoorden. Uw eigen invoer staat "
                    "nog in het formulier. Controleer alles en klik opnieuw op opslaan om uw invoer te bewaren.")
NOT_EDITABLE_MESSAGE = "Dit dossier is ingediend of gesloten. U kunt de antwoorden niet meer wijzigen."


def candidate_questionnaire(dossier: Dossier) -> Questionnaire:
    """The dossier's questionnaire as the candidate fills it in: a question with
    ``options_from: portefeuilles`` offers the organisation's own portefeuilles (services/profile.py)."""
    return with_org_options(require_questionnaire(dossier), dossier.organisation)


_specialised: dict[tuple, Questionnaire] = {}


def with_org_options(questionnaire: Questionnaire, org) -> Questionnaire:
    """The questionnaire with the organisation's portefeuilles as options (cached per list)."""
    from ..questionnaire import Option
    from ..questionnaire.facts import PORTFOLIO_UNKNOWN
    from . import profile

    path = questionnaire.fact_path("portfolio")
    question = questionnaire.question(path) if path else None
    if question is None or question.options_from != "portefeuilles" or org is None:
        return questionnaire
    choices = tuple(profile.portfolio_choices(org))
    if not choices:
        return questionnaire  # no list yet: the policy domains are offered
    key = (id(questionnaire), questionnaire.content_hash, choices)
    if key not in _specialised:
        if len(_specialised) > 256:
            _specialised.clear()
        _specialised[key] = questionnaire.with_options(
            path, tuple(Option(v, label) for v, label in choices) + (Option(*PORTFOLIO_UNKNOWN),))
    return _specialised[key]


def section(questionnaire: Questionnaire, section_id: str) -> Section:
    for s in questionnaire.sections:
        if s.id == section_id:
            return s
    raise NotFound()


def section_of(questionnaire: Questionnaire, question_id: str) -> Section | None:
    top = question_id.split(".", 1)[0]
    for s in questionnaire.sections:
        if any(q.id == top for q in s.questions):
            return s
    return None


def repeat_question(questionnaire: Questionnaire, section_id: str, repeat_id: str) -> Question:
    for q in section(questionnaire, section_id).questions:
        if q.id == repeat_id and q.type == "repeat":
            return q
    raise NotFound()


def is_editable(dossier: Dossier) -> bool:
    return dossier.status in workflow.EDITABLE_BY_CANDIDATE


def ensure_editable(candidate: User, dossier: Dossier) -> None:
    if dossier.candidate_id != candidate.id or dossier.organisation_id != candidate.organisation_id:
        raise NotFound()
    if not is_editable(dossier):
        raise StateError(NOT_EDITABLE_MESSAGE)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    complete: dict[str, bool]

    @property
    def all_done(self) -> bool:
        return self.total > 0 and self.done == self.total


def progress(questionnaire: Questionnaire, answers: dict | None) -> Progress:
    answers = answers or {}
    complete = {s.id: section_complete(questionnaire, s, answers) for s in questionnaire.sections}
    return Progress(sum(complete.values()), len(complete), complete)


def incomplete_sections(questionnaire: Questionnaire, answers: dict | None) -> list[tuple[Section, list[str]]]:
    answers = answers or {}
    out = []
    for s in questionnaire.sections:
        missing = missing_required(questionnaire, s, answers)
        if missing:
            out.append((s, missing))
    return out


# --- writing ------------------------------------------------------------------------------------

def _write(candidate: User, dossier: Dossier, answers: dict, expected_version: int | str | None, *,
           section_id: str, ip: str | None, questionnaire: Questionnaire | None = None, **detail) -> dict:
    """Prune, compute progress and store atomically if the version is still the expected one.

    Returns the answers as stored (hidden ones pruned).
    """
    ensure_editable(candidate, dossier)
    expected = bounded_int(expected_version)
    if expected is None:  # missing, text or out of range (a tampered form): stale, never a database error
        raise Conflict(CONFLICT_MESSAGE)
    questionnaire = questionnaire or candidate_questionnaire(dossier)
    pruned = prune_hidden(questionnaire, answers)
    prog = progress(questionnaire, pruned)
    result = db.session.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id, Dossier.version == expected,
               Dossier.status.in_(workflow.EDITABLE_BY_CANDIDATE))
        .values(answers=pruned, version=Dossier.version + 1, progress_done=prog.done,
                progress_total=prog.total, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(dossier)
        if not is_editable(dossier):
            raise StateError(NOT_EDITABLE_MESSAGE)
        raise Conflict(CONFLICT_MESSAGE)
    audit.record("antwoorden.opgeslagen", actor=candidate, dossier=dossier, ip=ip, onderdeel=section_id, **detail)
    db.session.commit()  # expires ``dossier``: it reloads (once) only if the caller reads it again
    return pruned


def _refuse_control_chars(value) -> None:
    """Every stored answer text passes the one check in ``textcheck`` (the forms check it too)."""
    if isinstance(value, str):
        message = text_error(value)
        if message:
            raise InvalidInput(message)
    elif isinstance(value, dict):
        for item in value.values():
            _refuse_control_chars(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_control_chars(item)


def with_page(section: Section, stored: dict | None, values: dict) -> dict:
    """The answers as they would be with this page's ``values``: its non-repeat questions take the
    page's value (left empty = no answer); repeats are edited item by item and keep theirs."""
    answers = dict(stored or {})
    for q in section.questions:
        if q.type == "repeat":
            if q.id in values:
                answers[q.id] = values[q.id]
            continue
        if values.get(q.id) is None:
            answers.pop(q.id, None)
        else:
            answers[q.id] = values[q.id]
    return answers


def visible_ids(questionnaire: Questionnaire, section: Section, answers: dict | None) -> frozenset[str]:
    """Ids of the section's questions shown with these answers: the one visibility decision of a page."""
    return frozenset(q.id for q in visible_questions(questionnaire, section, answers or {}))


@dataclass(frozen=True)
class SaveOutcome:
    """What a section save leaves the candidate with: the view turns it into a redirect or a page."""

    missing: tuple[str, ...]  # required answers still missing on the page ("repeat.sub" for an item)
    next_section_id: str | None  # the section after this one; None after the last (go to review)
    visible: frozenset[str]  # the page's questions shown with the saved answers
    version: int  # the dossier version now stored


def save_section(candidate: User, dossier: Dossier, section_id: str, values: dict, expected_version,
                 *, ip: str | None = None, questionnaire: Questionnaire | None = None) -> SaveOutcome:
    """Store the answers of one section page.

    ``values`` holds the (already validated) answers of the questions that were on the page,
    keyed by question id. Questions of the section missing from ``values`` keep no answer unless
    they are repeats (those are edited item by item). Hidden answers are pruned. Pass
    ``questionnaire`` when the caller already resolved it (``candidate_questionnaire``).
    """
    _refuse_control_chars(values)
    questionnaire = questionnaire or candidate_questionnaire(dossier)
    target = section(questionnaire, section_id)
    stored = _write(candidate, dossier, with_page(target, dossier.answers, values), expected_version,
                    section_id=section_id, ip=ip, questionnaire=questionnaire)
    ids = [s.id for s in questionnaire.sections]
    position = ids.index(target.id)
    return SaveOutcome(missing=tuple(missing_required(questionnaire, target, stored)),
                       next_section_id=ids[position + 1] if position + 1 < len(ids) else None,
                       visible=visible_ids(questionnaire, target, stored), version=bounded_int(expected_version) + 1)


def _items(dossier: Dossier, repeat: Question) -> list[dict]:
    items = (dossier.answers or {}).get(repeat.id)
    return [dict(i) for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def save_item(candidate: User, dossier: Dossier, section_id: str, repeat_id: str, index: int | None,
              item: dict, expected_version, *, ip: str | None = None) -> int:
    """Add (``index=None``) or replace one item of a repeat question; returns the item's index."""
    _refuse_control_chars(item)
    questionnaire = candidate_questionnaire(dossier)
    repeat = repeat_question(questionnaire, section_id, repeat_id)
    items = _items(dossier, repeat)
    clean = {k: v for k, v in item.items() if repeat.sub(k) is not None and v is not None}
    if index is None:
        if repeat.max_items is not None and len(items) >= repeat.max_items:
            raise InvalidInput("U kunt hoogstens %(count)s invullen.", count=repeat.max_items)
        items.append(clean)
        index = len(items) - 1
    else:
        if not 0 <= index < len(items):
            raise Conflict(CONFLICT_MESSAGE)
        items[index] = clean
    answers = dict(dossier.answers or {})
    answers[repeat.id] = items
    _write(candidate, dossier, answers, expected_version, section_id=section_id, ip=ip, lijst=repeat.id)
    return index


def remove_item(candidate: User, dossier: Dossier, section_id: str, repeat_id: str, index: int,
                expected_version, *, ip: str | None = None) -> None:
    questionnaire = candidate_questionnaire(dossier)
    repeat = repeat_question(questionnaire, section_id, repeat_id)
    items = _items(dossier, repeat)
    if not 0 <= index < len(items):
        raise Conflict(CONFLICT_MESSAGE)
    del items[index]
    answers = dict(dossier.answers or {})
    answers[repeat.id] = items
    _write(candidate, dossier, answers, expected_version, section_id=section_id, ip=ip, lijst=repeat.id,
           verwijderd=True)
