"""Organisation set-up that touches key material: the local signing CA per organisation."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select

from ..models import Organisation, db
from . import runtime, users


def _passphrase_file() -> Path:
    return runtime.instance_dir() / "keys" / "signing.pass"


def signing_passphrase() -> bytes:
    """SIGNING_PASSPHRASE from the environment/config, else a random one kept in instance/keys/."""
    configured = runtime.config("SIGNING_PASSPHRASE")
    if configured:
        return str(configured).encode("utf-8")
    path = _passphrase_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        os.chmod(path, 0o600)
    return path.read_text().strip().encode("utf-8")


def ensure_org_keys(org: Organisation):
    """Create the organisation's local CA and signing certificate if missing (idempotent)."""
    from .. import signing

    keys = runtime.instance_dir() / "keys"
    return signing.ensure_org_pki(keys, org.slug, org.name, signing_passphrase())


def ensure_all_org_keys() -> int:
    count = 0
    for org in db.session.scalars(select(Organisation)):
        ensure_org_keys(org)
        count += 1
    return count


def create_organisation_with_keys(name: str, kind: str, *, actor=None) -> Organisation:
    org = users.create_organisation(name, kind, actor=actor)
    ensure_org_keys(org)
    return org
