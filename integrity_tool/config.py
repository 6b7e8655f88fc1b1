"""Configuration: defaults, then ``instance/config.py``, then environment variables."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "test", "please-change"}


def instance_path() -> Path:
    """Where runtime data lives; ``INTEGRITY_TOOL_INSTANCE`` moves it (honoured by app and CLI)."""
    return Path(os.environ.get("INTEGRITY_TOOL_INSTANCE") or PROJECT_ROOT / "instance").resolve()


class Defaults:
    ENV = "production"  # production | development | testing
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # filled in from DATABASE_URL or instance/integrity_tool.db
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    TEMPLATE_FOLDER = str(PROJECT_ROOT / "templates")
    QUESTIONNAIRE_DIR = str(PROJECT_ROOT / "questionnaires")
    # Sessions and cookies (ASVS 3.3, 7.3).
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    IDLE_TIMEOUT = timedelta(minutes=30)
    ABSOLUTE_TIMEOUT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 3600  # long questionnaires: the session limit applies instead
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # Mail: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/.
    MAIL_SERVER = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "Risicoanalyse integriteit <noreply@integriteit.invalid>"
    BASE_URL = "http://127.0.0.1:5000"
    INVITATION_DAYS = 14
    PRIVACY_VERSION = "2026-2"  # 2026-2: the term record (issue 19)
    # Throttling: Redis when REDIS_URL is set, the database otherwise (shared by all workers).
    REDIS_URL = None
    REDIS_PREFIX = "it:"  # key prefix, so installations (or test runs) sharing one Redis never meet
    LOGIN_FAILURES_PER_MINUTE = 5
    LOGIN_FAILURES_PER_IP_PER_MINUTE = 30
    LOCKOUT_MINUTES = 15
    # Signing: default local organisation CA; production: a PKCS#12 of a qualified certificate.
    # The organisations' own material is in the database (services/orgsetup.py); a configured PKCS#12
    # replaces it: SIGNING_P12 for every organisation, SIGNING_P12_BY_ORG = {"<org code>": path} per one.
    SIGNING_P12 = None
    SIGNING_P12_BY_ORG: dict = {}
    SIGNING_PASSPHRASE = None
    SIGNING_TRUST_ROOTS: tuple = ()  # extra CA files (PEM) that verification trusts
    TIMESTAMP_URL = None
    # Processes per web worker that render and sign reports, so a sign-off does not hold the web
    # worker's GIL (0: render in the request thread). None: 1 in production, 0 in development/tests.
    REPORT_PROCESSES = None
    BABEL_DEFAULT_LOCALE = "nl"
    LANGUAGES = ("nl", "en")
    PREFERRED_URL_SCHEME = "https"
    PROXY_FIX = 0  # number of trusted proxies in front of the app (X-Forwarded-*)


def finalise(config, instance: Path) -> None:
    """Fill derived values and refuse unsafe production settings."""
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("REDIS_URL"):
        config["REDIS_URL"] = os.environ["REDIS_URL"]
    # The audit chain's key, the checkpoint signing key, where checkpoints go and who gets them by mail
    # (docs/operations.md, "Audit trail as evidence"); defaults under instance/.
    for name in ("AUDIT_CHAIN_KEY_FILE", "AUDIT_CHECKPOINT_KEY_FILE", "AUDIT_CHECKPOINT_DIR", "AUDIT_CHECKPOINT_MAIL"):
        if os.environ.get(f"INTEGRITY_TOOL_{name}"):
            config[name] = os.environ[f"INTEGRITY_TOOL_{name}"]
    uri = config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{instance / 'integrity_tool.db'}"
    if uri.startswith("postgres://"):
        uri = "postgresql+psycopg://" + uri[len("postgres://"):]
    elif uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("postgresql"):
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if config.get("REPORT_PROCESSES") is None:
        config["REPORT_PROCESSES"] = 0 if config["ENV"] in ("development", "testing") else 1
    secret = config.get("SECRET_KEY")
    if config["ENV"] in ("development", "testing"):
        if not secret:
            config["SECRET_KEY"] = os.urandom(32).hex()
    elif not secret or len(str(secret)) < 32 or str(secret).lower() in WEAK_SECRETS:
        raise RuntimeError(
            "Geen sterke SECRET_KEY ingesteld (minimaal 32 tekens). Voer 'integrity-tool init' uit "
            "of zet de omgevingsvariabele SECRET_KEY. / No strong SECRET_KEY configured."
        )
    if config["SESSION_COOKIE_SECURE"]:
        config.setdefault("SESSION_COOKIE_NAME", "__Host-session")
        if config.get("SESSION_COOKIE_NAME") in (None, "session"):
            config["SESSION_COOKIE_NAME"] = "__Host-session"
