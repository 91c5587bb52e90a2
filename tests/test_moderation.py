"""The approval queue: member post → pending → approved (or rejected with a reason), the trust
threshold, the header count, and pending content kept out of every list and count."""

import pytest
from flask_babel import force_locale
from sqlalchemy import event, select

from forum import permissions
from forum.extensions import db
from forum.models import Board, ModerationLog, Notification, Post, PostRevision, Thread, User
from forum.moderation.log import REJECTION_REASONS
from forum.threads import actions
from tests.factories import board_by_slug, make_reply, make_thread, make_user, submit


@pytest.fixture
def mod_client(app, login, moderator):
    return login(moderator, on=app.test_client())


def _thread(app, thread_id):
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        db.session.expunge(thread)
        return thread


def _log(app, **where):
    with app.app_context():
        rows = db.session.scalars(select(ModerationLog).filter_by(**where)).all()
        return [(row.action, row.actor_id, row.board_id, row.reason) for row in rows]


def test_member_thread_waits_for_approval_then_is_published(
    app, client, login, member, other_member, moderator, mod_client
):
    login(member)
    response = submit(client, "/t/new?board=financial-management",
                      {"title": "تحصيل رسوم النفايات", "kind": "question",
                       "body": "كيف تحسّنون نسبة التحصيل؟"})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        thread_id = db.session.scalar(
            select(Thread.id).where(Thread.title == "تحصيل رسوم النفايات")
        )
    assert _thread(app, thread_id).status == "pending"
    own_page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "notice-pending" in own_page  # the author sees it, marked as waiting

    other = login(other_member, on=app.test_client())
    assert other.get(f"/t/{thread_id}").status_code == 404
    _assert_absent_everywhere(app, other, member, "تحصيل رسوم النفايات", "financial-management")

    queue_page = mod_client.get("/mod/queue").get_data(as_text=True)
    assert "تحصيل رسوم النفايات" in queue_page
    assert "كيف تحسّنون نسبة التحصيل؟" in queue_page  # the full text
    assert member.name in queue_page and "بلدية الاختبار" in queue_page  # author and authority
    assert 'class="count">1<' in queue_page  # waiting items in the header

    approved = submit(mod_client, "/mod/queue", {"approve_one": f"thread-{thread_id}"})
    assert approved.status_code == 302
    assert _thread(app, thread_id).status == "published"
    assert "تحصيل رسوم النفايات" in other.get("/b/financial-management").get_data(as_text=True)
    with app.app_context():
        board = board_by_slug("financial-management")
        assert (board.thread_count, board.post_count) == (1, 1)
        assert db.session.get(User, member.id).approved_post_count == 1
        kinds = db.session.scalars(select(Notification.kind).filter_by(user_id=member.id)).all()
        assert kinds == ["thread_approved"]
    assert _log(app, thread_id=thread_id) == [("approve_thread", moderator.id, board.id, "")]
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "تحصيل رسوم النفايات" in inbox
    assert "لا شيء بانتظار الموافقة." in mod_client.get("/mod/queue").get_data(as_text=True)


def _assert_absent_everywhere(app, reader, author, title, slug):
    """Pending content is in no list and no count, for readers and for its author alike."""
    for page in ("/", f"/b/{slug}", f"/u/{author.id}"):
        assert title not in reader.get(page).get_data(as_text=True), page
    with app.app_context():
        board = board_by_slug(slug)
        assert (board.thread_count, board.post_count, board.last_thread_id) == (0, 0, None)


