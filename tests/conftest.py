"""Shared fixtures: one app and schema per test session, tables emptied after every test.

Users and organisations: ``make_org`` and ``make_user(role, org)`` return callables; ``org``,
``griffier`` and ``reviewer`` are the organisation most tests work in. Dossiers come from
``make_dossier(status=...)`` only (tests/factories.py: it drives the real services).

Set DATABASE_URL to run the whole suite on PostgreSQL (CI does both).
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from integrity_tool import create_app
from integrity_tool.models import Organisation, User, db
from integrity_tool.services import orgsetup, security, users
from tests.factories import TEST_PASSWORD, DossierFactory, fresh_code


def _test_config(instance: Path, **extra) -> dict:
    config = {
        "ENV": "testing",
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "x" * 64,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "session",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "BASE_URL": "http://localhost",
        "SIGNING_PASSPHRASE": "test-passphrase",
    }
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'test.db'}"
    config.update(extra)
    return config


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                           if url.startswith("postgresql://") else url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    from integrity_tool.services.instance import ensure_instance_files

    ensure_instance_files(path)
    return path


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own ``g`` and database session), as in production.

    The test's own session is committed before and expired after each request, so the test sees
    what the request wrote and never holds SQLite's write lock while the app needs it.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        outer = has_app_context()
        if outer:
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            db.session.remove()
        if outer:
            db.session.expire_all()
        return response


def _configure(app):
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def app(instance_dir):
    if os.environ.get("DATABASE_URL"):
        _reset_postgres(os.environ["DATABASE_URL"])
    app = _configure(create_app(_test_config(instance_dir)))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the schema comes from the migrations, as in production
    yield app


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _clean_db(request):
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        _empty_tables(app)
        outbox = Path(app.instance_path) / "outbox"
        for f in outbox.glob("*.eml"):
            f.unlink()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_app(instance_dir):
    """Build an extra app with different configuration (same database); its pool is closed after."""
    apps = []

    def factory(**config):
        extra = _configure(create_app(_test_config(instance_dir, **config)))
        apps.append(extra)
        return extra

    yield factory
    for extra in apps:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def make_org(app_ctx):
    counter = {"n": 0}

    def factory(name: str | None = None, kind: str = "gemeente") -> Organisation:
        counter["n"] += 1
        org = users.create_organisation(name or f"Gemeente Test {counter['n']}", kind)
        orgsetup.ensure_org_keys(org)
        return org

    return factory


@pytest.fixture
def make_user(app_ctx, make_org):
    counter = {"n": 0}

    def factory(role: str = "candidate", org: Organisation | None = None, *, email: str | None = None,
                name: str | None = None, password: str = TEST_PASSWORD, mfa: bool = True) -> User:
        counter["n"] += 1
        if role != "platform":  # the platform administrator belongs to no organisation
            org = org or make_org()
        user = users.new_user(org, email or f"{role}{counter['n']}@example.nl", name or f"Test {role} {counter['n']}",
                              role, password=password)
        if mfa:
            user.totp_secret = security.new_totp_secret()
            user.mfa_method = "totp"
        db.session.commit()
        return user

    return factory


@pytest.fixture
def org(make_org):
    return make_org("Gemeente Oosterhout-Test")


@pytest.fixture
def griffier(make_user, org):
    return make_user("griffier", org, name="Greet Griffier")


@pytest.fixture
def reviewer(make_user, org):
    return make_user("reviewer", org, name="Bert Burgemeester")


@pytest.fixture
def make_dossier(org, griffier, reviewer, make_user):
    """``make_dossier(status="concept", *, answers=None, org=None, reviewer=..., result=None, ...)``:
    see tests/factories.py (``DossierFactory``)."""
    return DossierFactory(org, griffier, reviewer, make_user)


def totp_now(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def login(client, user: User, password: str = TEST_PASSWORD):
    """Log in through the real forms: password, then a fresh TOTP code (a code is accepted once per
    time step; tests log in many times within 30 seconds)."""
    code = fresh_code(user)
    response = client.post("/inloggen", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    response = client.post("/inloggen/code", data={"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def login_as(client):
    def do(user: User, c=None):
        return login(c or client, user)

    return do


def outbox_messages(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))


def extract_link(message_path: Path, pattern: str = r"https?://[^\s\"<>]+/activeren/[A-Za-z0-9_\-]+") -> str:
    import email
    from email import policy

    msg = email.message_from_bytes(message_path.read_bytes(), policy=policy.default)
    body = msg.get_body(preferencelist=("plain",)).get_content()
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


__all__ = ["TEST_PASSWORD", "login", "totp_now", "outbox_messages", "extract_link", "time"]
