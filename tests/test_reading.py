"""Unread tracking: what is new to a member, where a thread opens for them, "mark all read",
and that reading is private state which empties no page cache."""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import PageChange, Thread, ThreadRead
from tests import factories
from tests.test_query_counts import BOARD, counting


def make_thread(app, author_id, replies=0):
    with app.app_context():
        thread = factories.make_thread(author_id, BOARD, title="موضوع للقراءة")
        for number in range(replies):
            factories.make_reply(author_id, thread, body=f"رد {number}")
        return thread.id


def reply(app, author_id, thread_id, body="رد جديد"):
    with app.app_context():
        return factories.make_reply(author_id, db.session.get(Thread, thread_id), body=body).id


def board_page(reader):
    return reader.get(f"/b/{BOARD}").get_data(as_text=True)


def test_a_thread_started_after_joining_is_new_until_opened(app, login, member, other_member):
    thread_id = make_thread(app, other_member.id, replies=1)
    reader = login(member)
    assert "new-marker" in board_page(reader)
    reader.get(f"/t/{thread_id}")
    assert "new-marker" not in board_page(reader)


def test_new_replies_are_counted_and_the_thread_opens_at_the_first(
    app, login, member, other_member
):
    app.config["POSTS_PER_PAGE"] = 3
    thread_id = make_thread(app, other_member.id, replies=4)  # two pages
    reader = login(member)
    reader.get(f"/t/{thread_id}")
    reader.get(f"/t/{thread_id}?page=2")
    first_new = reply(app, other_member.id, thread_id, body="الأول الجديد")
    reply(app, other_member.id, thread_id, body="الثاني الجديد")

    page = board_page(reader)
    assert 'class="new-marker">مشاركتان جديدتان<' in page  # the member reads Arabic
    assert f'href="/t/{thread_id}/unread"' in page
    landing = reader.get(f"/t/{thread_id}/unread")
    assert landing.status_code == 302
    assert landing.headers["Location"].endswith(f"/p/{first_new}")
    at_post = reader.get(landing.headers["Location"])
    assert at_post.headers["Location"].endswith(f"/t/{thread_id}?page=2#post-{first_new}")


def test_an_earlier_page_read_later_does_not_move_the_position_back(
    app, login, member, other_member
):
    app.config["POSTS_PER_PAGE"] = 2
    thread_id = make_thread(app, other_member.id, replies=3)
    reader = login(member)
    reader.get(f"/t/{thread_id}?page=2")
    reader.get(f"/t/{thread_id}")
    with app.app_context():
        position = db.session.get(ThreadRead, (member.id, thread_id)).last_read_post_id
        newest = db.session.get(Thread, thread_id).last_post_id
    assert position == newest


def test_mark_all_read_clears_the_board(app, login, member, other_member):
    make_thread(app, other_member.id, replies=2)
    reader = login(member)
    assert "new-marker" in board_page(reader)
    response = factories.submit(reader, f"/b/{BOARD}/read", {}, form_page=f"/b/{BOARD}")
    assert response.status_code == 302
    assert "new-marker" not in board_page(reader)


def test_the_home_page_marks_a_boards_latest_thread_when_new(app, login, member, other_member):
    make_thread(app, other_member.id)
    reader = login(member)
    assert "new-marker" in reader.get("/").get_data(as_text=True)


def test_visitors_see_no_marker_and_cannot_mark_read(app, client, member):
    make_thread(app, member.id)
    assert "new-marker" not in board_page(client)
    assert "mark-read-form" not in board_page(client)
    assert client.post(f"/b/{BOARD}/read").status_code in (302, 400)


def test_threads_older_than_the_member_are_not_new(app, login, other_member):
    make_thread(app, other_member.id, replies=1)
    with app.app_context():
        newcomer = factories.make_person(role="member")
    assert "new-marker" not in board_page(login(newcomer))


def test_reading_logs_no_page_change_and_keeps_the_visitors_cached_page(
    app, client, login, member, other_member
):
    thread_id = make_thread(app, other_member.id, replies=2)
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "miss"
    assert client.get(f"/b/{BOARD}").headers["X-Page-Cache"] == "miss"
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(PageChange))
    reader = login(member, on=app.test_client())
    reader.get(f"/t/{thread_id}")
    factories.submit(reader, f"/b/{BOARD}/read", {}, form_page=f"/b/{BOARD}")
    with app.app_context():
        assert db.session.get(ThreadRead, (member.id, thread_id)) is not None
        assert db.session.scalar(select(func.count()).select_from(PageChange)) == logged
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "hit"
    assert client.get(f"/b/{BOARD}").headers["X-Page-Cache"] == "hit"


def test_recording_a_read_costs_one_statement(app, login, member, other_member):
    thread_id = make_thread(app, other_member.id, replies=2)
    reader = login(member)
    reader.get(f"/t/{thread_id}")
    with counting(app) as statements:
        reader.get(f"/t/{thread_id}")
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1 and "thread_reads" in writes[0]