def test_rejected_thread_tells_the_author_why(app, client, login, member, moderator, mod_client):
    with app.app_context():
        thread_id = make_thread(member.id, title="إعلان تجاري", published=False).id
    response = submit(mod_client, f"/mod/queue/thread/{thread_id}/reject",
                      {"reason": "other", "reason_text": "الموضوع مكرر في منصة أخرى"})  # fmt: skip
    assert response.status_code == 302
    thread = _thread(app, thread_id)
    assert (thread.status, thread.rejection_reason) == ("rejected", "الموضوع مكرر في منصة أخرى")
    assert _log(app, action="reject_thread") == [
        ("reject_thread", moderator.id, thread.board_id, "الموضوع مكرر في منصة أخرى")
    ]
    login(member)
    assert "الموضوع مكرر في منصة أخرى" in client.get(f"/t/{thread_id}").get_data(as_text=True)
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "إعلان تجاري" in inbox and "الموضوع مكرر في منصة أخرى" in inbox
    # Listed to her, marked, apart from the board's published threads.
    board_page = client.get("/b/financial-management").get_data(as_text=True)
    listed, _, threads = board_page.partition('class="thread-list"')
    assert "إعلان تجاري" in listed and "إعلان تجاري" not in threads
    with app.app_context():
        assert db.session.get(User, member.id).approved_post_count == 0


def test_a_reason_from_the_list_is_shown_in_words_not_as_its_key(app, client, login, member,
                                                                 mod_client):  # fmt: skip
    with app.app_context():
        thread_id = make_thread(member.id, published=False).id
    submit(mod_client, f"/mod/queue/thread/{thread_id}/reject", {"reason": "duplicate"})
    assert _thread(app, thread_id).rejection_reason == "duplicate"
    with app.test_request_context(), force_locale("ar"):  # the member reads Arabic
        label = str(REJECTION_REASONS["duplicate"])
    login(member)
    for page in (f"/t/{thread_id}", "/notifications"):
        html = client.get(page).get_data(as_text=True)
        assert "duplicate" not in html and label in html


def test_rejecting_with_another_reason_needs_words(app, member, mod_client):
    with app.app_context():
        thread_id = make_thread(member.id, published=False).id
    response = submit(mod_client, f"/mod/queue/thread/{thread_id}/reject",
                      {"reason": "other", "reason_text": "  "})  # fmt: skip
    assert response.status_code == 422
    assert _thread(app, thread_id).status == "pending"


def test_pending_reply_stays_out_of_counts_until_approved(
    app, client, login, member, other_member, mod_client
):
    with app.app_context():
        thread = make_thread(member.id)
        thread.board.replies_need_approval = True
        db.session.commit()
        thread_id = thread.id
    login(other_member)
    submit(client, f"/t/{thread_id}/reply", {"body": "رد ينتظر الموافقة", "parent_id": ""},
           form_page=f"/t/{thread_id}")  # fmt: skip
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.body_source == "رد ينتظر الموافقة"))
        post_id = post.id
        assert post.status == "pending"
        assert (post.thread.reply_count, post.thread.board.post_count) == (0, 1)
    assert "رد ينتظر الموافقة" not in app.test_client().get(f"/t/{thread_id}").get_data(
        as_text=True
    )
    assert "رد ينتظر الموافقة" in mod_client.get("/mod/queue").get_data(as_text=True)

    submit(mod_client, "/mod/queue", {"approve_one": f"post-{post_id}"})
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.status == "published"
        assert (post.thread.reply_count, post.thread.board.post_count) == (1, 2)
        kinds = db.session.scalars(select(Notification.kind).filter_by(user_id=other_member.id))
        assert list(kinds) == ["post_approved"]
    assert "رد ينتظر الموافقة" in app.test_client().get(f"/t/{thread_id}").get_data(as_text=True)


