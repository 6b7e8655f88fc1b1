"""What every command module shares: the Dutch error exit and building the app (the composition root)."""
from __future__ import annotations

import sys

import click
from flask import Flask

from .. import create_app


def fail(message: str) -> None:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(1)


def create_app_or_fail(config: dict | None = None) -> Flask:
    """``create_app`` for a command: a configuration problem is a message and exit 1, not a traceback."""
    try:
        return create_app(config)
    except RuntimeError as exc:
        fail(str(exc))
