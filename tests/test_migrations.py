"""Migrations: one head, and the models match the schema they build."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db


def test_migrations_have_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_match_migrations(app, database_url):
    # The test's own connection: on SQLite a second one would wait for the test transaction's lock.
    context = MigrationContext.configure(db.session.connection(),
                                         opts={"compare_type": True, "render_as_batch": True})
    diff = compare_metadata(context, db.metadata)
    assert diff == [], diff
