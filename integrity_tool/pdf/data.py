"""View-model for the PDF renderer.

Built by the services layer from the signed-off snapshot. Frozen dataclasses with tuples so a
ReportData is hashable-ish, immutable and safe to render twice with identical results.
Every string here is *user text* (or at least untrusted): the renderer escapes all of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Mapping

ORGANISATION_KINDS = ("gemeente", "provincie", "waterschap", "kabinetsformatie")


@dataclass(frozen=True)
class CommentView:
    author: str
    at: datetime | None
    target_label: str
    body: str


@dataclass(frozen=True)
class FindingView:
    theme_title: str
    level: str  # "blokkerend" | "hoog" | "aandachtspunt" (other values render neutral)
    explanation: str = ""
    legal: str = ""
    original_level: str | None = None
    level_justification: str | None = None
    dismissed: bool = False
    answers: tuple[tuple[str, str], ...] = ()
    comments: tuple[CommentView, ...] = ()
    details: tuple[str, ...] = ()  # merged findings on the same fact
    contradictions: tuple[tuple[str, str, str], ...] = ()  # (question, the candidate's answer, the fact)


@dataclass(frozen=True)
class MeasureView:
    title: str
    description: str = ""
    owner_label: str = ""
    due_date: date | None = None
    mentionable: bool = False
    status_label: str = ""
    accepted_at: datetime | None = None
    subject: str = ""  # what the measure is about ("Betreft: ...")


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str


@dataclass(frozen=True)
class RepeatTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SectionView:
    title: str
    rows: tuple[AnswerRow, ...] = ()
    repeats: tuple[RepeatTable, ...] = ()


@dataclass(frozen=True)
class ClarificationView:
    asked_at: datetime | None
    question: str
    answered_at: datetime | None = None
    answer: str = ""


@dataclass(frozen=True)
class ReportData:
    document_number: str
    organisation_name: str
    organisation_kind: str
    labels: Mapping[str, str]  # reviewer_title, body, summary_title
    candidate_name: str
    function_title: str
    portfolio: str
    questionnaire_title: str
    questionnaire_version: str
    questionnaire_hash: str
    submitted_at: datetime | None
    gesprek_at: date | None
    signed_off_at: datetime | None
    reviewer_name: str
    outcome: str
    outcome_label: str
    conclusion: str
    findings: tuple[FindingView, ...] = ()
    measures: tuple[MeasureView, ...] = ()
    sections: tuple[SectionView, ...] = ()
    clarifications: tuple[ClarificationView, ...] = ()
    comments: tuple[CommentView, ...] = ()
    declaration_name: str = ""
    declaration_at: datetime | None = None
    gesprek_participants: str = ""
    gesprek_notes: str = ""
    public_nevenfuncties: tuple[tuple[str, ...], ...] = ()
    public_nevenfunctie_headers: tuple[str, ...] = ("Functie", "Organisatie", "Bezoldigd")
    verify_url: str = ""
    language: str = "nl"

    def label(self, key: str, default: str = "") -> str:
        return str(self.labels.get(key, default)) if self.labels else default


__all__ = [
    "AnswerRow", "ClarificationView", "CommentView", "FindingView", "MeasureView",
    "RepeatTable", "ReportData", "SectionView", "ORGANISATION_KINDS",
]
