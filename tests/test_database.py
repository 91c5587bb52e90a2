"""Engine settings: SQLite runs with WAL, a busy timeout and foreign keys; configured engine
options are merged with the defaults, not thrown away."""

import sqlite3

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


def test_a_lock_that_outlasts_the_busy_timeout_is_503_with_retry_after(tmp_path):
    """Another process holds the write lock past the busy timeout: the writer is told to come
    back, in the reader's language, instead of a 500."""
    path = tmp_path / "forum.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "t", "TESTING": True,
                      "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.1}}})  # fmt: skip

    @app.post("/test-write")
    def write():
        db.session.execute(text("INSERT INTO t VALUES (1)"))
        db.session.commit()
        return "written"

    with app.app_context():
        db.create_all()  # the page change log, which every request reads
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
    other_process = sqlite3.connect(path, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # holds the write lock
    try:
        response = app.test_client().post("/test-write")
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "المنتدى مشغول. حاول مرة أخرى بعد ثوانٍ." in response.get_data(as_text=True)
    assert app.test_client().post("/test-write").status_code == 200  # the lock is gone
    with app.app_context():
        db.engine.dispose()