def test_bulk_approve_and_bulk_reject(app, member, moderator, mod_client):
    with app.app_context():
        ids = [make_thread(member.id, title=f"موضوع {n}", published=False).id for n in range(4)]
    tokens = [f"thread-{n}" for n in ids]
    response = submit(mod_client, "/mod/queue", {"items": tokens[:2], "approve": "1"})
    assert response.status_code == 302
    response = submit(mod_client, "/mod/queue",
                      {"items": tokens[2:], "reject": "1", "reason": "off_topic"})  # fmt: skip
    assert response.status_code == 302
    statuses = [_thread(app, n).status for n in ids]
    assert statuses == ["published", "published", "rejected", "rejected"]
    with app.app_context():
        assert board_by_slug("financial-management").thread_count == 2
        assert db.session.scalar(select(Thread.rejection_reason).where(Thread.id == ids[3])) == (
            "off_topic"
        )
        notes = db.session.scalars(select(Notification.kind).order_by(Notification.id)).all()
        assert notes == ["thread_approved"] * 2 + ["thread_rejected"] * 2
    assert len(_log(app, actor_id=moderator.id)) == 4


def test_queue_lists_oldest_first(app, member, mod_client):
    with app.app_context():
        first = make_thread(member.id, title="الأقدم", published=False).id
        make_thread(member.id, title="الأحدث", published=False)
    html = mod_client.get("/mod/queue").get_data(as_text=True)
    assert html.index("الأقدم") < html.index("الأحدث")
    assert f'value="thread-{first}"' in html


def test_edit_then_approve_keeps_the_authors_text(app, member, moderator, mod_client):
    with app.app_context():
        thread_id = make_thread(member.id, title="عنوان فيه خطأ", body="نص فيه رقم هاتف 0599",
                                published=False).id  # fmt: skip
    response = submit(mod_client, f"/mod/queue/thread/{thread_id}/edit",
                      {"title": "عنوان مصحح", "body": "نص بلا رقم هاتف"})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert (thread.status, thread.title) == ("published", "عنوان مصحح")
        assert thread.first_post.body_source == "نص بلا رقم هاتف"
        revision = db.session.scalar(select(PostRevision))
        assert (revision.title, revision.body_source) == ("عنوان فيه خطأ", "نص فيه رقم هاتف 0599")
        assert revision.replaced_by_id == moderator.id
    assert sorted(a for a, *_ in _log(app, thread_id=thread_id)) == ["approve_thread", "edit_post"]


def test_deciding_twice_changes_nothing(app, member, mod_client):
    with app.app_context():
        thread_id = make_thread(member.id, published=False).id
    submit(mod_client, "/mod/queue", {"approve_one": f"thread-{thread_id}"})
    again = submit(mod_client, f"/mod/queue/thread/{thread_id}/reject", {"reason": "spam"},
                   form_page="/mod/queue")  # fmt: skip
    assert again.status_code == 302
    assert _thread(app, thread_id).status == "published"
    assert [a for a, *_ in _log(app, thread_id=thread_id)] == ["approve_thread"]


# The trust threshold -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved_posts", "threshold", "waits"),
    [(0, 3, True), (2, 3, True), (3, 3, False), (10, 3, False), (100, 0, True), (1, 1, False)],
)
def test_trust_threshold(app, approved_posts, threshold, waits):
    with app.app_context():
        user = make_user()
        user.approved_post_count = approved_posts
        board = board_by_slug("financial-management")
        board.trust_threshold = threshold
        assert permissions.needs_approval(user, board) is waits
        thread = actions.start_thread(user, board, title="عنوان", kind="question", body="نص")
        assert thread.status == ("pending" if waits else "published")
        db.session.rollback()


def test_replies_skip_the_queue_unless_the_board_asks(app):
    with app.app_context():
        user, board = make_user(), board_by_slug("financial-management")
        assert permissions.needs_approval(user, board, reply=True) is False
        board.replies_need_approval = True
        assert permissions.needs_approval(user, board, reply=True) is True
        board.threads_need_approval = False
        assert permissions.needs_approval(user, board) is False


def test_moderators_and_admins_never_wait_but_a_moderator_of_another_board_does(
    app, moderator, other_moderator, admin
):
    with app.app_context():
        board = board_by_slug("financial-management")
        for person, waits in ((moderator, False), (admin, False), (other_moderator, True)):
            assert permissions.needs_approval(db.session.get(User, person.id), board) is waits


