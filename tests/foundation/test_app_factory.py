"""Configuration order and the refusal to run with a weak secret key."""
import pytest

from integrity_tool import create_app


def test_refuses_weak_secret_in_production(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "keys").mkdir()
    from integrity_tool import crypto

    crypto.ensure_key_file(tmp_path)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV": "production", "SECRET_KEY": "dev"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV": "production"})


def test_instance_config_then_environment(tmp_path, monkeypatch):
    from integrity_tool import crypto

    crypto.ensure_key_file(tmp_path)
    (tmp_path / "config.py").write_text("SECRET_KEY = 'k' * 40\nINVITATION_DAYS = 7\nPRIVACY_VERSION = 'file'\n")
    monkeypatch.setenv("INTEGRITY_TOOL_INSTANCE", str(tmp_path))
    monkeypatch.setenv("INTEGRITY_TOOL_PRIVACY_VERSION", "env")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.instance_path == str(tmp_path)
    assert app.config["INVITATION_DAYS"] == 7
    assert app.config["PRIVACY_VERSION"] == "env"
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_refuses_production_without_data_keys(tmp_path):
    with pytest.raises(RuntimeError, match="integrity-tool init"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV": "production", "SECRET_KEY": "s" * 40})


def test_sqlite_pragmas(app_ctx):
    from integrity_tool.models import db

    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":  # the CI run on PostgreSQL
            assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
            return
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
