"""The page cache: a write drops exactly the pages it changes, on every worker; a page is
never stale, never someone else's, and never depends on the clock."""

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text, update

from forum import cache, create_app
from forum.cache import CACHEABLE_ENDPOINTS, CachedPage, PageCache
from forum.clock import utcnow
from forum.extensions import db
from forum.models import (
    Content,
    PageChange,
    Post,
    PrivateState,
    SiteState,
    Thread,
    User,
)
from forum.moderation import actions as moderation
from forum.notifications import notify
from forum.outcomes import actions as outcomes
from forum.threads import actions
from tests import factories
from tests.conftest import _test_config
from tests.test_query_counts import BOARD, add_threads, counting

OTHER_BOARD = "public-relations"


# Scoped invalidation ------------------------------------------------------------------------


def cache_states(client, urls):
    return {url: client.get(url).headers.get("X-Page-Cache") for url in urls}


def test_a_reply_drops_its_thread_its_board_and_home_and_nothing_else(
    app, client, member, other_member
):
    with app.app_context():
        here = factories.make_thread(member.id, BOARD, title="هنا").id
        beside = factories.make_thread(member.id, BOARD, title="بجانبه").id
        elsewhere = factories.make_thread(member.id, OTHER_BOARD, title="بعيد").id
    dropped = {"/", f"/b/{BOARD}", f"/t/{here}", f"/u/{other_member.id}"}
    kept = {f"/t/{beside}", f"/b/{OTHER_BOARD}", f"/t/{elsewhere}"}
    cache_states(client, dropped | kept)
    assert set(cache_states(client, dropped | kept).values()) == {"hit"}

    with app.app_context():
        factories.make_reply(other_member.id, db.session.get(Thread, here), body="رد محدد")

    states = cache_states(client, dropped | kept)
    assert {url for url, state in states.items() if state == "miss"} == dropped
    assert {url for url, state in states.items() if state == "hit"} == kept
    assert "رد محدد" in client.get(f"/t/{here}").get_data(as_text=True)


def test_a_renamed_member_drops_the_pages_that_reply_to_them(app, client, member, other_member):
    """Page 2 names the author its first post replies to, though they wrote nothing on it."""
    app.config["POSTS_PER_PAGE"] = 2
    with app.app_context():
        thread = factories.make_thread(other_member.id, BOARD)
        for _ in range(2):
            factories.make_reply(member.id, thread, parent=thread.first_post)
        thread_id = thread.id
    assert client.get(f"/t/{thread_id}?page=2").headers["X-Page-Cache"] == "miss"
    assert client.get(f"/t/{thread_id}?page=2").headers["X-Page-Cache"] == "hit"
    with app.app_context():
        db.session.get(User, other_member.id).display_name = "اسم جديد"
        db.session.commit()
    page = client.get(f"/t/{thread_id}?page=2")
    assert page.headers["X-Page-Cache"] == "miss"
    assert "اسم جديد" in page.get_data(as_text=True)


def test_recording_a_pages_reads_stops_with_its_request(app, client, member):
    """Rows loaded after a visitor's page was rendered (here, by a test) are nobody's reads."""
    thread_id = add_threads(app, member.id, 1)
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "miss"
    assert cache._page_reads.get() is None
    with app.app_context():
        assert client.get("/no-such-page").status_code == 404
        db.session.get(Thread, thread_id)
    assert cache._page_reads.get() is None


def test_private_state_invalidates_nothing(app, client, login, member):
    thread_id = add_threads(app, member.id, 1)
    client.get(f"/t/{thread_id}")
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(PageChange))
        thread = db.session.get(Thread, thread_id)
        notify(member.id, "thread_approved", thread=thread)
        db.session.commit()
    reader = login(member, on=app.test_client())
    assert (
        factories.submit(reader, "/notifications/read", {}, form_page="/notifications").status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PageChange)) == logged
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "hit"


def test_every_table_says_whether_pages_show_it(app):
    undecided = [
        mapper.class_.__name__
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Content) == issubclass(mapper.class_, PrivateState)
    ]
    assert undecided == []
    mapped = {table.name for mapper in db.Model.registry.mappers for table in mapper.tables}
    assert set(db.metadata.tables) <= mapped


