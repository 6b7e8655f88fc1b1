"""The organisation's own relations (suppliers, subsidy recipients, ...) for the belangenkruising."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class RelationUpload(db.Model):
    __tablename__ = "relation_upload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Relation(db.Model):
    __tablename__ = "relation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("relation_upload.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    normalised_name: Mapped[str] = mapped_column(String(300), index=True)
    kvk: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    category: Mapped[str | None] = mapped_column(String(100), nullable=True)
