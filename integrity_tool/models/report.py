"""Signed PDF documents, stored encrypted with their hash."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .dossier import Dossier
from .types import EncryptedBytes


class Report(db.Model):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # vertrouwelijk | samenvatting
    document_number: Mapped[str] = mapped_column(String(60), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(EncryptedBytes, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship()
