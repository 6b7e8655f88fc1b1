"""`rotate-key` (services/keys.py) and `signing` (the organisations' signing material, services/orgsetup.py)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services import keys, orgsetup
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


@click.group("signing")
def signing_group():
    """Ondertekeningsmateriaal per organisatie (CA en PKCS#12), opgeslagen in de database."""


@signing_group.command("status")
@with_appcontext
def signing_status():
    """Toon per organisatie waar het ondertekeningsmateriaal staat en de vingerafdruk van de CA."""
    for org, material, files in orgsetup.key_status():
        configured = orgsetup.configured_p12(org)
        where = ("database (" + ("geïmporteerd uit bestanden" if material.origin == "bestand" else "aangemaakt") + ")"
                 if material is not None else "nog niet aangemaakt")
        click.echo(f"{org.slug}\t{where}" + (f"\tCA sha256 {material.ca_fingerprint}" if material else "")
                   + (f"\tondertekent met {configured}" if configured else "")
                   + ("\toude bestanden in instance/keys/ (alleen nog gelezen)" if files else ""))


@signing_group.command("import")
@with_appcontext
def signing_import():
    """Zet de CA en het PKCS#12-bestand uit instance/keys/ (oudere installatie) in de database.

    Eenmalig, op de server waarop tot nu toe werd ondertekend; daarna hebben de servers de bestanden niet
    meer nodig. Een organisatie die al materiaal in de database heeft, wordt niet gewijzigd.
    """
    for org, material, files in orgsetup.key_status():
        if material is not None:
            note = "staat al in de database"
            if files and orgsetup.legacy_ca(org) not in (None, material.ca_cert_pem):
                note += ("; LET OP: de CA in instance/keys/ wijkt af. Documenten die daarmee zijn ondertekend, "
                         "controleert u door dat bestand op te nemen in SIGNING_TRUST_ROOTS")
        elif not files:
            note = "geen bestanden in instance/keys/"
        else:
            imported = orgsetup.signing_material(org, create=False, commit=True)
            note = "geïmporteerd" if imported is not None else "NIET geïmporteerd: de wachtwoordzin opent het bestand niet"
        click.echo(f"{org.slug}: {note}")
