"""Beheersmaatregelen agreed with the candidate and followed up during the term."""
import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..questionnaire.schema import OWNER_LABELS, MeasureOwner
from .base import db, new_public_id, utcnow
from .dossier import Dossier
from .types import EncryptedText
from .user import User


class MeasureStatus(str, enum.Enum):
    voorgesteld = "voorgesteld"
    geaccepteerd = "geaccepteerd"
    gereageerd = "gereageerd"
    uitgevoerd = "uitgevoerd"


MEASURE_STATUS_LABELS = {
    MeasureStatus.voorgesteld: "Voorgesteld",
    MeasureStatus.geaccepteerd: "Geaccepteerd",
    MeasureStatus.gereageerd: "Kandidaat heeft gereageerd",
    MeasureStatus.uitgevoerd: "Uitgevoerd",
}


class FollowUp(str, enum.Enum):
    """Where an agreed measure stands during the term (derived from its status and due date)."""

    open = "open"
    uitgevoerd = "uitgevoerd"
    verlopen = "verlopen"

    @property
    def label(self) -> str:
        return FOLLOW_UP_LABELS[self]


FOLLOW_UP_LABELS = {FollowUp.open: "Open", FollowUp.uitgevoerd: "Uitgevoerd", FollowUp.verlopen: "Verlopen"}



def owner_label_for(owner: str, organisation=None) -> str:
    """Who carries out a measure, named by office: the reviewer is the burgemeester, the commissaris van
    de Koning, the dijkgraaf or the formateur, depending on the organisation kind."""
    if owner == MeasureOwner.reviewer and organisation is not None:
        return organisation.labels.get("reviewer_title", MeasureOwner.reviewer.label)
    return OWNER_LABELS.get(owner, owner)


class MeasureAgreement(db.Model):
    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    catalogue_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(String(300), nullable=True)  # what it is about ("betreft")
    description: Mapped[str] = mapped_column(EncryptedText)
    finding_keys: Mapped[list] = mapped_column(JSON, default=list)
    owner: Mapped[str] = mapped_column(String(20))  # candidate | reviewer | griffier
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    mentionable: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MeasureStatus] = mapped_column(
        Enum(MeasureStatus, native_enum=False, length=20), default=MeasureStatus.voorgesteld
    )
    candidate_response: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    completion_note: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def owner_label(self) -> str:
        return owner_label_for(self.owner, self.dossier.organisation if self.dossier else None)

    @property
    def ongoing(self) -> bool:
        """A standing obligation (e.g. verschoning): no deadline, it holds for the whole term."""
        return self.due_date is None

    def is_overdue(self, today: date) -> bool:
        return self.status != MeasureStatus.uitgevoerd and self.due_date is not None and self.due_date < today

    def follow_up(self, today: date) -> FollowUp:
        if self.status == MeasureStatus.uitgevoerd:
            return FollowUp.uitgevoerd
        return FollowUp.verlopen if self.is_overdue(today) else FollowUp.open


class MeasureReminder(db.Model):
    """One row per measure per day a reminder was sent: makes `integrity-tool reminders` idempotent."""

    __tablename__ = "measure_reminder"
    __table_args__ = (UniqueConstraint("measure_id", "sent_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
