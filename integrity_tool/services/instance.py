"""Creating and upgrading the instance folder (secret key, key material, database)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .. import crypto


def ensure_instance_files(instance: Path) -> list[str]:
    """Idempotently create instance/ with a secret key, data keys and folders. Returns what was created."""
    created = []
    instance.mkdir(parents=True, exist_ok=True)
    for sub in ("keys", "outbox", "backups"):
        path = instance / sub
        if not path.exists():
            path.mkdir(parents=True)
            created.append(f"{sub}/")
    os.chmod(instance / "keys", 0o700)
    config = instance / "config.py"
    if not config.exists():
        config.write_text(
            "# Instance configuration (not in version control). Environment variables override it.\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
        )
        os.chmod(config, 0o600)
        created.append("config.py (SECRET_KEY)")
    if not crypto.key_file(instance).exists() and not os.environ.get("INTEGRITY_TOOL_DATA_KEYS"):
        crypto.ensure_key_file(instance)
        created.append("keys/data.keys")
    return created


def upgrade_database() -> None:
    """Apply all Alembic migrations (needs an app context)."""
    from flask_migrate import upgrade

    upgrade()
