"""``questionnaire`` command group: validate files (no app needed), import an organisation's
questionnaire into the database and list what an organisation has."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..questionnaire import (Catalog, QuestionnaireError, SHIPPED_DIR, load_measures, load_questionnaire,
                             questionnaire_files)
from ..questionnaire.loader import MEASURES_FILE
from .common import fail


@click.group("questionnaire")
def questionnaire() -> None:
    """Vragenlijsten (YAML) controleren, importeren en tonen."""


def _default_paths() -> list[Path]:
    paths: list[Path] = []
    if (SHIPPED_DIR / MEASURES_FILE).is_file():
        paths.append(SHIPPED_DIR / MEASURES_FILE)
    paths.extend(questionnaire_files(SHIPPED_DIR))
    return paths


@questionnaire.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--require-en", is_flag=True,
              help="Eis bij elke tekst de Engelse tegenhanger (*_en); meldt elke ontbrekende met bestand:regel.")
def validate(paths: tuple[Path, ...], require_en: bool) -> None:
    """Controleer vragenlijsten. Zonder PATH: alle meegeleverde vragenlijsten.

    Drukt per bestand 'OK' of de foutregels (bestand:regel: pad: melding) af; exit 1 bij fouten.
    Met --require-en is elke tekst zonder Engelse vertaling (title_en, label_en, …) een fout, en ook
    elke beschrijvende grondslag (legal) zonder Engelse vorm in questionnaire/legal.py.
    """
    targets = list(paths) or _default_paths()
    failed = False
    for path in targets:
        try:
            if path.name == MEASURES_FILE:
                measures = load_measures(path, require_en=require_en)
                click.echo(f"OK  {path} ({len(measures)} maatregelen)")
            else:
                q = load_questionnaire(path, require_en=require_en)
                click.echo(f"OK  {path} ({q.id} {q.version}, {len(q.risks)} risico's)")
        except QuestionnaireError as exc:
            failed = True
            for line in exc.errors:
                click.echo(line, err=True)
    if not targets:
        click.echo("Geen vragenlijsten gevonden.", err=True)
        failed = True
    if failed:
        raise SystemExit(1)


@questionnaire.command("import")
@click.option("--org", "org_name", required=True, help="Naam of code van de organisatie.")
@click.option("--activate", is_flag=True, help="Neem de versie meteen in gebruik voor nieuwe dossiers.")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@with_appcontext
def import_(org_name: str, activate: bool, path: Path) -> None:
    """Zet een eigen vragenlijst van één organisatie in de database (als concept).

    Dezelfde controles als bij uploaden op de beheerpagina; fouten als bestand:regel: pad: melding.
    Zo verhuist u ook een bestand uit het vroegere instance/questionnaires/.
    """
    from ..extensions import db
    from ..services import org_questionnaires as oq
    from ..services import users
    from ..services.errors import DomainError

    try:
        org = users.find_organisation(org_name)
        data = path.read_bytes()
        row, created = oq.upload(None, data, path.name, org=org)
    except oq.UploadInvalid as exc:
        db.session.rollback()
        for line in exc.errors:
            click.echo(line, err=True)
        fail(exc.message)
    except DomainError as exc:
        db.session.rollback()
        fail(exc.message)
    except OSError as exc:
        db.session.rollback()
        fail(f"kan {path} niet lezen: {exc.strerror}")
    state = "opgeslagen" if created else "was al opgeslagen"
    click.echo(f"{row.questionnaire_id} {row.version} voor {org.name}: {state} (status {row.status}).")
    if activate and oq.activate(None, row=row):
        click.echo(f"In gebruik genomen voor nieuwe dossiers van {org.name}.")


@questionnaire.command("list")
@click.option("--org", "org_name", default=None,
              help="Ook de eigen vragenlijsten van deze organisatie (naam of code); zonder: alleen de meegeleverde.")
def list_(org_name: str | None) -> None:
    """Toon vragenlijsten: id, versie, titel, aantallen en content hash.

    Zonder --org de meegeleverde; met --org de vragenlijsten voor die organisatie: de meegeleverde van
    haar soort en haar eigen versies (met status). Eigen vragenlijsten van andere organisaties nooit.
    """
    if org_name is None:
        catalog = Catalog.from_dirs([SHIPPED_DIR], strict=False)
        _header()
        for q in catalog.all():
            _row(q, "")
        for line in catalog.errors:
            click.echo(line, err=True)
        if catalog.errors:
            raise SystemExit(1)
        return
    import contextlib

    from flask import has_app_context
    from flask.cli import ScriptInfo

    from .common import create_app_or_fail

    if has_app_context():
        scope = contextlib.nullcontext()
    else:
        info = click.get_current_context().find_object(ScriptInfo)
        scope = (info.load_app() if info is not None else create_app_or_fail()).app_context()
    with scope:
        from ..extensions import db
        from ..services import org_questionnaires as oq
        from ..services import users
        from ..services.errors import DomainError

        try:
            org = users.find_organisation(org_name)
        except DomainError as exc:
            db.session.rollback()
            fail(exc.message)
        _header("status")
        for q in oq.shipped_for(org):
            _row(q, "meegeleverd")
        for row in oq.listing(org):
            _row(oq.questionnaire_of(row), row.status)
        db.session.rollback()


def _header(extra: str = "") -> None:
    click.echo(f"{'id':<30} {'versie':<20} {'secties':>7} {'vragen':>6} {'risico':>6}  {'hash':<12}  "
               f"{(extra + '  ') if extra else ''}titel")


def _row(q, status: str) -> None:
    click.echo(f"{q.id:<30} {q.version:<20} {len(q.sections):>7} {len(q.all_questions()):>6} "
               f"{len(q.risks):>6}  {q.content_hash[:12]}  {(status + '  ') if status else ''}{q.title}")
