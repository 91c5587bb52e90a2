"""Fixtures: an app per test on a real database (SQLite, or PostgreSQL when
FORUM_TEST_DATABASE_URL is set), a client with CSRF on, and one person per role.

The database is created and seeded once per run. Each test then runs in one transaction on one
connection, rolled back when it ends. The app is not told: its commits are real SQLAlchemy
commits (the session's events fire, the page cache sees each new version); only the database
hears RELEASE SAVEPOINT where it would have heard COMMIT (see _savepoint_engine).

So everything a test does shares one connection, and nothing it writes is seen on another.
A test that needs really committed data (threads with sessions of their own, a live HTTP
server, a second engine) is marked `@pytest.mark.committed`: its app commits for real, and
afterwards the tables are emptied and seeded again. The browser suite marks every test that
uses its live server (tests/e2e/conftest.py).

Requests must be made outside `with app.app_context()`: a request reuses an app context
that is already pushed, and with it Flask-Login's cached user.
"""

import os
import uuid
from contextlib import contextmanager

import pytest
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from forum import create_app, seed
from forum.extensions import db
from forum.search import schema as search_schema
from tests import factories

PG_URL_VARIABLE = "FORUM_TEST_DATABASE_URL"


@contextmanager
def scratch_database(prefix, sqlite_dir):
    """A new, empty database (dropped afterwards) on the PostgreSQL server the tests were given,
    or a SQLite file in sqlite_dir."""
    server_url = os.environ.get(PG_URL_VARIABLE)
    if not server_url:
        yield f"sqlite:///{sqlite_dir / f'{prefix}.db'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database for this test session."""
    with scratch_database("forum_test", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def _seeded(database_url):
    """The schema and the seed, committed once: every test starts from this state. Its value,
    the number of rows in each table, lets tests/test_conftest.py check that."""
    app = create_app(_test_config(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed.load_seed()
        db.session.commit()
        rows = _row_counts()
        db.session.remove()
        db.engine.dispose()
    return rows


def _row_counts():
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _test_config(database_url):
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": True,
        # scrypt is the production default; a cheap hash keeps a hundred logins fast.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Off, but for the tests that check the limits (tests/test_limits.py).
        "RATELIMIT_ENABLED": False,
    }


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "committed: the test's commits are real and seen on every connection (slower: the "
        "tables are emptied and seeded again afterwards)",
    )
    config.addinivalue_line(
        "markers",
        "app_config(**settings): configuration the test's app gets on top of the tests' own "
        "(e.g. RATELIMIT_ENABLED=True)",
    )


@pytest.fixture
def app(request, database_url, _savepoint_engine, tmp_path):
    """A new app on the seeded database: in a transaction rolled back at the end, or really
    committed for a test marked `committed`. Its attached files go to the test's own folder."""
    config = {**_test_config(database_url), "UPLOAD_PATH": str(tmp_path / "uploads")}
    # Module-level settings first, then the test's own (iter_markers gives the closest first).
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        config.update(marker.kwargs)
    if request.node.get_closest_marker("committed"):
        yield from _committed_app(config)
    else:
        yield from _rolled_back_app(config, _savepoint_engine)


def _rolled_back_app(config, engine):
    app = _create_app(config, engine=engine)
    raw = engine.raw_connection()
    if engine.dialect.name == "sqlite":
        # The sqlite3 module opens a transaction only before a write, and a savepoint opened
        # outside of one would commit when released.
        _execute(raw.dbapi_connection, "BEGIN")
    _execute(raw.dbapi_connection, f"SAVEPOINT {_SAVEPOINT}")
    raw.close()
    yield app
    raw = engine.raw_connection()
    raw.rollback()  # the driver's own: everything since BEGIN
    raw.close()


def _committed_app(config):
    app = _create_app(config)
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables(db.engine)
        seed.load_seed()
        db.session.commit()
        db.engine.dispose()


def _empty_tables(engine):
    """Empty every table outside the session, whose events would log the deletions as page
    changes: the seeded state must come back exactly."""
    tables = db.metadata.sorted_tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("PRAGMA foreign_keys = OFF"))  # threads and posts: a cycle
            for table in reversed(tables):
                connection.execute(table.delete())
            search_schema.empty(connection)  # on PostgreSQL, TRUNCATE … CASCADE empties it


