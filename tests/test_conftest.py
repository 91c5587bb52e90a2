"""The test database: each test starts from the seed, commits are commits to the app (its
session events fire), and a test marked `committed` writes for every connection to see."""

import pytest
from sqlalchemy import create_engine, event, func, select

from forum.extensions import db
from forum.models import User
from tests.conftest import _row_counts
from tests.factories import make_person, submit

# Run in this order, each finds the seed alone: nothing written by the one before is left.
RUNS = [
    pytest.param("rolled-back"),
    pytest.param("committed", marks=pytest.mark.committed),
    pytest.param("rolled-back-again"),
]


@pytest.mark.parametrize("run", RUNS)
def test_each_test_starts_from_the_seed_alone(app, _seeded, run):
    with app.app_context():
        assert _row_counts() == _seeded
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        make_person(email=f"{run}@example.org")


def test_a_commit_in_a_request_fires_the_session_events(app, client, login, member):
    """The page cache keeps its content version by these events."""
    names = ("before_commit", "after_flush", "after_commit")
    fired = []
    listeners = {name: lambda session, *args, name=name: fired.append(name) for name in names}
    login(member)
    for name, listener in listeners.items():
        event.listen(db.session, name, listener)
    try:
        response = submit(client, "/settings", {"display_name": "اسم جديد", "language": "ar"})
    finally:
        for name, listener in listeners.items():
            event.remove(db.session, name, listener)
    assert response.status_code == 302
    assert set(fired) == set(names)
    assert fired[-1] == "after_commit"


def test_a_rollback_undoes_only_what_came_after_the_last_commit(app, member):
    with app.app_context():
        db.session.get(User, member.id).display_name = "بعد الحفظ"
        db.session.commit()
        db.session.get(User, member.id).display_name = "لن يبقى"
        db.session.flush()
        db.session.rollback()
    with app.app_context():
        assert db.session.get(User, member.id).display_name == "بعد الحفظ"


@pytest.mark.committed
def test_a_committed_test_writes_for_every_connection(app, database_url, member):
    other = create_engine(database_url)
    try:
        with other.connect() as connection:
            found = connection.execute(select(User.email).where(User.id == member.id)).scalar()
    finally:
        other.dispose()
    assert found == member.email
