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
