"""`rotate-key`: the command around services/keys.py."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services import keys
from .common import fail


@click.command("rotate-key")
@click.option("--drop-old", is_flag=True, help="Verwijder de oude sleutels na een geslaagde hercodering.")
@with_appcontext
def rotate_key_command(drop_old):
    """Maak een nieuwe sleutel voor versleuteling en versleutel alle gegevens daarmee opnieuw.

    De nieuwe sleutel komt bovenaan instance/keys/data.keys; de oude blijven staan (zodat een
    back-up van vóór de rotatie leesbaar blijft), tenzij u --drop-old meegeeft. Maak eerst een back-up.
    """
    try:
        rotation = keys.rotate_data_key()
    except keys.KeyRotationError as exc:
        fail(exc.message)
    for name, count in rotation.counts.items():
        if count:
            click.echo(f"  {name}: {count}")
    counts = rotation.counts.values()
    click.echo(f"Opnieuw versleuteld: {sum(counts)} waarden in {sum(1 for c in counts if c)} kolommen.")
    if not drop_old:
        click.echo(f"Sleutels in {rotation.path}: {rotation.keys} (nieuwste eerst).")
        return
    try:
        dropped = keys.drop_old_keys()
    except keys.KeyRotationError as exc:
        fail(exc.message)
    click.echo(f"Oude sleutels verwijderd ({dropped}). Back-ups van vóór deze rotatie zijn niet meer te lezen "
               "met dit sleutelbestand.")
