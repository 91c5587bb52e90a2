"""Engine settings: SQLite runs with WAL, a busy timeout and foreign keys; configured engine
options are merged with the defaults, not thrown away."""

import pytest
from sqlalchemy import text

from forum import create_app
from forum.extensions import db


def test_sqlite_has_wal_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


@pytest.mark.parametrize(
    ("url", "default"),
    [("sqlite:///:memory:", "connect_args"), ("postgresql+psycopg://db/forum", "pool_pre_ping")],
)
def test_configured_engine_options_are_merged_with_the_defaults(url, default):
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "t", "SQLALCHEMY_ENGINE_OPTIONS": {"echo_pool": True}}
    )
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["echo_pool"] is True
    assert default in options
