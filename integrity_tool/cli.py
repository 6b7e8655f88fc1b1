"""The `integrity-tool` command line: thin wrappers over services.

Also reachable as `flask --app integrity_tool ...`.
"""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import create_app
from .config import instance_path
from .services.errors import DomainError


def fail(message: str) -> None:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(1)


def _create_app(*_args, **_kwargs):
    try:
        return create_app()
    except RuntimeError as exc:
        fail(str(exc))


@click.command("init")
def init_command():
    """Maak of actualiseer instance/ en de database (veilig om vaker uit te voeren)."""
    from .services.instance import ensure_instance_files, upgrade_database

    path = instance_path()
    created = ensure_instance_files(path)
    app = _create_app()
    with app.app_context():
        upgrade_database()
        from .services import orgsetup

        orgsetup.ensure_all_org_keys()
    click.echo(f"Instance: {path}")
    for item in created:
        click.echo(f"  aangemaakt: {item}")
    click.echo("Database is bijgewerkt tot de nieuwste versie.")


@click.group("org")
def org_group():
    """Organisaties (gemeente, provincie, waterschap, kabinetsformatie)."""


@org_group.command("create")
@click.option("--name", required=True, help="Naam, bijvoorbeeld 'Gemeente Voorbeeld'.")
@click.option("--kind", required=True, help="gemeente | provincie | waterschap | kabinetsformatie")
@with_appcontext
def org_create(name, kind):
    """Maak een organisatie aan."""
    from .services import orgsetup

    try:
        org = orgsetup.create_organisation_with_keys(name, kind)
    except DomainError as exc:
        fail(exc.message)
    click.echo(f"Organisatie aangemaakt: {org.name} ({org.kind.value}), code '{org.slug}'.")


@org_group.command("list")
@with_appcontext
def org_list():
    """Toon alle organisaties."""
    from sqlalchemy import select

    from .models import Organisation, db

    for org in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        click.echo(f"{org.slug}\t{org.kind.value}\t{org.name}")


@click.group("user")
def user_group():
    """Gebruikers."""


@user_group.command("create")
@click.option("--email", required=True, help="E-mailadres (ook de inlognaam).")
@click.option("--name", required=True, help="Volledige naam.")
@click.option("--role", required=True, help="candidate | reviewer | griffier | admin")
@click.option("--org", "org_name", required=True, help="Naam of code van de organisatie.")
@click.option("--password-stdin", is_flag=True,
              help="Lees het wachtwoord van standaardinvoer; zonder deze optie krijgt u een activeringslink.")
@with_appcontext
def user_create(email, name, role, org_name, password_stdin):
    """Maak een gebruiker aan. Zonder --password-stdin: toont een eenmalige activeringslink."""
    from .services import users

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("Geen wachtwoord ontvangen op standaardinvoer.")
    try:
        org = users.find_organisation(org_name)
        user, token = users.create_user(org, email, name, role, password=password)
    except DomainError as exc:
        fail(exc.message)
    click.echo(f"Gebruiker aangemaakt: {user.name} <{user.email}> ({user.role.value}) bij {org.name}.")
    if token:
        link = current_app.config["BASE_URL"].rstrip("/") + f"/activeren/{token}"
        days = current_app.config["INVITATION_DAYS"]
        click.echo(f"Eenmalige activeringslink (geldig {days} dagen): {link}")
    else:
        click.echo("Bij de eerste keer inloggen stelt de gebruiker tweestapsverificatie in.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Vul een lege database met de demo-organisatie 'Gemeente Voorbeeld' en demo-gebruikers."""
    from .services import demo

    result = demo.seed_demo()
    if result is None:
        click.echo("De database bevat al gegevens; er is geen demo aangemaakt.")
        return
    click.echo(result)


def register_commands(app) -> None:
    """Attach every command to ``app.cli`` (so `flask --app integrity_tool ...` has them too)."""
    from . import cli_ops, cli_review, cli_security
    from .cli_questionnaire import questionnaire

    for command in (init_command, org_group, user_group, demo_command, questionnaire):
        app.cli.add_command(command)
    for module in (cli_ops, cli_security, cli_review):
        module.register(app.cli)


class _Main(FlaskGroup):
    """`init` and `restore` must work before instance/ is usable, i.e. before the app can be created."""

    def _standalone(self) -> dict:
        from .cli_security import restore_command

        return {"init": init_command, "restore": restore_command}

    def get_command(self, ctx, name):
        standalone = self._standalone()
        if name in standalone:
            return standalone[name]
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        try:
            names = set(super().list_commands(ctx))
        except SystemExit:  # no usable instance yet (the reason is printed above): help still works
            click.echo("Nog niet geïnitialiseerd: alleen 'init' en 'restore' zijn beschikbaar. Voer eerst "
                       "'integrity-tool init' uit; daarna zijn alle opdrachten beschikbaar.\n", err=True)
            names = set()
        return sorted(names | set(self._standalone()))


@click.group(cls=_Main, create_app=_create_app, add_version_option=False, add_default_commands=True,
             load_dotenv=False, set_debug_flag=False)
def main():
    """Risicoanalyse integriteit: beheer van de installatie, organisaties en gebruikers."""
