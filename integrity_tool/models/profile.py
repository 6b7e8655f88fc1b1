"""The organisation's profile for the fact rules: names, KvK numbers, verbonden partijen, territory,
portefeuilles (see services/profile.py). Organisation data, not personal data: stored as plain JSON."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class OrganisationProfile(db.Model):
    __tablename__ = "organisation_profile"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    # {"aliassen": [...], "kvk": [...], "verbonden_partijen": [{"naam", "kvk", "soort"}], "gebied": [...],
    #  "portefeuilles": [{"naam", "domeinen": [...]}]}
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
