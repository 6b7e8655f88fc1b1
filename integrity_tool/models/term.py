"""The term (zittingsperiode) of an appointed bestuurder: what follow-up during the term needs.

One row per appointment. It outlives the appointment dossier's own purge (3 months by default) and
keeps only: which dossier was last signed (the appointment or the latest herbevestiging), the answers
to the questions marked ``term: true`` in that dossier's questionnaire (what a herbevestiging compares
against), and the term's dates. The measures stay on their dossiers and follow the term through
``Dossier.term_id``; the public register entries stay in the dossiers' public-only snapshots. All of
it is deleted ``Organisation.retention_term_months`` after the term ends (services/terms.py).
"""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, new_public_id, utcnow
from .organisation import Organisation
from .types import EncryptedJSON
from .user import User


class Term(db.Model):
    __tablename__ = "term"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The appointment dossier (benoemd) this term started from; one term per appointment. The dossiers
    # point here with Dossier.term_id (a foreign key); these two are plain ids so the tables have no
    # foreign-key cycle (backup/restore inserts table by table). Dossier rows are never deleted.
    dossier_id: Mapped[int] = mapped_column(Integer, unique=True)
    # The last signed state: the appointment dossier or the latest signed herbevestiging.
    signed_dossier_id: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    # Answers to the questions marked `term: true` in the last signed submission (None once purged).
    signed_answers: Mapped[dict | None] = mapped_column(EncryptedJSON, nullable=True)
    function_title: Mapped[str] = mapped_column(String(200))
    appointed_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # planned end: appointed_on + Organisation.term_months
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # recorded earlier end (aftreden)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    candidate: Mapped[User] = relationship()
    dossier = relationship("Dossier", primaryjoin="foreign(Term.dossier_id) == Dossier.id", viewonly=True)
    signed_dossier = relationship("Dossier", primaryjoin="foreign(Term.signed_dossier_id) == Dossier.id",
                                  viewonly=True)

    @property
    def end_date(self) -> date:
        return self.ended_on or self.ends_on

    def sitting(self, today: date) -> bool:
        return self.purged_at is None and self.appointed_on <= today < self.end_date


class DeletedReport(db.Model):
    """What is left of a signed PDF deleted under the retention policy: its number and hash only,
    so /verificatie can say 'deleted under the retention policy' instead of 'unknown' or 'changed'."""

    __tablename__ = "deleted_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    document_number: Mapped[str] = mapped_column(String(60), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
