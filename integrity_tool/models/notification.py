"""The ledger of "it is your turn" mails: one row per dossier, kind and event, so a double click or
two parallel requests never send the same notice twice."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class NotificationSent(db.Model):
    __tablename__ = "notification_sent"
    __table_args__ = (UniqueConstraint("dossier_id", "kind", "event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(80))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
