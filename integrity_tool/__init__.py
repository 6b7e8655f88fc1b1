"""integrity_tool: risicoanalyse integriteit voor kandidaat-bestuurders.

``create_app`` only wires things together: configuration, extensions, blueprints, CLI, errors.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    from . import config as cfg

    instance = Path((config or {}).get("INSTANCE_PATH") or cfg.instance_path())
    app = Flask(
        __name__,
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder=cfg.Defaults.TEMPLATE_FOLDER,
    )
    app.config.from_object(cfg.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("INTEGRITY_TOOL")
    if os.environ.get("INTEGRITY_TOOL_ENV"):
        app.config["ENV"] = os.environ["INTEGRITY_TOOL_ENV"]
    if config:
        app.config.update(config)
    cfg.finalise(app.config, instance)

    _init_extensions(app)

    from .web import register_web

    register_web(app)

    from .web.filters import register_filters

    register_filters(app)

    from .cli import register_commands

    register_commands(app)

    def _current_locale() -> str:
        from flask_babel import get_locale

        return str(get_locale() or "nl")

    # also a Jinja global: macros imported without context (candidate/_macros.html) read it too
    app.jinja_env.globals["current_locale"] = _current_locale

    @app.context_processor
    def _template_globals():
        from flask_babel import get_locale

        from .services import measures as measures_service
        from .web.i18n import message_text

        def measure_text(measure) -> tuple[str, str]:
            return measures_service.localized(measure, str(get_locale() or "nl"))

        def catalogue_title(measure_id: str) -> str:
            return measures_service.catalogue_title(measure_id, str(get_locale() or "nl"))

        return {"current_locale": lambda: str(get_locale() or "nl"),
                # (title, description) of an agreed measure in the reader's language
                "measure_text": measure_text,
                # a catalogue measure's title by id, in the reader's language
                "catalogue_title": catalogue_title,
                # Translate a *variable* (a label constant, a service message with parameters): unlike
                # `_()` in templates, the result is a plain string, so autoescaping still applies to it.
                "tr": message_text}

    return app


def _init_extensions(app: Flask) -> None:
    from sqlalchemy import event

    from . import crypto
    from .extensions import babel, csrf, db, login_manager, migrate, oauth
    from .questionnaire import Catalog
    from .services.security import Throttle

    if not _has_keys(app):
        if app.config["ENV"] not in ("development", "testing"):
            raise RuntimeError("Geen sleutels voor versleuteling gevonden in instance/keys/. "
                               "Voer eerst 'integrity-tool init' uit.")
        crypto.ensure_key_file(app.instance_path)
    crypto.set_keyring(crypto.load_keyring(app.instance_path))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    oauth.init_app(app)

    from .web.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, event)

    # The shipped questionnaires; an organisation's own live in the database
    # (services/org_questionnaires.py). Files left in the old instance/questionnaires/ are not used.
    catalog = Catalog.from_dirs([Path(app.config["QUESTIONNAIRE_DIR"])], strict=False)
    for line in catalog.errors:
        app.logger.warning("vragenlijst overgeslagen: %s", line)
    legacy = Path(app.instance_path) / "questionnaires"
    if legacy.is_dir() and any(legacy.glob("*.y*ml")):
        app.logger.warning("%s wordt niet meer gelezen: zet elke vragenlijst met 'integrity-tool questionnaire "
                           "import --org NAAM BESTAND' in de database", legacy)
    app.extensions["integrity_tool.catalog"] = catalog
    app.extensions["integrity_tool.throttle"] = Throttle(app.config.get("REDIS_URL"), app.config.get("REDIS_PREFIX") or "it:")
    from .services.security import configure_hasher

    configure_hasher(app.config.get("ARGON2_TIME_COST"), app.config.get("ARGON2_MEMORY_COST"))

    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def _has_keys(app: Flask) -> bool:
    from . import crypto

    return bool(os.environ.get("INTEGRITY_TOOL_DATA_KEYS")) or crypto.key_file(app.instance_path).exists()


def _configure_sqlite(engine, event) -> None:
    """WAL, busy timeout and foreign keys per connection; BEGIN IMMEDIATE so writers queue, not fail."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy's 'begin' event emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
