"""Pages cost a bounded number of SQL queries whatever the forum's size. Counts, not timings."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from forum.extensions import db
from forum.models import Thread
from tests import factories

BOARD = "financial-management"
# 8, and one for a member: whether they watch the thread (its watch button, forum.following),
# and one for its similar threads (forum.search).
THREAD_PAGE_LIMIT = 10


@contextmanager
def counting(app):
    """Every statement the app's engine sends while the block runs."""
    with app.app_context():
        engine = db.engine
    statements = []

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def cold_queries(app, client, url):
    """Statements for one request with the worker's caches emptied: the worst case."""
    app.extensions["page_cache"].seen = None  # the next request empties it
    app.extensions.get("board_table", {}).clear()
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def add_threads(app, author_id, count, *, replies=0):
    """Threads in BOARD; the last one gets `replies` replies, some of them nested deeply."""
    with app.app_context():
        for number in range(count):
            thread = factories.make_thread(author_id, BOARD, title=f"موضوع {number}")
        parent = None
        for number in range(replies):
            # Every fifth reply starts a chain that runs past MAX_REPLY_DEPTH.
            parent = None if number % 5 == 0 else parent
            parent = factories.make_reply(author_id, thread, body=f"رد {number}", parent=parent)
        return thread.id


def pages(app, thread_id):
    per_page = app.config["THREADS_PER_PAGE"]
    with app.app_context():
        board = factories.board_by_slug(BOARD)
        board_pages = max(1, -(-board.thread_count // per_page))
        posts = db.session.get(Thread, thread_id).reply_count + 1
    thread_pages = max(1, -(-posts // app.config["POSTS_PER_PAGE"]))
    return {
        "home": "/",
        "board": f"/b/{BOARD}",
        "deep board page": f"/b/{BOARD}?page={board_pages}",
        "thread": f"/t/{thread_id}",
        "last thread page": f"/t/{thread_id}?page={thread_pages}",
    }


@pytest.fixture(params=["visitor", "member", "moderator"])
def reader(request, app, login, member, moderator):
    """A client for each kind of reader: the counts must hold for all of them."""
    if request.param == "visitor":
        return app.test_client()
    person = member if request.param == "member" else moderator
    return login(person, on=app.test_client())


def test_queries_per_page_do_not_grow_with_the_forum(app, reader, other_member):
    thread_id = add_threads(app, other_member.id, 5, replies=4)
    small = {name: cold_queries(app, reader, url) for name, url in pages(app, thread_id).items()}

    thread_id = add_threads(app, other_member.id, 55, replies=199)
    large_pages = pages(app, thread_id)
    assert "page=3" in large_pages["deep board page"]
    assert "page=10" in large_pages["last thread page"]
    large = {name: cold_queries(app, reader, url) for name, url in large_pages.items()}

    assert large["home"] == small["home"]
    for name in ("board", "deep board page"):
        assert large[name] == small["board"], name
    for name in ("thread", "last thread page"):
        assert large[name] == small["thread"], name
        assert large[name] <= THREAD_PAGE_LIMIT, name


def test_cached_visitor_page_costs_one_query(app, client, other_member):
    thread_id = add_threads(app, other_member.id, 1, replies=3)
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "miss"
    with counting(app) as statements:
        response = client.get(f"/t/{thread_id}")
    assert response.headers["X-Page-Cache"] == "hit"
    assert len(statements) == 1
