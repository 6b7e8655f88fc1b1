"""Questionnaires of one organisation, stored in the database (services/org_questionnaires.py).

A row is one version of one questionnaire: the YAML as uploaded (``source``, for download and the
diff) and the resolved definition (``definition``: canonical JSON with the shipped includes filled
in, whose sha256 is ``content_hash``). Dossiers pin (questionnaire_id, version, hash); the row is
loaded from ``definition``, so a later change to a shipped include fragment does not change it.
Organisation data, not personal data: plain text.
"""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, new_public_id, utcnow
from .organisation import Organisation

#: concept (uploaded, not offered) -> actief (offered for new dossiers) -> ingetrokken (no longer offered)
QUESTIONNAIRE_STATUSES = ("concept", "actief", "ingetrokken")
QUESTIONNAIRE_STATUS_LABELS = {"concept": "concept", "actief": "in gebruik voor nieuwe dossiers",
                               "ingetrokken": "ingetrokken"}


class OrgQuestionnaire(db.Model):
    __tablename__ = "org_questionnaire"
    __table_args__ = (UniqueConstraint("organisation_id", "questionnaire_id", "version",
                                       name="uq_org_questionnaire_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default="concept")
    filename: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      nullable=True)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    organisation: Mapped[Organisation] = relationship()

    @property
    def status_label(self) -> str:
        return QUESTIONNAIRE_STATUS_LABELS.get(self.status, self.status)
