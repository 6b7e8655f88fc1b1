"""The `integrity-tool` command line: thin wrappers over services, one module per command group.

Also reachable as `flask --app integrity_tool ...`. Every command is registered here by name: a
broken import fails loudly (tests/foundation/test_wiring.py).
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import keys, questionnaire, reports, security, setup
from .common import create_app_or_fail

COMMANDS = (
    setup.init_command, setup.org_group, setup.user_group, setup.demo_command, setup.demo_code_command,
    questionnaire.questionnaire,
    keys.rotate_key_command, keys.signing_group,
    security.audit_group, security.purge_command, security.backup_command, security.restore_command,
    reports.reminders_command, reports.verify_pdf_command,
)
#: Commands that must work before instance/ is usable, i.e. before the app can be created.
STANDALONE = {"init": setup.init_command, "restore": security.restore_command}


def register_commands(app) -> None:
    """Attach every command to ``app.cli`` (so `flask --app integrity_tool ...` has them too)."""
    for command in COMMANDS:
        app.cli.add_command(command)


class _Main(FlaskGroup):
    """`init` and `restore` work before instance/ is usable; help names them when nothing else can load."""

    def get_command(self, ctx, name):
        if name in STANDALONE:
            return STANDALONE[name]
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        try:
            names = set(super().list_commands(ctx))
        except SystemExit:  # no usable instance yet (the reason is printed above): help still works
            click.echo("Nog niet geïnitialiseerd: alleen 'init' en 'restore' zijn beschikbaar. Voer eerst "
                       "'integrity-tool init' uit; daarna zijn alle opdrachten beschikbaar.\n", err=True)
            names = set()
        return sorted(names | set(STANDALONE))


def _create_app(*_args, **_kwargs):
    return create_app_or_fail()


@click.group(cls=_Main, create_app=_create_app, add_version_option=False, add_default_commands=True,
             load_dotenv=False, set_debug_flag=False)
def main():
    """Risicoanalyse integriteit: beheer van de installatie, organisaties en gebruikers."""
