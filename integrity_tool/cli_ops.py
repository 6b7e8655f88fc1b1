"""Operational commands (key management and the like). ``register(cli)`` adds them to the CLI."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


def register(cli: click.Group) -> None:
    for command in (rotate_key_command,):
        cli.add_command(command)


# --- key rotation --------------------------------------------------------------------------------

def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary key column, encrypted column) for every encrypted column of every model."""
    from .models import db
    from .models.types import EncryptedBytes, EncryptedJSON, EncryptedText

    found = []
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1:
            continue
        for column in table.columns:
            if isinstance(column.type, (EncryptedText, EncryptedJSON, EncryptedBytes)):
                found.append((table.name, pk[0].name, column.name))
    return found


def reencrypt_all(ring) -> dict[str, int]:
    """Re-encrypt every stored value with the first key of ``ring`` (raw bytes: no decoding of
    the content, so values of any type are handled alike). The caller commits."""
    from sqlalchemy import LargeBinary, column, select, table, update

    from .models import db

    counts: dict[str, int] = {}
    for table_name, pk_name, col_name in encrypted_columns():
        raw = table(table_name, column(pk_name), column(col_name, LargeBinary))
        rows = db.session.execute(select(raw.c[pk_name], raw.c[col_name]).where(raw.c[col_name].is_not(None))).all()
        for pk, token in rows:
            db.session.execute(update(raw).where(raw.c[pk_name] == pk).values({col_name: ring.rotate(bytes(token))}))
        counts[f"{table_name}.{col_name}"] = len(rows)
    return counts


def _write_keys(path: Path, keys: list[str]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    os.replace(tmp, path)  # atomic: the key file is never half written


@click.command("rotate-key")
@click.option("--drop-old", is_flag=True, help="Verwijder de oude sleutels na een geslaagde hercodering.")
@with_appcontext
def rotate_key_command(drop_old):
    """Maak een nieuwe sleutel voor versleuteling en versleutel alle gegevens daarmee opnieuw.

    De nieuwe sleutel komt bovenaan instance/keys/data.keys; de oude blijven staan (zodat een
    back-up van vóór de rotatie leesbaar blijft), tenzij u --drop-old meegeeft. Maak eerst een back-up.
    """
    from flask import current_app

    from . import crypto
    from .models import db

    if os.environ.get("INTEGRITY_TOOL_DATA_KEYS"):
        click.echo("Fout: de sleutels komen uit de omgevingsvariabele INTEGRITY_TOOL_DATA_KEYS. Zet daar een nieuwe "
                   "sleutel vooraan en voer dit commando uit zonder die variabele te wijzigen in het bestand.", err=True)
        sys.exit(1)
    path = crypto.key_file(current_app.instance_path)
    old = crypto.load_keyring(current_app.instance_path).keys
    new_key = crypto.generate_key()
    _write_keys(path, [new_key] + old)  # first: a crash from here on loses nothing
    ring = crypto.Keyring([new_key] + old)
    crypto.set_keyring(ring)
    try:
        counts = reencrypt_all(ring)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        click.echo(f"Fout bij hercoderen ({exc.__class__.__name__}); er is niets gewijzigd. De nieuwe sleutel staat "
                   "bovenaan het sleutelbestand; de oude sleutels werken nog.", err=True)
        sys.exit(1)
    for name, count in counts.items():
        if count:
            click.echo(f"  {name}: {count}")
    click.echo(f"Opnieuw versleuteld: {sum(counts.values())} waarden in {sum(1 for c in counts.values() if c)} kolommen.")
    if drop_old:
        only_new = crypto.Keyring([new_key])
        problems = _undecryptable(only_new)
        if problems:
            click.echo(f"Oude sleutels NIET verwijderd: {problems} waarden zijn niet te lezen met de nieuwe sleutel.",
                       err=True)
            sys.exit(1)
        _write_keys(path, [new_key])
        crypto.set_keyring(only_new)
        click.echo(f"Oude sleutels verwijderd ({len(old)}). Back-ups van vóór deze rotatie zijn niet meer te lezen "
                   "met dit sleutelbestand.")
    else:
        click.echo(f"Sleutels in {path}: {len(old) + 1} (nieuwste eerst).")


def _undecryptable(ring) -> int:
    from sqlalchemy import LargeBinary, column, select, table

    from . import crypto
    from .models import db

    bad = 0
    for table_name, pk_name, col_name in encrypted_columns():
        raw = table(table_name, column(pk_name), column(col_name, LargeBinary))
        for (token,) in db.session.execute(select(raw.c[col_name]).where(raw.c[col_name].is_not(None))):
            try:
                ring.decrypt(bytes(token))
            except crypto.InvalidToken:
                bad += 1
    return bad
