"""Pages cost a bounded number of SQL queries whatever the forum's size, and the page cache
never serves a stale page or one meant for someone else. Counts, not timings."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, select

from forum.extensions import db
from forum.models import Board, Post, Thread, User
from forum.threads import actions
from tests import factories

BOARD = "financial-management"
THREAD_PAGE_LIMIT = 8
LONG_BODY = (
    "نسبة التحصيل لدينا لا تتجاوز **40%**. هل جرّب أحدكم الربط مع فاتورة المياه أو الدفع "
    "الإلكتروني؟ في نابلس ربطنا الرسوم بفاتورة الكهرباء مسبقة الدفع، وارتفعت النسبة خلال سنة.\n\n"
    "* نشر التقارير المالية\n* لقاء شهري مع المواطنين\n\n"
) * 2


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
    app.extensions["page_cache"].version = None
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


# The page cache: never stale -------------------------------------------------------------


def test_visitor_sees_a_new_reply_at_once(app, client, login, member):
    thread_id = add_threads(app, member.id, 1)
    client.get(f"/t/{thread_id}")
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "hit"

    writer = login(member, on=app.test_client())
    reply = factories.submit(writer, f"/t/{thread_id}/reply", {"body": "رد جديد من البلدية"})
    assert reply.status_code == 302

    page = client.get(f"/t/{thread_id}")
    assert page.headers["X-Page-Cache"] == "miss"
    assert "رد جديد من البلدية" in page.get_data(as_text=True)
    assert "رد جديد من البلدية" in client.get(f"/t/{thread_id}").get_data(as_text=True)


def test_edits_made_outside_a_request_show_at_once(app, client, member):
    thread_id = add_threads(app, member.id, 1)
    client.get(f"/t/{thread_id}")
    client.get(f"/b/{BOARD}")
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        actions.edit_post(db.session.get(User, member.id), thread.first_post,
                          body="نص معدل", title="عنوان معدل")  # fmt: skip
        db.session.commit()
    assert "نص معدل" in client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "عنوان معدل" in client.get(f"/b/{BOARD}").get_data(as_text=True)


def test_a_board_made_restricted_disappears_for_visitors_at_once(app, client, member):
    add_threads(app, member.id, 1)
    assert client.get(f"/b/{BOARD}").status_code == 200
    assert BOARD in client.get("/").get_data(as_text=True)
    with app.app_context():
        factories.board_by_slug(BOARD).access = "restricted"
        db.session.commit()
    assert client.get(f"/b/{BOARD}").status_code == 404
    assert f"/b/{BOARD}" not in client.get("/").get_data(as_text=True)


def test_a_bulk_update_also_invalidates(app, client, member):
    thread_id = add_threads(app, member.id, 1)
    client.get(f"/t/{thread_id}")
    with app.app_context():
        db.session.execute(Post.__table__.update().values(body_html="<p>بالجملة</p>"))
        db.session.commit()
    assert "بالجملة" in client.get(f"/t/{thread_id}").get_data(as_text=True)


def test_a_rolled_back_write_keeps_the_cache(app, client, member):
    thread_id = add_threads(app, member.id, 1)
    client.get(f"/t/{thread_id}")
    with app.app_context():
        db.session.get(Thread, thread_id).title = "لن يحفظ"
        db.session.flush()
        db.session.rollback()
    page = client.get(f"/t/{thread_id}")
    assert page.headers["X-Page-Cache"] == "hit"
    assert "لن يحفظ" not in page.get_data(as_text=True)


# The page cache: never someone else's page -----------------------------------------------


def test_a_members_page_is_never_served_to_a_visitor(app, client, login, member):
    thread_id = add_threads(app, member.id, 1)
    reader = login(member, on=app.test_client())
    for _ in range(2):
        assert member.name in reader.get(f"/t/{thread_id}").get_data(as_text=True)
    page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert member.name not in page.split("<main", 1)[0]  # the header names nobody
    assert "csrf_token" not in page
    assert 'name="body"' not in page  # no reply form for visitors


def test_a_visitors_page_is_never_served_to_a_member(app, client, login, member):
    thread_id = add_threads(app, member.id, 1)
    for _ in range(2):
        client.get(f"/t/{thread_id}")
    reader = login(member, on=app.test_client())
    page = reader.get(f"/t/{thread_id}").get_data(as_text=True)
    assert member.name in page.split("<main", 1)[0]
    assert 'name="body"' in page


def test_members_never_share_a_page(app, login, member, other_member):
    thread_id = add_threads(app, member.id, 1)
    first = login(member, on=app.test_client())
    second = login(other_member, on=app.test_client())
    for _ in range(2):
        first.get(f"/t/{thread_id}")
    page = second.get(f"/t/{thread_id}").get_data(as_text=True)
    assert other_member.name in page.split("<main", 1)[0]
    assert member.name not in page.split("<main", 1)[0]
    assert "/edit" not in page  # the first member's edit links stay theirs


def test_a_restricted_board_is_never_served_to_visitors(app, client, login, task_force_member):
    with app.app_context():
        thread_id = factories.make_thread(task_force_member.id, "tf-financial-experts").id
    insider = login(task_force_member, on=app.test_client())
    for _ in range(2):
        assert insider.get("/b/tf-financial-experts").status_code == 200
        assert insider.get(f"/t/{thread_id}").status_code == 200
    assert client.get("/b/tf-financial-experts").status_code == 404
    assert client.get(f"/t/{thread_id}").status_code == 404
    assert "tf-financial-experts" not in client.get("/").get_data(as_text=True)


def test_a_flashed_message_is_shown_once_and_to_its_visitor_only(app, client):
    client.get("/")
    assert client.get("/settings").status_code == 302  # flashes "Please log in…"
    flashed = client.get("/auth/login").get_data(as_text=True)
    assert 'class="flash' in flashed
    assert 'class="flash' not in client.get("/").get_data(as_text=True)
    assert 'class="flash' not in app.test_client().get("/").get_data(as_text=True)


def test_each_language_has_its_own_page(app, client):
    english = {"Accept-Language": "en"}
    assert 'lang="ar"' in client.get("/").get_data(as_text=True)
    assert 'lang="en"' in app.test_client().get("/", headers=english).get_data(as_text=True)
    assert 'lang="ar"' in client.get("/").get_data(as_text=True)


def test_cached_pages_set_no_cookie(app, client):
    client.get("/")
    response = client.get("/")
    assert response.headers["X-Page-Cache"] == "hit"
    assert "Set-Cookie" not in response.headers


def test_the_language_link_works_without_javascript(app, client):
    page = client.get(f"/b/{BOARD}").get_data(as_text=True)
    assert f"/language/en?next=/b/{BOARD}" in page
    response = client.get(f"/language/en?next=/b/{BOARD}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/b/{BOARD}"
    assert 'lang="en"' in client.get(f"/b/{BOARD}").get_data(as_text=True)


# Page weight and static files ------------------------------------------------------------


def test_a_twenty_post_thread_weighs_under_60_kb(app, client, login, member, other_member):
    with app.app_context():
        thread = factories.make_thread(member.id, BOARD, body=LONG_BODY)
        for number in range(19):
            factories.make_reply(other_member.id if number % 2 else member.id, thread,
                                 body=LONG_BODY)  # fmt: skip
        thread_id = thread.id
        assert db.session.scalar(select(Board.post_count).where(Board.slug == BOARD)) == 20
    assert len(client.get(f"/t/{thread_id}").data) < 60_000
    reader = login(member, on=app.test_client())
    assert len(reader.get(f"/t/{thread_id}").data) < 60_000


def test_stylesheet_weighs_under_30_kb(app):
    assert (Path(app.static_folder) / "css" / "forum.css").stat().st_size < 30_000


def test_static_files_with_a_content_hash_are_kept_for_a_year(app, client):
    page = client.get("/").get_data(as_text=True)
    stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert "?v=" in stylesheet
    with client.get(stylesheet) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.public
