"""The migrations produce exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from integrity_tool.models import db


def test_migrations_match_models(app_ctx):
    # The session-wide schema was created by `flask db upgrade` (see conftest), not by create_all.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], diff


def test_upgrade_is_idempotent(app_ctx):
    from flask_migrate import current, upgrade

    upgrade()
    with db.engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    assert revision is not None
    current()


def _dummy(name: str, sql_type: str):
    sql_type = sql_type.upper()
    if name == "id" or "INT" in sql_type or "BOOL" in sql_type:
        return 1
    if "JSON" in sql_type:
        return "[]"
    if "DATE" in sql_type:
        return "2026-01-01"
    return {"kind": "gemeente", "role": "candidate"}.get(name, "x")


def test_0004_moves_finding_counts_into_three_columns(tmp_path, monkeypatch):
    """The data migration: "b,h,a" strings become integers (unreadable ones zeros), NULL stays NULL,
    and the downgrade writes the strings back. On its own SQLite file, whatever DATABASE_URL says."""
    import sqlite3

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from integrity_tool import create_app
    from tests.conftest import _test_config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}"))
    with app.app_context():
        upgrade(revision="0003")
        with sqlite3.connect(tmp_path / "m.db") as raw:
            for table in ("organisation", "user_account"):  # one row each for the foreign keys, any values
                columns = [c for c in raw.execute(f"PRAGMA table_info({table})") if c[3] or c[5]]
                raw.execute(f"INSERT INTO {table} ({', '.join(c[1] for c in columns)}) VALUES "
                            f"({', '.join('?' for _ in columns)})", [_dummy(c[1], c[2]) for c in columns])
            for i, counts in enumerate(["1,2,3", None, "kapot"], start=1):
                raw.execute(
                    "INSERT INTO dossier (id, public_id, organisation_id, candidate_id, kind, questionnaire_id, "
                    "questionnaire_version, questionnaire_hash, function_title, status, version, progress_done, "
                    "progress_total, created_at, updated_at, finding_counts) VALUES (?, ?, 1, 1, 'benoeming', "
                    "'q', '1', 'h', 'Wethouder', 'ingediend', 1, 0, 0, '2026-01-01', '2026-01-01', ?)",
                    (i, f"p{i}", counts))
        upgrade(revision="0004")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, count_blokkerend, count_hoog, count_aandachtspunt, kind "
                                     "FROM dossier ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 1, 2, 3, "benoeming"), (2, None, None, None, "benoeming"),
                                            (3, 0, 0, 0, "benoeming")]
        downgrade(revision="0003")
        with db.engine.connect() as conn:
            back = conn.execute(text("SELECT finding_counts FROM dossier ORDER BY id")).scalars().all()
        assert back == ["1,2,3", None, "0,0,0"]
        db.engine.dispose()
