"""Organisations (gemeente, provincie, waterschap, kabinetsformatie) and their appointment rounds."""
import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow


class OrgKind(str, enum.Enum):
    gemeente = "gemeente"
    provincie = "provincie"
    waterschap = "waterschap"
    kabinetsformatie = "kabinetsformatie"


# Labels that depend on the kind of organisation (domain brief, roles table).
KIND_LABELS = {
    OrgKind.gemeente: {
        "reviewer_title": "burgemeester", "body": "gemeenteraad", "body_short": "raad",
        "bestuurder": "wethouder", "summary_title": "Samenvatting voor de gemeenteraad",
    },
    OrgKind.provincie: {
        "reviewer_title": "commissaris van de Koning", "body": "Provinciale Staten", "body_short": "Staten",
        "bestuurder": "gedeputeerde", "summary_title": "Samenvatting voor Provinciale Staten",
    },
    OrgKind.waterschap: {
        "reviewer_title": "dijkgraaf", "body": "algemeen bestuur", "body_short": "algemeen bestuur",
        "bestuurder": "lid van het dagelijks bestuur", "summary_title": "Samenvatting voor het algemeen bestuur",
    },
    OrgKind.kabinetsformatie: {
        "reviewer_title": "formateur", "body": "Tweede Kamer", "body_short": "Tweede Kamer",
        "bestuurder": "bewindspersoon", "summary_title": "Samenvatting voor de Tweede Kamer (op hoofdlijnen)",
    },
}


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=20))
    allow_email_otp: Mapped[bool] = mapped_column(Boolean, default=False)
    griffier_sees_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # Retention (AVG art. 5(1)(e)); defaults documented in the README.
    retention_not_appointed_weeks: Mapped[int] = mapped_column(Integer, default=4)
    retention_appointed_months: Mapped[int] = mapped_column(Integer, default=3)
    # The term record (measures, register entries, the answers a herbevestiging compares against)
    # is kept for the term plus this period; a term lasts term_months unless ended earlier.
    term_months: Mapped[int] = mapped_column(Integer, default=48)
    retention_term_months: Mapped[int] = mapped_column(Integer, default=3)
    # Kinds of "it is your turn" mails the administrator switched off (services/notify.py).
    notifications_off: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def labels(self) -> dict:
        return KIND_LABELS[self.kind]

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Round(db.Model):
    """A benoemingsronde (e.g. 'Collegevorming 2026') or a kabinetsformatie."""

    __tablename__ = "round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    appointment_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
