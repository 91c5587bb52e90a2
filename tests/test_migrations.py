"""The migrations build exactly the schema the models describe, on an empty database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from forum import create_app
from forum.extensions import db
from forum.search import schema as search_schema
from tests.conftest import scratch_database


@pytest.fixture
def empty_database_url(tmp_path):
    with scratch_database("forum_migrate", tmp_path) as url:
        yield url


def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database_url, "SECRET_KEY": "t"})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        try:
            upgrade(directory=directory)
            with db.engine.connect() as connection:
                # The search index's tables are the migration's, not the models' (as in env.py).
                context = MigrationContext.configure(
                    connection, opts={"include_name": search_schema.include_name}
                )
                differences = compare_metadata(context, db.metadata)
                assert search_schema.exists(connection)
            assert differences == []
            assert "posts" in inspect(db.engine).get_table_names()

            downgrade(directory=directory, revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        finally:
            db.engine.dispose()
