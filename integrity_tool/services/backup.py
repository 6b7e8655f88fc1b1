"""Encrypted, consistent backups of a whole instance, and restore into an empty instance.

The archive (tar, then Fernet-encrypted with the backup key in ``instance/keys/backup.key`` or
``INTEGRITY_TOOL_BACKUP_KEY``) holds: every table row read in one consistent transaction (encrypted
columns stay encrypted: their raw bytes are copied; the organisations' signing material is one of the
tables), the Alembic revision, ``config.py`` and the key files in ``keys/`` (data keys, audit chain key). Reports live in the database, so they
are included. Database-agnostic: a SQLite backup restores into PostgreSQL and vice versa.
"""
from __future__ import annotations

import base64
import io
import json
import os
import tarfile
from datetime import date, datetime
from enum import Enum
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from ..models import db
from ..models import types as enc_types
from . import runtime

FORMAT = "integrity-tool-backup/1"
ENCRYPTED_TYPES = (enc_types.EncryptedText, enc_types.EncryptedJSON, enc_types.EncryptedBytes)


class BackupError(Exception):
    pass


def _backup_key_file(instance: Path) -> Path:
    return instance / "keys" / "backup.key"


def backup_key(instance: Path, create: bool = False) -> bytes:
    env = os.environ.get("INTEGRITY_TOOL_BACKUP_KEY")
    if env:
        return env.encode()
    path = _backup_key_file(instance)
    if not path.exists():
        if not create:
            raise BackupError("Geen back-upsleutel gevonden (instance/keys/backup.key of INTEGRITY_TOOL_BACKUP_KEY).")
        path.write_bytes(Fernet.generate_key())
        os.chmod(path, 0o600)
    return path.read_bytes().strip()


def _encode(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Enum):
        return value.value
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "$b":
            return base64.b64decode(inner)
        if key == "$dt":
            return datetime.fromisoformat(inner)
        if key == "$d":
            return date.fromisoformat(inner)
    return value


def _raw_columns(table: sa.Table):
    return [sa.type_coerce(c, sa.LargeBinary).label(c.name) if isinstance(c.type, ENCRYPTED_TYPES) else c
            for c in table.columns]


def _insert_target(table: sa.Table) -> sa.TableClause:
    cols = [sa.column(c.name, sa.LargeBinary if isinstance(c.type, ENCRYPTED_TYPES) else c.type)
            for c in table.columns]
    return sa.table(table.name, *cols)


def dump_tables() -> tuple[dict, int]:
    """All rows, read in one transaction (a consistent snapshot while the app keeps running)."""
    data, rows = {}, 0
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            for table in db.metadata.sorted_tables:
                result = conn.execute(sa.select(*_raw_columns(table)).order_by(*table.primary_key.columns))
                table_rows = [{k: _encode(v) for k, v in row._mapping.items()} for row in result]
                data[table.name] = table_rows
                rows += len(table_rows)
    return {"format": FORMAT, "revision": revision, "tables": data}, rows


def create_backup(target: Path) -> dict:
    instance = runtime.instance_dir()
    key = backup_key(instance, create=True)
    dump, rows = dump_tables()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        payload = json.dumps(dump, ensure_ascii=False).encode("utf-8")
        info = tarfile.TarInfo("database.json")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
        for path in sorted((instance / "keys").glob("*")):
            if path.is_file() and path.name != "backup.key":
                tar.add(path, arcname=f"keys/{path.name}")
        if (instance / "config.py").exists():
            tar.add(instance / "config.py", arcname="config.py")
        from .checkpoints import checkpoint_dir
        for path in sorted(checkpoint_dir().glob("*")) if checkpoint_dir().is_dir() else []:
            tar.add(path, arcname=f"audit-checkpoints/{path.name}")  # the chain's anchors travel with it
    token = Fernet(key).encrypt(buf.getvalue())
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(token)
    os.replace(tmp, target)
    return {"bytes": len(token), "tables": len(dump["tables"]), "rows": rows, "key_file": str(_backup_key_file(instance))}


def _safe_members(tar: tarfile.TarFile):
    for member in tar.getmembers():
        name = member.name
        if name.startswith("/") or ".." in Path(name).parts or not (member.isfile()):
            raise BackupError(f"Ongeldig bestand in het archief: {name}")
        yield member


def unpack_backup(source: Path, instance: Path, key_file: Path | None = None) -> dict:
    """Decrypt the archive into an empty instance folder (files and keys only; no app needed yet).

    Returns the database dump for ``load_rows``, which runs inside the app built on that instance.
    """
    instance = Path(instance)
    if key_file is not None:
        key = Path(key_file).read_bytes().strip()
    else:
        key = backup_key(instance)
    try:
        raw = Fernet(key).decrypt(Path(source).read_bytes())
    except (InvalidToken, ValueError):
        raise BackupError("Het archief kan niet worden ontsleuteld: verkeerde back-upsleutel of beschadigd bestand.") from None
    if (instance / "integrity_tool.db").exists() or (instance / "keys" / "data.keys").exists():
        raise BackupError(f"{instance} is niet leeg; zet een back-up alleen terug in een lege instance.")
    instance.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
        members = list(_safe_members(tar))
        dump = None
        for member in members:
            content = tar.extractfile(member).read()
            if member.name == "database.json":
                dump = json.loads(content)
                continue
            path = instance / member.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            os.chmod(path, 0o600)
    if not dump or dump.get("format") != FORMAT:
        raise BackupError("Dit is geen back-up van integrity-tool.")
    for sub in ("outbox", "backups"):
        (instance / sub).mkdir(exist_ok=True)
    (instance / "keys").chmod(0o700)
    (instance / "keys" / "backup.key").write_bytes(key)
    return dump


def load_rows(dump: dict) -> dict:
    """Load an unpacked dump into the (empty) database of the current app."""
    try:
        rows = _load_rows(dump)
    except sa.exc.SQLAlchemyError as exc:
        raise BackupError(f"Terugzetten in de database is mislukt: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}") from None
    return {"rows": rows, "tables": len(dump["tables"])}


def _load_rows(dump: dict) -> int:
    """Create the schema at the backup's revision, insert every row, then upgrade to the newest."""
    from flask_migrate import upgrade

    rows = 0

    if _has_data():
        raise BackupError("De doeldatabase bevat al gegevens; zet een back-up alleen terug in een lege database.")
    upgrade(revision=dump["revision"])
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            table_rows = [{k: _decode(v) for k, v in row.items()} for row in dump["tables"].get(table.name, [])]
            if table_rows:
                conn.execute(_insert_target(table).insert(), table_rows)
                rows += len(table_rows)
        if conn.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.columns and isinstance(table.columns["id"].type, sa.Integer):
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
    upgrade()
    return rows


def _has_data() -> bool:
    with db.engine.connect() as conn:
        if "organisation" not in sa.inspect(conn).get_table_names():
            return False
        return bool(conn.execute(sa.text("SELECT COUNT(*) FROM organisation")).scalar())
