"""A candidate's risicoanalyse (dossier) and its immutable submissions."""
import enum
from datetime import date, datetime
from typing import Mapping, NamedTuple

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..questionnaire.schema import Level
from .base import db, new_public_id, utcnow
from .organisation import Organisation, Round
from .types import EncryptedJSON, EncryptedText
from .user import User


class DossierStatus(str, enum.Enum):
    concept = "concept"
    ingediend = "ingediend"
    in_behandeling = "in_behandeling"
    terug_naar_kandidaat = "terug_naar_kandidaat"
    maatregelen_voorgesteld = "maatregelen_voorgesteld"
    afgerond = "afgerond"
    ingetrokken = "ingetrokken"


STATUS_LABELS = {
    DossierStatus.concept: "Wordt ingevuld",
    DossierStatus.ingediend: "Ingediend",
    DossierStatus.in_behandeling: "In behandeling",
    DossierStatus.terug_naar_kandidaat: "Terug naar kandidaat",
    DossierStatus.maatregelen_voorgesteld: "Maatregelen voorgesteld",
    DossierStatus.afgerond: "Afgerond",
    DossierStatus.ingetrokken: "Ingetrokken",
}


class AppointmentResult(str, enum.Enum):
    benoemd = "benoemd"
    niet_benoemd = "niet_benoemd"
    teruggetrokken = "teruggetrokken"
    herbevestigd = "herbevestigd"  # a signed herbevestiging during the term


class DossierKind(str, enum.Enum):
    """A first appointment, or the yearly re-declaration of an appointed bestuurder."""

    benoeming = "benoeming"
    herbevestiging = "herbevestiging"


class FindingCounts(NamedTuple):
    """Findings per level, most severe first (stored as three integer columns on the dossier)."""

    blokkerend: int
    hoog: int
    aandachtspunt: int

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> "FindingCounts":
        """From a ``{level: n}`` mapping such as ``Result.counts`` (missing levels count 0)."""
        return cls(*(int(counts.get(level, 0) or 0) for level in Level))

    @staticmethod
    def columns_of(value: "FindingCounts | tuple[int, int, int] | None") -> dict[str, int | None]:
        """The Dossier column values, e.g. for ``workflow.transition(dossier, action, **columns)``."""
        numbers = tuple(value) if value is not None else (None, None, None)
        return {f"count_{level.value}": n for level, n in zip(Level, numbers, strict=True)}


class Dossier(db.Model):
    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), nullable=True, index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True, index=True)
    # Herbevestiging: the signed dossier this re-declaration starts from.
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), nullable=True)
    # The term (zittingsperiode) this dossier belongs to: the appointment dossier and its herbevestigingen.
    term_id: Mapped[int | None] = mapped_column(ForeignKey("term.id", ondelete="SET NULL"),
                                                nullable=True, index=True)
    kind: Mapped[DossierKind] = mapped_column(Enum(DossierKind, native_enum=False, length=20),
                                              default=DossierKind.benoeming)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    questionnaire_hash: Mapped[str] = mapped_column(String(64))
    function_title: Mapped[str] = mapped_column(String(200))
    portfolio: Mapped[str | None] = mapped_column(String(300), nullable=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[DossierStatus] = mapped_column(
        Enum(DossierStatus, native_enum=False, length=30), default=DossierStatus.concept, index=True
    )
    # Optimistic lock across HTTP requests: every save increments it; a form carries the version it saw.
    version: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[dict | None] = mapped_column(EncryptedJSON, nullable=True)
    # Herbevestiging: the last signed state (term record's kept answers) it is compared against.
    baseline_answers: Mapped[dict | None] = mapped_column(EncryptedJSON, nullable=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    # Findings per level at the latest submission (numbers only, no content); NULL before submission
    # and after purging. Read and write them together as ``finding_counts`` (a FindingCounts).
    count_blokkerend: Mapped[int | None] = mapped_column(Integer, nullable=True)
    count_hoog: Mapped[int | None] = mapped_column(Integer, nullable=True)
    count_aandachtspunt: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    conclusion: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    appointment_result: Mapped[AppointmentResult | None] = mapped_column(
        Enum(AppointmentResult, native_enum=False, length=20), nullable=True
    )
    appointment_decided_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    round: Mapped[Round | None] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    previous: Mapped["Dossier | None"] = relationship(remote_side=[id])
    term = relationship("Term", foreign_keys=[term_id])

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def finding_counts(self) -> "FindingCounts | None":
        """The stored counts, or None before submission / after purging."""
        if self.count_blokkerend is None and self.count_hoog is None and self.count_aandachtspunt is None:
            return None
        return FindingCounts(self.count_blokkerend or 0, self.count_hoog or 0, self.count_aandachtspunt or 0)

    @finding_counts.setter
    def finding_counts(self, value: "FindingCounts | None") -> None:
        for column, number in FindingCounts.columns_of(value).items():
            setattr(self, column, number)

    @property
    def counts(self) -> "FindingCounts":
        """The counts, zeros when none are stored."""
        return self.finding_counts or FindingCounts(0, 0, 0)


class Submission(db.Model):
    """Immutable snapshot taken at each (re)submission: answers, questionnaire identity, findings."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    questionnaire_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict | None] = mapped_column(EncryptedJSON, nullable=True)  # answers + findings
    declaration_name: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship()
