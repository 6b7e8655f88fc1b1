"""The one place that reads what a dossier's candidate submitted and how it was reviewed.

"Which questionnaire, which submission, which answers, which findings (as the reviewer decided
them) and which comments belong to this dossier" is answered here and nowhere else, so every
page, report and mail behaves the same when, say, a questionnaire version is missing:

- the questionnaire is ``Catalog.for_record`` (id + version, else content hash, else ``None``);
  ``require_questionnaire`` turns ``None`` into ``NotFound`` for pages that cannot do without;
- the submission is the latest one (highest ``number``);
- the answers are that submission's (``current_answers`` falls back to the working copy);
- the findings are the snapshot's own, recomputed from its answers only when it stored none;
- comments, clarification rounds and gesprekken are read here too (reports and pages share them).

Everything here only reads; state changes live in the use-case services (review, measures,
signoff ...). ``latest(dossier)`` gathers it all in one go for pages and reports.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..models import ClarificationRequest, Comment, Dossier, FindingDecision, Gesprek, Submission, db
from ..questionnaire import Questionnaire
from ..questionnaire import Level
from ..scoring import Finding, evaluate, localize_findings
from . import org_questionnaires
from .errors import NotFound

__all__ = [
    "QUESTIONNAIRE_MISSING", "ReviewedFinding", "Snapshot", "clarifications", "comments_by_target",
    "current_answers", "effective_counts", "gesprekken", "grouped_by_theme", "latest", "latest_submission",
    "open_clarifications", "questionnaire_for", "require_questionnaire", "reviewed_findings",
    "submission_answers", "submission_findings", "submissions",
]

QUESTIONNAIRE_MISSING = "De vragenlijst van dit dossier is niet (meer) beschikbaar."


# --- questionnaire --------------------------------------------------------------------------------

def questionnaire_for(record: Dossier | Submission) -> Questionnaire | None:
    """The questionnaire version ``record`` was answered on, or ``None`` (see ``Catalog.for_record``)."""
    return org_questionnaires.for_record(record)


def require_questionnaire(record: Dossier | Submission) -> Questionnaire:
    """``questionnaire_for`` for pages that cannot work without it.

    :raise NotFound: with a message the user can read, when no version matches.
    """
    questionnaire = questionnaire_for(record)
    if questionnaire is None:
        raise NotFound(QUESTIONNAIRE_MISSING)
    return questionnaire


# --- submissions and answers ----------------------------------------------------------------------

def submissions(dossier: Dossier) -> list[Submission]:
    """All submissions of the dossier, oldest first."""
    return list(db.session.scalars(
        select(Submission).where(Submission.dossier_id == dossier.id).order_by(Submission.number)))


def latest_submission(dossier: Dossier | None) -> Submission | None:
    if dossier is None:
        return None
    return db.session.scalar(select(Submission).where(Submission.dossier_id == dossier.id)
                             .order_by(Submission.number.desc()).limit(1))


def submission_answers(sub: Submission | None) -> dict:
    """The answers stored in a submission (``{}`` for none or a malformed payload)."""
    payload = (sub.payload if sub is not None else None) or {}
    answers = payload.get("answers") if isinstance(payload, dict) else None
    return answers if isinstance(answers, dict) else {}


def current_answers(dossier: Dossier) -> dict:
    """The answers the reviewer assesses: the latest submission's, else the working copy."""
    sub = latest_submission(dossier)
    payload = sub.payload if sub is not None else None
    if isinstance(payload, dict) and isinstance(payload.get("answers"), dict):
        return payload["answers"]
    return dossier.answers if isinstance(dossier.answers, dict) else {}


def submission_findings(sub: Submission | None, lang: str | None = None) -> list[Finding]:
    """Findings stored in the snapshot; recomputed from its answers when the snapshot has none.

    ``lang="en"``: their texts rendered in English from the questionnaire definition, by rule id and
    item (``scoring.localize_findings``); the stored Dutch snapshot itself never changes."""
    found = _stored_findings(sub)
    if lang and lang.startswith("en") and found:
        return localize_findings(questionnaire_for(sub), submission_answers(sub), found, lang)
    return found


def _stored_findings(sub: Submission | None) -> list[Finding]:
    if sub is None:
        return []
    payload = sub.payload or {}
    raw = payload.get("findings")
    if isinstance(raw, dict):  # a whole Result.to_dict()
        raw = raw.get("findings")
    if isinstance(raw, list):
        out = []
        for item in raw:
            try:
                out.append(Finding.from_dict(item))
            except (KeyError, TypeError, AttributeError):
                continue
        return out
    questionnaire = questionnaire_for(sub)
    if questionnaire is None:
        return []
    dossier = db.session.get(Dossier, sub.dossier_id)
    if dossier is None:
        return list(evaluate(questionnaire, submission_answers(sub)).findings)
    from .submission import evaluate_for  # with the organisation's profile and relations list

    return list(evaluate_for(dossier, questionnaire, submission_answers(sub)).findings)


# --- findings as reviewed -------------------------------------------------------------------------

