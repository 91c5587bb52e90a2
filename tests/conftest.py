"""Fixtures: an app per test on a real database (SQLite, or PostgreSQL when
FORUM_TEST_DATABASE_URL is set), a client with CSRF on, and one person per role.

Requests must be made outside `with app.app_context()`: a request reuses an app context
that is already pushed, and with it Flask-Login's cached user.
"""

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from forum import create_app, seed
from forum.extensions import db
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
def _schema(database_url):
    app = create_app(_test_config(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def _test_config(database_url):
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": True,
        # scrypt is the production default; a cheap hash keeps a hundred logins fast.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture
def app(database_url, _schema):
    app = create_app(_test_config(database_url))
    with app.app_context():
        seed.load_seed()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables():
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        db.session.execute(text("PRAGMA foreign_keys = OFF"))
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


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
