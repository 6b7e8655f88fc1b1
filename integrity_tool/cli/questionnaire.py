"""``questionnaire`` command group: validate and list questionnaire files. Works without an app."""
from __future__ import annotations

from pathlib import Path

import click

from ..questionnaire import (Catalog, QuestionnaireError, SHIPPED_DIR, instance_questionnaire_dir,
                             load_measures, load_questionnaire, questionnaire_files)
from ..questionnaire.loader import MEASURES_FILE


@click.group("questionnaire")
def questionnaire() -> None:
    """Vragenlijsten (YAML) controleren en tonen."""


def _default_paths() -> list[Path]:
    paths: list[Path] = []
    for d in (SHIPPED_DIR, instance_questionnaire_dir()):
        if (d / MEASURES_FILE).is_file():
            paths.append(d / MEASURES_FILE)
        paths.extend(questionnaire_files(d))
    return paths


@questionnaire.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--require-en", is_flag=True,
              help="Eis bij elke tekst de Engelse tegenhanger (*_en); meldt elke ontbrekende met bestand:regel.")
def validate(paths: tuple[Path, ...], require_en: bool) -> None:
    """Controleer vragenlijsten. Zonder PATH: alle meegeleverde en instance-vragenlijsten.

    Drukt per bestand 'OK' of de foutregels (bestand:regel: pad: melding) af; exit 1 bij fouten.
    Met --require-en is elke tekst zonder Engelse vertaling (title_en, label_en, …) een fout.
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


@questionnaire.command("list")
def list_() -> None:
    """Toon alle vragenlijsten: id, versie, titel, aantallen en content hash."""
    catalog = Catalog.from_dirs([SHIPPED_DIR, instance_questionnaire_dir()], strict=False)
    click.echo(f"{'id':<30} {'versie':<10} {'secties':>7} {'vragen':>6} {'risico':>6}  {'hash':<12}  titel")
    for q in catalog.all():
        click.echo(f"{q.id:<30} {q.version:<10} {len(q.sections):>7} {len(q.all_questions()):>6} "
                   f"{len(q.risks):>6}  {q.content_hash[:12]}  {q.title}")
    for line in catalog.errors:
        click.echo(line, err=True)
    if catalog.errors:
        raise SystemExit(1)

