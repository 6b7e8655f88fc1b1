"""CLI commands for the follow-up and the reports: `reminders` and `verify-pdf`."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import signing
from ..questionnaire.values import format_datetime
from ..services import measures, reports


def _parse_day(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("gebruik de vorm JJJJ-MM-DD, bijvoorbeeld 2026-05-01") from None


@click.command("reminders")
@click.option("--days", default=14, show_default=True, type=click.IntRange(0, 365),
              help="Herinner aan maatregelen die binnen dit aantal dagen verlopen (en verlopen maatregelen).")
@click.option("--today", "today_text", default=None, metavar="JJJJ-MM-DD", help="Peildatum (standaard: vandaag).")
@with_appcontext
def reminders_command(days: int, today_text: str | None):
    """Mail de eigenaren van maatregelen die bijna of al verlopen zijn; hooguit één keer per maatregel per dag
    (geschikt voor cron)."""
    today = _parse_day(today_text)
    sent, skipped = measures.send_reminders(days=days, today=today)
    click.echo(f"{sent} herinnering(en) verstuurd, {skipped} overgeslagen (vandaag al verstuurd of geen ontvanger).")


def print_verification(outcome, echo=click.echo) -> None:
    result = outcome.result
    if outcome.ok:
        echo("GELDIG: de handtekening is geldig en vertrouwd, en het document is niet gewijzigd sinds de ondertekening.")
    elif getattr(outcome, "deleted_but_genuine", False):
        echo("VERWIJDERD VOLGENS DE BEWAARTERMIJN: echt en ongewijzigd, maar wij bewaren het niet meer.")
    else:
        echo("NIET GELDIG.")
    echo(f"  Documentnummer: {result.document_number or 'onbekend'}")
    if outcome.organisation is not None:
        echo(f"  Uitgegeven door: {outcome.organisation.name}")
    echo(f"  Ondertekenaar: {result.signer or 'onbekend'}")
    echo(f"  Tijdstip ondertekening: {format_datetime(result.signing_time, seconds=True)} (Nederlandse tijd; "
         f"{result.signing_time:%H:%M:%S} UTC)" if result.signing_time
         else "  Tijdstip ondertekening: onbekend")
    echo(f"  Gelijk aan het uitgegeven document: {'ja' if outcome.registered else 'nee'}")
    for problem in outcome.problems:
        echo(f"  Probleem: {problem}")


@click.command("verify-pdf")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--trust", "trust", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Vertrouw (alleen) dit CA-certificaat (PEM) in plaats van de CA's van de organisaties.")
@with_appcontext
def verify_pdf_command(file: Path, trust: Path | None):
    """Controleer de digitale handtekening van een rapport; exitcode 0 alleen als alles klopt."""
    data = file.read_bytes()
    outcome = reports.verify_upload(data)
    if trust is not None:
        outcome.result = signing.verify_pdf(data, [trust.read_bytes()])
    print_verification(outcome)
    sys.exit(0 if outcome.ok else 1)