def test_three_approved_threads_earn_trust(app, client, login, member, mod_client):
    login(member)
    for number in range(4):
        submit(client, "/t/new?board=financial-management",
               {"title": f"موضوع رقم {number}", "kind": "discussion", "body": "نص"})  # fmt: skip
        with app.app_context():
            thread = db.session.scalar(select(Thread).order_by(Thread.id.desc()).limit(1))
            thread_id, status = thread.id, thread.status
        if number < 3:
            assert status == "pending"
            submit(mod_client, "/mod/queue", {"approve_one": f"thread-{thread_id}"})
        else:
            assert status == "published"  # three approved posts: the fourth skips the queue


# The header count --------------------------------------------------------------------------


def _statements_during(app, request):
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        request()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return seen


def test_header_counts_cost_one_query_and_only_moderators_see_the_queue(
    app, client, login, member, mod_client
):
    with app.app_context():
        make_thread(member.id, published=False)
        make_thread(member.id, "tf-financial-experts", published=False)
        make_thread(member.id, "public-relations", published=False)  # not this moderator's
    statements = _statements_during(app, lambda: mod_client.get("/"))
    counting = [s for s in statements if "notifications" in s]
    assert len(counting) == 1 and "FROM flags" in counting[0]
    html = mod_client.get("/").get_data(as_text=True)
    assert 'href="/mod/queue">' in html and 'class="count">2<' in html

    login(member)
    statements = _statements_during(app, lambda: client.get("/"))
    counting = [s for s in statements if "notifications" in s]
    assert len(counting) == 1 and "threads" not in counting[0]
    assert "/mod/queue" not in client.get("/").get_data(as_text=True)
    visitor = app.test_client()
    assert not [s for s in _statements_during(app, lambda: visitor.get("/")) if "notif" in s]


def test_moderation_area_is_for_moderators(app, client, login, member, admin):
    assert client.get("/mod/queue").status_code == 302  # to the login page
    login(member)
    for page in ("/mod/queue", "/mod/flags", "/mod/log"):
        assert client.get(page).status_code == 403
    admin_client = login(admin, on=app.test_client())
    for page in ("/mod/queue", "/mod/flags", "/mod/log"):
        assert admin_client.get(page).status_code == 200


def test_a_moderator_sees_only_their_boards_in_the_queue(app, member, mod_client):
    with app.app_context():
        make_thread(member.id, "tf-financial-experts", title="للفريق", published=False)
        make_thread(member.id, "public-relations", title="للعلاقات", published=False)
    html = mod_client.get("/mod/queue").get_data(as_text=True)
    assert "للفريق" in html and "للعلاقات" not in html


def test_deleted_pending_reply_leaves_the_queue(app, member, other_member, mod_client):
    with app.app_context():
        thread = make_thread(member.id)
        thread.board.replies_need_approval = True
        db.session.commit()
        reply = make_reply(other_member.id, thread, body="رد سأحذفه")
        actions.delete_post(db.session.get(User, other_member.id), reply)
        db.session.commit()
        board_id = thread.board_id
    assert "رد سأحذفه" not in mod_client.get("/mod/queue").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Board.thread_count).where(Board.id == board_id)) == 1


def test_the_bulk_panel_shows_only_for_several_items_and_collapsed(app, member, mod_client):
    with app.app_context():
        make_thread(member.id, title="وحيد في القائمة", published=False)
    alone = mod_client.get("/mod/queue").get_data(as_text=True)
    assert "وحيد في القائمة" in alone
    assert "bulk-actions" not in alone and 'name="items"' not in alone
    with app.app_context():
        make_thread(member.id, title="ثان في القائمة", published=False)
    several = mod_client.get("/mod/queue").get_data(as_text=True)
    assert '<details class="bulk-actions">' in several
    assert several.count('name="items"') == 2