def test_the_version_is_taken_at_commit_after_every_other_write(app, member):
    """The site_state row is locked from the version's UPDATE to the commit: that UPDATE must
    come after the transaction's own work, so writers do not queue behind each other."""
    thread_id = add_threads(app, member.id, 1)
    with counting(app) as statements, app.app_context():
        factories.make_reply(member.id, db.session.get(Thread, thread_id))
    writes = [
        s.split()[0:3]
        for s in statements
        if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    tables = [" ".join(words).lower() for words in writes]
    version_at = next(i for i, t in enumerate(tables) if "site_state" in t)
    assert version_at == len(tables) - 2, tables  # then only the log of what changed
    assert "page_changes" in tables[-1]


# Exact: a cached page is the page the forum would render now ---------------------------------


@pytest.fixture
def uncached_app(database_url):
    """Second apps on the same database without a page cache: what a page should be now."""
    made = []

    def make(**config):
        made.append(create_app({**_test_config(database_url), "PAGE_CACHE_BYTES": 0, **config}))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def fresh(uncached_app):
    return uncached_app().test_client()


def compare_with_fresh(client, fresh, urls):
    for url in urls:
        cached, expected = client.get(url), fresh.get(url)
        assert cached.status_code == expected.status_code, url
        assert cached.get_data(as_text=True) == expected.get_data(as_text=True), url


WRITES = {
    "reply": lambda author, thread: actions.reply(author, thread, body="رد جديد"),
    "edit title": lambda author, thread: actions.edit_post(
        author, thread.first_post, body="نص جديد", title="عنوان جديد"
    ),
    "rename author": lambda author, thread: setattr(author, "display_name", "اسم جديد"),
    "rename authority": lambda author, thread: setattr(author.authority, "name_ar", "هيئة أخرى"),
    "rename board": lambda author, thread: setattr(thread.board, "name_ar", "منصة جديدة"),
    "board for members": lambda author, thread: setattr(thread.board, "access", "members"),
    "move thread": lambda author, thread: moderation.move_thread(
        author, thread, factories.board_by_slug(OTHER_BOARD)
    ),
    "delete thread": lambda author, thread: actions.delete_thread(author, thread),
    "hide opening post": lambda author, thread: moderation.hide_post(author, thread.first_post),
    "lock thread": lambda author, thread: moderation.lock_thread(author, thread),
    "deactivate author": lambda author, thread: setattr(author, "active", False),
    # The thread is a question with one reply: its page and its board's list show the answer.
    "accept answer": lambda author, thread: outcomes.accept_answer(author, thread.last_post),
    "bulk update": lambda author, thread: db.session.execute(
        update(Post).where(Post.thread_id == thread.id).values(body_html="<p>بالجملة</p>")
    ),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.committed  # a second app reads the database
def test_after_any_write_every_cached_page_is_the_fresh_page(app, client, fresh, admin, write):
    with app.app_context():
        author = db.session.get(User, admin.id)
        author.authority = factories.make_authority()
        db.session.commit()
        thread = factories.make_thread(admin.id, BOARD, title="موضوع للمقارنة")
        factories.make_reply(admin.id, thread)
        other = factories.make_thread(admin.id, OTHER_BOARD, title="موضوع آخر")
        ids = thread.id, other.id
    urls = ["/", f"/b/{BOARD}", f"/b/{OTHER_BOARD}", f"/t/{ids[0]}", f"/t/{ids[1]}",
            f"/u/{admin.id}", f"/t/{ids[0]}?page=1"]  # fmt: skip
    english = app.test_client()
    for _ in range(2):
        for url in urls:
            client.get(url)
            english.get(url, headers={"Accept-Language": "en"})

    with app.app_context():
        WRITES[write](db.session.get(User, admin.id), db.session.get(Thread, ids[0]))
        db.session.commit()

    compare_with_fresh(client, fresh, urls)


@pytest.mark.committed  # a second app reads the database
def test_a_restored_thread_comes_back_to_its_authors_profile(app, client, fresh, admin):
    with app.app_context():
        thread = factories.make_thread(admin.id, BOARD, title="يعود")
        actions.delete_thread(db.session.get(User, admin.id), thread)
        db.session.commit()
        thread_id = thread.id
    client.get(f"/u/{admin.id}")
    with app.app_context():
        actions.restore_thread(db.session.get(User, admin.id), db.session.get(Thread, thread_id))
        db.session.commit()
    assert "يعود" in client.get(f"/u/{admin.id}").get_data(as_text=True)
    compare_with_fresh(client, fresh, [f"/u/{admin.id}", "/", f"/b/{BOARD}"])


def test_cache_bump_drops_pages_after_a_write_outside_the_application(app, client, runner, member):
    thread_id = add_threads(app, member.id, 1)
    client.get(f"/t/{thread_id}")
    with app.app_context(), db.engine.begin() as connection:  # as a script or psql would
        connection.execute(text("UPDATE threads SET title = 'من خارج التطبيق'"))
    assert "من خارج التطبيق" not in client.get(f"/t/{thread_id}").get_data(as_text=True)

    result = runner.invoke(args=["forum", "cache", "bump"])
    assert result.exit_code == 0, result.output
    assert "من خارج التطبيق" in client.get(f"/t/{thread_id}").get_data(as_text=True)


def test_a_worker_behind_the_pruned_log_starts_over(app, client, member, monkeypatch):
    from forum import changes

    thread_id = add_threads(app, member.id, 1)
    client.get(f"/t/{thread_id}")
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "hit"
    monkeypatch.setattr(changes, "KEEP_VERSIONS", 0)
    monkeypatch.setattr(changes, "PRUNE_EVERY", 1)
    with app.app_context():
        db.session.get(Thread, thread_id).title = "بعد التقليم"
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(PageChange)) == 0
        assert db.session.scalar(select(SiteState.pruned_through)) > 0
    assert "بعد التقليم" in client.get(f"/t/{thread_id}").get_data(as_text=True)


# The clock ------------------------------------------------------------------------------------


def cacheable_pages(app, member_id):
    with app.app_context():
        thread = factories.make_thread(member_id, BOARD)
        factories.make_reply(member_id, thread)
        thread_id = thread.id
    return {
        "boards.home": "/",
        "boards.show_board": f"/b/{BOARD}",
        "threads.show_thread": f"/t/{thread_id}",
        "accounts.profile": f"/u/{member_id}",
    }


@pytest.mark.committed  # a second app reads the database
def test_cacheable_pages_do_not_depend_on_the_clock(app, fresh, member):
    """Render each cacheable page, move the clock a day: it must be the same page."""
    pages = cacheable_pages(app, member.id)
    assert set(pages) == CACHEABLE_ENDPOINTS  # a new cacheable page needs a case here
    for endpoint, url in pages.items():
        now = fresh.get(url).get_data(as_text=True)
        with time_machine.travel(utcnow() + timedelta(days=1, hours=3), tick=False):
            later = fresh.get(url).get_data(as_text=True)
        assert later == now, endpoint


# Members' pages: kept by no cache ----------------------------------------------------------


def test_a_members_pages_are_kept_by_no_cache(app, login, member):
    thread_id = add_threads(app, member.id, 1)
    reader = login(member, on=app.test_client())
    for url in (f"/t/{thread_id}", "/settings", "/no-such-page"):
        response = reader.get(url)
        assert "X-Page-Cache" not in response.headers
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "ETag" not in response.headers
    # A visitor's page keeps its public caching.
    visitor = app.test_client().get(f"/t/{thread_id}")
    assert "no-store" not in visitor.headers.get("Cache-Control", "")


# The store itself -----------------------------------------------------------------------------


def test_the_store_is_safe_under_threads():
    cache = PageCache(max_bytes=4_000)
    version = [0]

    def changes(since):
        version[0] += 1
        return version[0], {f"thread:{version[0] % 7}"}

    cache.sync(lambda since: (0, set()))
    errors = []

    def work(number):
        try:
            for step in range(2_000):
                key = (number, step % 50)
                seen = cache.sync(changes) if step % 10 == 0 else cache.seen
                if cache.get(key) is None:
                    page = CachedPage(b"x" * 100, (), frozenset({f"thread:{step % 7}"}))
                    cache.put(key, page, seen)
        except Exception as error:  # noqa: BLE001  (any error in a thread fails the test)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache._size == sum(len(page.body) for page in cache._pages.values()) <= 4_000
    readers = {key for keys in cache._readers.values() for key in keys}
    assert readers == set(cache._pages)


# Never stale -------------------------------------------------------------------------------


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


@pytest.mark.committed  # a second app reads the database
def test_a_thread_pinned_from_a_later_page_reaches_the_first(app, client, uncached_app, admin):
    app.config["THREADS_PER_PAGE"] = 1
    fresh = uncached_app(THREADS_PER_PAGE=1)
    with app.app_context():
        older = factories.make_thread(admin.id, BOARD, title="أقدم").id
        factories.make_thread(admin.id, BOARD, title="أحدث")
    assert "أقدم" not in client.get(f"/b/{BOARD}").get_data(as_text=True)
    with app.app_context():
        moderation.pin_thread(db.session.get(User, admin.id), db.session.get(Thread, older))
        db.session.commit()
    assert "أقدم" in client.get(f"/b/{BOARD}").get_data(as_text=True)
    compare_with_fresh(client, fresh.test_client(), [f"/b/{BOARD}", f"/b/{BOARD}?page=2"])