@dataclass
class ReviewedFinding:
    """An engine finding with the reviewer's level decisions and comments on it."""

    finding: Finding
    decisions: list = field(default_factory=list)
    comments: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.finding.key

    @property
    def original_level(self) -> str:
        return self.finding.level

    @property
    def last_decision(self):
        return self.decisions[-1] if self.decisions else None

    @property
    def dismissed(self) -> bool:
        return self.last_decision is not None and self.last_decision.new_level is None

    @property
    def level(self) -> str | None:
        """The effective level: the reviewer's latest decision, else the engine's."""
        return self.last_decision.new_level if self.last_decision else self.finding.level

    @property
    def changed(self) -> bool:
        return self.last_decision is not None and self.level != self.original_level

    @property
    def sort_key(self) -> tuple:
        level = Level.of(self.level)
        return (len(Level) if self.dismissed else level.rank if level else 9, self.finding.theme, self.key)


def comments_by_target(dossier: Dossier) -> dict[str, list[Comment]]:
    """The reviewers' comments keyed by target (``question:<id>`` / ``finding:<key>``), oldest first."""
    out: dict[str, list[Comment]] = {}
    for c in db.session.scalars(select(Comment).where(Comment.dossier_id == dossier.id).order_by(Comment.id)):
        out.setdefault(c.target, []).append(c)
    return out


def reviewed_findings(dossier: Dossier, sub: Submission | None = None, *,
                      comments: dict[str, list[Comment]] | None = None,
                      lang: str | None = None) -> list[ReviewedFinding]:
    """The findings of ``sub`` (default: the latest submission) with decisions and comments, most
    severe first, their texts in ``lang``. Pass ``comments`` when already loaded to save a query."""
    sub = sub or latest_submission(dossier)
    decisions: dict[str, list] = {}
    for d in db.session.scalars(select(FindingDecision).where(FindingDecision.dossier_id == dossier.id)
                                .order_by(FindingDecision.id)):
        decisions.setdefault(d.finding_key, []).append(d)
    comments = comments if comments is not None else comments_by_target(dossier)
    items = [ReviewedFinding(f, decisions.get(f.key, []), comments.get(f"finding:{f.key}", []))
             for f in submission_findings(sub, lang)]
    return sorted(items, key=lambda r: r.sort_key)


def grouped_by_theme(items: list[ReviewedFinding], questionnaire=None) -> list[tuple[str, list[ReviewedFinding]]]:
    """Themes ordered by their most severe finding, then by questionnaire order."""
    order = {t.id: t.order for t in questionnaire.themes} if questionnaire else {}
    groups: dict[str, list[ReviewedFinding]] = {}
    for item in items:
        groups.setdefault(item.finding.theme, []).append(item)
    ranked = sorted(groups.items(), key=lambda kv: (min(i.sort_key[0] for i in kv[1]), order.get(kv[0], 999)))
    return [(kv[1][0].finding.theme_title or kv[0], kv[1]) for kv in ranked]


def effective_counts(items: list[ReviewedFinding]) -> dict[str, int]:
    """Findings per level after the reviewer's decisions (dismissed ones not counted)."""
    counts = {level: 0 for level in Level}
    for item in items:
        if not item.dismissed and item.level in counts:
            counts[item.level] += 1
    return counts


# --- everything at once ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """What the latest submission of a dossier holds, as the reviewer sees it now."""

    submission: Submission | None
    questionnaire: Questionnaire | None
    answers: dict
    findings: list[ReviewedFinding]
    comments: dict[str, list[Comment]]


def latest(dossier: Dossier, lang: str | None = None) -> Snapshot:
    """The latest submission, its questionnaire (submission's, else the dossier's), answers, findings
    as reviewed (texts in ``lang``) and the comments, each loaded once."""
    sub = latest_submission(dossier)
    comments = comments_by_target(dossier)
    return Snapshot(submission=sub, questionnaire=questionnaire_for(sub or dossier),
                    answers=submission_answers(sub),
                    findings=reviewed_findings(dossier, sub, comments=comments, lang=lang), comments=comments)


# --- clarification rounds and gesprekken ----------------------------------------------------------

def clarifications(dossier: Dossier) -> list[ClarificationRequest]:
    """Every question asked to the candidate, oldest first."""
    return list(db.session.scalars(select(ClarificationRequest).where(ClarificationRequest.dossier_id == dossier.id)
                                   .order_by(ClarificationRequest.id)))


def open_clarifications(dossier: Dossier) -> list[ClarificationRequest]:
    """Questions of the current round: asked after the latest submission."""
    sub = latest_submission(dossier)
    since = sub.created_at if sub is not None else None
    return [c for c in clarifications(dossier) if since is None or c.created_at >= since]


def gesprekken(dossier: Dossier) -> list[Gesprek]:
    """The recorded gesprekken, in the order they were held."""
    return list(db.session.scalars(select(Gesprek).where(Gesprek.dossier_id == dossier.id)
                                   .order_by(Gesprek.held_on, Gesprek.id)))
