"""Data-key rotation: a new key first in the key file, then every encrypted value re-encrypted with it.

The use case behind `integrity-tool rotate-key`. Works on raw bytes (``Keyring.rotate``), so values
of any type are handled alike and nothing is decoded. The new key is written *before* anything is
re-encrypted: a crash from there on loses nothing, because decryption tries every key.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import LargeBinary, column, select, table, update

from .. import crypto
from ..models import db
from ..models.types import EncryptedBytes, EncryptedJSON, EncryptedText
from . import runtime
from .errors import DomainError


class KeyRotationError(DomainError):
    pass


@dataclass(frozen=True)
class Rotation:
    path: Path
    counts: dict[str, int]  # "table.column" -> values re-encrypted
    keys: int  # keys in the file afterwards, newest first


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary key column, encrypted column) for every encrypted column of every model."""
    found = []
    for tbl in db.metadata.sorted_tables:
        pk = list(tbl.primary_key.columns)
        if len(pk) != 1:
            continue
        for col in tbl.columns:
            if isinstance(col.type, (EncryptedText, EncryptedJSON, EncryptedBytes)):
                found.append((tbl.name, pk[0].name, col.name))
    return found


def _raw_columns():
    for table_name, pk_name, col_name in encrypted_columns():
        raw = table(table_name, column(pk_name), column(col_name, LargeBinary))
        yield f"{table_name}.{col_name}", raw.c[pk_name], raw.c[col_name]


def reencrypt_all(ring: crypto.Keyring) -> dict[str, int]:
    """Re-encrypt every stored value with the first key of ``ring``. The caller commits."""
    counts: dict[str, int] = {}
    for name, pk, value in _raw_columns():
        rows = db.session.execute(select(pk, value).where(value.is_not(None))).all()
        for key, token in rows:
            db.session.execute(update(pk.table).where(pk == key).values({value.name: ring.rotate(bytes(token))}))
        counts[name] = len(rows)
    return counts


def undecryptable(ring: crypto.Keyring) -> int:
    """How many stored values ``ring`` cannot decrypt."""
    bad = 0
    for _name, _pk, value in _raw_columns():
        for (token,) in db.session.execute(select(value).where(value.is_not(None))):
            try:
                ring.decrypt(bytes(token))
            except crypto.InvalidToken:
                bad += 1
    return bad


def rotate_data_key() -> Rotation:
    """Put a new key first in instance/keys/data.keys and re-encrypt everything with it; commits."""
    if os.environ.get("INTEGRITY_TOOL_DATA_KEYS"):
        raise KeyRotationError("de sleutels komen uit de omgevingsvariabele INTEGRITY_TOOL_DATA_KEYS. Zet daar een "
                               "nieuwe sleutel vooraan en voer dit commando uit zonder die variabele te wijzigen in "
                               "het bestand.")
    instance = runtime.instance_dir()
    old = crypto.load_keyring(instance).keys
    new_key = crypto.generate_key()
    path = crypto.write_key_file(instance, [new_key] + old)  # first: a crash from here on loses nothing
    ring = crypto.Keyring([new_key] + old)
    crypto.set_keyring(ring)
    try:
        counts = reencrypt_all(ring)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        raise KeyRotationError(f"hercoderen mislukt ({exc.__class__.__name__}); er is niets gewijzigd. De nieuwe "
                               "sleutel staat bovenaan het sleutelbestand; de oude sleutels werken nog.") from exc
    return Rotation(path, counts, len(ring.keys))


def drop_old_keys() -> int:
    """Keep only the newest key, after checking that it decrypts every stored value. Returns how many
    keys were dropped."""
    ring = crypto.keyring()
    only_new = crypto.Keyring(ring.keys[:1])
    problems = undecryptable(only_new)
    if problems:
        raise KeyRotationError(f"oude sleutels NIET verwijderd: {problems} waarden zijn niet te lezen met de "
                               "nieuwe sleutel.")
    crypto.write_key_file(runtime.instance_dir(), only_new.keys)
    crypto.set_keyring(only_new)
    return len(ring.keys) - 1
