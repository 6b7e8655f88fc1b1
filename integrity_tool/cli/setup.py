"""Setting up an installation: `init`, `org`, `user`, `demo` and `demo-code`."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import audit
from ..config import instance_path
from ..models import Organisation, db
from ..services import demo, orgsetup, users
from ..services.errors import DomainError
from ..services.instance import ensure_instance_files, upgrade_database
from .common import create_app_or_fail, fail


@click.command("init")
def init_command():
    """Maak of actualiseer instance/ en de database (veilig om vaker uit te voeren)."""
    path = instance_path()
    created = ensure_instance_files(path)
    app = create_app_or_fail()
    with app.app_context():
        upgrade_database()
        for slug, origin in orgsetup.ensure_all_org_keys().items():
            if origin == "bestand":
                created.append(f"ondertekeningsmateriaal van {slug} uit instance/keys/ overgezet naar de database")
        if audit.keyed_elsewhere():
            fail("het logboek heeft al een sleutel, maar deze server niet. Geef elke server hetzelfde sleutelbestand "
                 "(INTEGRITY_TOOL_AUDIT_CHAIN_KEY_FILE; zie docs/operations.md, 'Meerdere servers').")
        if not audit.chain_keys():  # a new installation, or an upgrade from before the keyed chain
            first = audit.add_chain_key()
            created.append(f"keys/audit-chain.keys (logboekketen met sleutel vanaf gebeurtenis {first})")
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
    try:
        org = orgsetup.create_organisation_with_keys(name, kind)
    except DomainError as exc:
        fail(exc.message)
    click.echo(f"Organisatie aangemaakt: {org.name} ({org.kind.value}), code '{org.slug}'.")


@org_group.command("list")
@with_appcontext
def org_list():
    """Toon alle organisaties."""
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
    password = _password_from_stdin(password_stdin)
    try:
        org = users.find_organisation(org_name)
        user, token = users.create_user(org, email, name, role, password=password)
    except DomainError as exc:
        fail(exc.message)
    click.echo(f"Gebruiker aangemaakt: {user.name} <{user.email}> ({user.role.value}) bij {org.name}.")
    _echo_activation(token)


def _password_from_stdin(wanted: bool) -> str | None:
    if not wanted:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("Geen wachtwoord ontvangen op standaardinvoer.")
    return password


def _echo_activation(token: str | None) -> None:
    """The single-use activation link, or what happens at the first log-in when a password was given."""
    if token:
        link = current_app.config["BASE_URL"].rstrip("/") + f"/activeren/{token}"
        days = current_app.config["INVITATION_DAYS"]
        click.echo(f"Eenmalige activeringslink (geldig {days} dagen): {link}")
    else:
        click.echo("Bij de eerste keer inloggen stelt de gebruiker tweestapsverificatie in.")


@user_group.command("create-platform-admin")
@click.option("--email", required=True, help="E-mailadres (ook de inlognaam).")
@click.option("--name", required=True, help="Volledige naam.")
@click.option("--password-stdin", is_flag=True,
              help="Lees het wachtwoord van standaardinvoer; zonder deze optie krijgt u een activeringslink.")
@with_appcontext
def user_create_platform_admin(email, name, password_stdin):
    """Maak de platformbeheerder: maakt organisaties en hun eerste beheerder aan in de browser (/platform/),
    en ziet geen dossiers. Net als ander personeel: wachtwoord en een tweede stap (authenticator-app)."""
    from ..services import staff

    password = _password_from_stdin(password_stdin)
    try:
        user, token = staff.create_platform_admin(email, name, password=password)
    except DomainError as exc:
        fail(exc.message)
    click.echo(f"Platformbeheerder aangemaakt: {user.name} <{user.email}>.")
    _echo_activation(token)


@user_group.command("reset-password")
@click.argument("email")
@click.option("--days", default=2, show_default=True, type=click.IntRange(1, 14),
              help="Zo lang is de link geldig.")
@with_appcontext
def user_reset_password(email, days):
    """Laat iemand die niet meer kan inloggen opnieuw beginnen: wachtwoord en tweede stap vervallen, alle
    sessies eindigen, en u krijgt een eenmalige link waarmee de gebruiker beide opnieuw instelt."""
    try:
        user, token = users.reset_credentials(email, days=days)
    except DomainError as exc:
        fail(exc.message)
    link = current_app.config["BASE_URL"].rstrip("/") + f"/activeren/{token}"
    click.echo(f"Wachtwoord en tweede stap van {user.name} <{user.email}> zijn gewist; alle sessies zijn beëindigd.")
    click.echo(f"Eenmalige link (geldig {days} dag(en)): {link}")


@click.command("demo")
@click.option("--show", is_flag=True, help="Toon de inloggegevens van de demo opnieuw (met nieuwe wachtwoorden).")
@with_appcontext
def demo_command(show):
    """Vul een lege database met de demo-organisatie 'Gemeente Voorbeeld' en demo-gebruikers."""
    if show:
        result = demo.show_logins()
        if result is None:
            fail("er is geen demo-organisatie; maak die met 'integrity-tool demo' in een lege database.")
        click.echo(result)
        return
    result = demo.seed_demo()
    if result is None:
        click.echo("De database bevat al gegevens; er is geen demo aangemaakt. Inloggegevens kwijt? "
                   "'integrity-tool demo --show' toont ze opnieuw (met nieuwe wachtwoorden); "
                   "'integrity-tool user reset-password EMAIL' geeft een eenmalige herstellink.")
        return
    click.echo(result)


@click.command("demo-code")
@click.argument("email")
@with_appcontext
def demo_code_command(email):
    """Toon de huidige inlogcode van een demo-gebruiker (alleen voor de demo-organisatie)."""
    code = demo.login_code(email)
    if code is None:
        fail("dit werkt alleen voor demo-gebruikers van Gemeente Voorbeeld.")
    click.echo(code)
