"""The reviewer's work on a dossier: level changes, comments, clarification rounds, the gesprek."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .dossier import Dossier
from .types import EncryptedText
from .user import User


class FindingDecision(db.Model):
    """Append-only: the reviewer changes a finding's level or dismisses it, always with a reason."""

    __tablename__ = "finding_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    finding_key: Mapped[str] = mapped_column(String(200))
    new_level: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None = dismissed
    justification: Mapped[str] = mapped_column(EncryptedText)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()


class Comment(db.Model):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(220))  # "question:<id>" or "finding:<key>"
    body: Mapped[str] = mapped_column(EncryptedText)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()


class ClarificationRequest(db.Model):
    """'Vraag om toelichting': questions back to the candidate, answered on resubmission."""

    __tablename__ = "clarification_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(EncryptedText)
    response: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    author: Mapped[User] = relationship()


class Gesprek(db.Model):
    __tablename__ = "gesprek"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(EncryptedText)
    notes: Mapped[str] = mapped_column(EncryptedText)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()
    dossier: Mapped[Dossier] = relationship()


class Addendum(db.Model):
    """An aanvulling after sign-off: the signed dossier stays frozen, history is kept."""

    __tablename__ = "addendum"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(EncryptedText)
    mentionable: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()
