"""Shared helpers for models."""
import secrets
from datetime import datetime, timezone

from ..extensions import db


def utcnow() -> datetime:
    """Naive UTC timestamp (stored without zone in both SQLite and PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_public_id() -> str:
    """Opaque, unguessable identifier used in URLs instead of sequential ids."""
    return secrets.token_urlsafe(12)


__all__ = ["db", "utcnow", "new_public_id"]
