"""Pages cost a bounded number of SQL queries whatever the forum's size. Counts, not timings."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from forum.extensions import db
from forum.models import Tag, Thread, User
from forum.outcomes import actions as outcomes
from forum.tags.actions import set_thread_tags
from tests import factories

BOARD = "financial-management"
# 8, and one for a member: whether they watch the thread (its watch button, forum.following);
# the thread's tags (forum.tags) and whether it has an outcome (forum.outcomes): one each;
# one for its similar threads (forum.search); one recording how far a member has read
# (forum.reading); one for the files of the page's posts, all of them at once (forum.attachments).
THREAD_PAGE_LIMIT = 14


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


def test_reader_state_costs_a_member_one_query_at_most_and_a_visitor_none(
    app, login, member, other_member
):
    """Measured before unread tracking: visitor home 3, board 5, thread 7; member 6, 9, 11
    (the thread page's 4 and 8 then grew by its tags, its outcome and its similar threads:
    forum.tags, forum.outcomes, forum.search), and the thread page by one for its files
    (forum.attachments)."""
    thread_id = add_threads(app, other_member.id, 5, replies=4)
    urls = pages(app, thread_id)
    visitor = {name: cold_queries(app, app.test_client(), urls[name]) for name in urls}
    reader = login(member, on=app.test_client())
    members = {name: cold_queries(app, reader, urls[name]) for name in urls}
    assert (visitor["home"], visitor["board"], visitor["thread"]) == (3, 5, 7 + 1)
    assert (members["home"], members["board"], members["thread"]) == (6 + 1, 9, 11 + 1 + 1)


def add_adoptions(app, story_id, count):
    with app.app_context():
        thread = db.session.get(Thread, story_id)
        for _ in range(count):
            authority = factories.make_authority(name_en="Adopter", governorate="tubas")
            adopter = db.session.get(User, factories.make_person(authority_id=authority.id).id)
            outcomes.adopt_story(adopter, thread, note="طبقناها")
        db.session.commit()


def test_an_outcome_costs_the_thread_page_a_bounded_number_of_queries(app, reader, other_member):
    """A story's adoptions and their history are read in one query each, however many."""
    with app.app_context():
        story = factories.make_thread(other_member.id, BOARD, kind="success_story").id
    add_adoptions(app, story, 2)
    few = cold_queries(app, reader, f"/t/{story}")
    add_adoptions(app, story, 10)
    many = cold_queries(app, reader, f"/t/{story}")
    assert few == many <= THREAD_PAGE_LIMIT + 2  # the outcome's history and the adoptions


def test_authority_pages_cost_the_same_whatever_the_forum_holds(app, reader, other_member):
    """Figures are counted by the database, grouped: the statements do not grow with the
    authorities, their members or their posts."""
    with app.app_context():
        authority = db.session.get(User, other_member.id).authority_id
    add_threads(app, other_member.id, 2, replies=2)
    urls = {"list": "/authorities", "one": f"/authorities/{authority}"}
    small = {name: cold_queries(app, reader, url) for name, url in urls.items()}
    with app.app_context():
        for number in range(5):
            place = factories.make_authority(name_en=f"Place {number}", governorate="salfit")
            factories.make_person(authority_id=place.id)
    add_threads(app, other_member.id, 20, replies=30)
    large = {name: cold_queries(app, reader, url) for name, url in urls.items()}
    assert large == small


def add_matching_threads(app, authority, count):
    """Threads by as many different authors, on two boards, each with the word «الجباية» and
    the first starter tag."""
    with app.app_context():
        tag = db.session.scalars(select(Tag).order_by(Tag.id)).first()
        for number in range(count):
            author = db.session.get(User, factories.make_person(authority_id=authority).id)
            board = BOARD if number % 2 else "village-councils"
            thread = factories.make_thread(author.id, board, title=f"الجباية {number}",
                                           body=f"تجربة في الجباية رقم {number}")  # fmt: skip
            set_thread_tags(author, thread, [tag])
        db.session.commit()
        return tag.slug


def test_search_and_tag_pages_cost_the_same_however_many_they_list(app, reader, authority):
    """Results carry their thread, board and author: loaded with the page, not one by one."""
    tag = add_matching_threads(app, authority, 2)
    urls = {"search": "/search?q=الجباية", "tag": f"/tags/{tag}", "tags": "/tags"}
    few = {name: cold_queries(app, reader, url) for name, url in urls.items()}
    add_matching_threads(app, authority, 12)
    many = {name: cold_queries(app, reader, url) for name, url in urls.items()}
    assert many == few
    for url in (urls["search"], urls["tag"]):  # the pages did list them all
        page = re.sub(r"<[^>]+>", "", reader.get(url).get_data(as_text=True))  # no <mark>
        assert all(f"الجباية {number}" in page for number in range(12)), url


# The report's own statements: threads by kind, members active and replies (kept months and
# the posts of part-months in one), five further figures, and the labels of its rows.
REPORT_LIMIT = 14


def test_report_pages_cost_the_same_whatever_the_forum_holds(app, login, admin, other_member):
    """Each figure is one grouped statement over the kept counts or the threads: none grows
    with the months, the members, the authorities or the posts in the range."""
    reader = login(admin, on=app.test_client())
    urls = {by: f"/reports?by={by}" for by in ("month", "platform", "governorate", "authority")}
    urls.update(csv="/reports.csv?by=authority",
                part_months="/reports?start=2025-01-10&end=2025-03-20")  # fmt: skip
    add_threads(app, other_member.id, 2, replies=2)
    small = {name: cold_queries(app, reader, url) for name, url in urls.items()}
    with app.app_context():
        for number in range(5):
            place = factories.make_authority(name_en=f"Place {number}", governorate="salfit")
            author = factories.make_person(authority_id=place.id).id
            factories.make_thread(author, "village-councils", title=f"موضوع {number}")
    add_threads(app, other_member.id, 20, replies=30)
    large = {name: cold_queries(app, reader, url) for name, url in urls.items()}
    assert large == small
    assert max(large.values()) <= REPORT_LIMIT, large
