"""Operational security commands: audit chain verification, retention purge, backup and restore."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import audit
from ..audit import verify_chain
from ..config import instance_path
from ..services import backup, checkpoints, retention
from .common import create_app_or_fail, fail


@click.group("audit")
def audit_group():
    """Het logboek (audit trail)."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Controleer de sleutelketen van het logboek en vergelijk die met de ondertekende checkpoints: noemt de
    eerste gewijzigde, verwijderde of verplaatste gebeurtenis, inkorting en vervalste checkpoints."""
    report = verify_chain()
    if not report.ok:
        click.echo(f"FOUT: logboek is aangetast: {report.message}", err=True)
        sys.exit(1)
    problems = checkpoints.verify_checkpoints(report)
    if problems:
        for problem in problems:
            click.echo(f"FOUT: {problem}", err=True)
        sys.exit(1)
    count = len(checkpoints.load_checkpoints())
    keyed = audit.chain_keys()
    click.echo(f"OK: {report.message}; {count} checkpoint(s) kloppen"
               + (f"; met sleutel vanaf gebeurtenis {keyed[0][0]}" if keyed else "; LET OP: keten nog zonder sleutel "
                  "(integrity-tool audit key)"))


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint():
    """Schrijf een ondertekende checkpoint van het logboek buiten de database (dagelijks via cron)."""
    try:
        path = checkpoints.write_checkpoint()
    except checkpoints.CheckpointError as exc:
        fail(exc.message)
    click.echo(f"Checkpoint geschreven: {path}")


@audit_group.command("key")
@with_appcontext
def audit_key():
    """Maak de sleutel van de logboekketen aan, of roteer hem: nieuwe gebeurtenissen krijgen de nieuwe sleutel."""
    try:
        first = audit.add_chain_key()
    except ValueError as exc:
        fail(str(exc))
    click.echo(f"Sleutel toegevoegd in {audit.key_file()}: geldt vanaf gebeurtenis {first}. "
               "Maak daarna een checkpoint: integrity-tool audit checkpoint")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Toon alleen wat verwijderd zou worden.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Peildatum (JJJJ-MM-DD); standaard vandaag.")
@with_appcontext
def purge_command(dry_run, today):
    """Verwijder persoonsgegevens volgens de bewaartermijnen (dagelijks draaien vanuit cron)."""
    report = retention.purge_expired(today=today.date() if today else date.today(), dry_run=dry_run)
    prefix = "Zou verwijderen" if dry_run else "Verwijderd"
    click.echo(f"{prefix}: {report.summary()}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file):
    """Schrijf een versleuteld, consistent archief (database + sleutels + rapporten) naar FILE."""
    try:
        info = backup.create_backup(file)
    except backup.BackupError as exc:
        fail(str(exc))
    click.echo(f"Back-up geschreven naar {file} ({info['bytes']} bytes, {info['tables']} tabellen, "
               f"{info['rows']} rijen). Bewaar de back-upsleutel apart: {info['key_file']}")


@click.command("restore", context_settings={"ignore_unknown_options": False})
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Het bestand met de back-upsleutel (standaard instance/keys/backup.key).")
def restore_command(file, key_file):
    """Zet een back-up terug in een lege instance (INTEGRITY_TOOL_INSTANCE)."""
    instance = instance_path()
    try:
        dump = backup.unpack_backup(file, instance, key_file=key_file)
        app = create_app_or_fail({"INSTANCE_PATH": str(instance)})
        with app.app_context():
            info = backup.load_rows(dump)
    except backup.BackupError as exc:
        fail(str(exc))
    click.echo(f"Teruggezet in {instance}: {info['rows']} rijen in {info['tables']} tabellen.")