@pytest.fixture(scope="session")
def _savepoint_engine(database_url, _seeded):
    """The engine of every test that is not marked `committed`: one connection (so that every
    session and every engine.connect() sees what the test wrote), on which COMMIT becomes
    RELEASE SAVEPOINT and ROLLBACK becomes ROLLBACK TO SAVEPOINT.

    SQLAlchemy's recipe (a session joined to an outer transaction) would need the app to use a
    session made here, would miss the app's engine.connect() calls, and shows its SAVEPOINT
    statements to the query counts. Here the app, its session and their events are untouched:
    only the dialect, the last step before the driver, is told what commit and rollback mean.
    Kept for the whole run, the engine also keeps its compiled SQL from test to test.
    """
    # Made by the app, so that it has the app's settings (forum.database). One connection;
    # no reset on return: SQLAlchemy rolls back what it began itself, and the pool's own
    # rollback would undo the test's work; no pre-ping: it switches to autocommit to ping.
    one_connection = {"poolclass": StaticPool, "pool_reset_on_return": None,
                      "pool_pre_ping": False}  # fmt: skip
    app = create_app({**_test_config(database_url), "SQLALCHEMY_ENGINE_OPTIONS": one_connection})
    with app.app_context():
        engine = db.engine
    with engine.connect():
        pass  # the first connection sets the dialect up, with its real commit and rollback
    dialect = engine.dialect
    dialect.do_commit = _release_and_renew_savepoint
    dialect.do_rollback = _roll_back_to_savepoint
    # Changing the isolation level (the page cache reads its change log with AUTOCOMMIT) would
    # commit, or be refused, inside the transaction; within it, every level is the same.
    dialect.set_isolation_level = lambda dbapi_connection, level: None
    yield engine
    engine.dispose()


_SAVEPOINT = "test_commit"


def _execute(dbapi_connection, statement):
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def _release_and_renew_savepoint(dbapi_connection):
    _execute(dbapi_connection, f"RELEASE SAVEPOINT {_SAVEPOINT}")
    _execute(dbapi_connection, f"SAVEPOINT {_SAVEPOINT}")


def _roll_back_to_savepoint(dbapi_connection):
    _execute(dbapi_connection, f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the whole run (each new app would compile every template it
    renders again, some 20 ms each). Jinja checks the source's checksum before using one."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


def _create_app(config, *, engine=None):
    """create_app(), sharing with earlier tests what holds no state of theirs and is slow to
    build again: the compiled templates and, when given, the engine."""
    app = create_app(config)
    app.jinja_env.bytecode_cache = _COMPILED_TEMPLATES
    if engine is not None:
        with app.app_context():
            db.engine.dispose()  # never connected: engines connect on first use
            db.engines[None] = engine  # the app's own dict of engines, by bind key
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# One person per role. Each is a plain snapshot (id, email, password), safe outside a context.


@pytest.fixture
def authority(app):
    with app.app_context():
        return factories.make_authority().id


@pytest.fixture
def member(app, authority):
    with app.app_context():
        return factories.make_person(role="member", authority_id=authority)


@pytest.fixture
def other_member(app, authority):
    with app.app_context():
        return factories.make_person(role="member", authority_id=authority)


@pytest.fixture
def task_force_member(app, authority):
    with app.app_context():
        return factories.make_person(task_force="financial-experts", authority_id=authority)


@pytest.fixture
def other_task_force_member(app, authority):
    with app.app_context():
        return factories.make_person(task_force="inclusion-gender", authority_id=authority)


@pytest.fixture
def moderator(app):
    """Moderates the financial-management board and the financial experts' board."""
    with app.app_context():
        return factories.make_person(
            role="moderator", moderates=["financial-management", "tf-financial-experts"]
        )


@pytest.fixture
def other_moderator(app):
    """Moderates the public-relations board only."""
    with app.app_context():
        return factories.make_person(role="moderator", moderates=["public-relations"])


@pytest.fixture
def admin(app):
    with app.app_context():
        return factories.make_person(role="admin")


@pytest.fixture
def analyst(app, authority):
    """A member of a local authority who may also read the participation reports."""
    with app.app_context():
        return factories.make_person(role="analyst", authority_id=authority)


@pytest.fixture
def suspended(app):
    with app.app_context():
        return factories.make_person(role="member", suspended=True)


@pytest.fixture
def login(client):
    """Log a person in through the real form; returns the client."""

    def log_in(person, *, on=None):
        target = on or client
        factories.submit(
            target, "/auth/login", {"email": person.email, "password": person.password}
        )
        return target

    return log_in


def pytest_report_header(config):
    url = os.environ.get(PG_URL_VARIABLE)
    return f"database: {make_url(url).get_backend_name() if url else 'sqlite'}"
