"""Moderator actions on threads and posts: each is written to the log, and each is refused to a
moderator of another board (404 when they cannot read the content, 403 when they can)."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import ModerationLog, Post, Thread, User
from forum.threads import actions
from tests.factories import board_by_slug, csrf_token, make_reply, make_thread, submit


@pytest.fixture
def content(app, member, other_member, task_force_member):
    """A public thread with a reply, a deleted reply, a pending thread and reply, a task force's."""
    with app.app_context():
        public = make_thread(member.id, title="موضوع عام")
        reply = make_reply(other_member.id, public, body="رد عام")
        gone = make_reply(other_member.id, public, body="رد محذوف")
        actions.delete_post(db.session.get(User, other_member.id), gone)
        pending = make_thread(member.id, title="موضوع معلق", published=False)
        public.board.replies_need_approval = True
        db.session.commit()
        pending_reply = make_reply(other_member.id, public, body="رد معلق")
        restricted = make_thread(task_force_member.id, "tf-financial-experts", title="سر الفريق")
        return {
            "public": public.id, "reply": reply.id, "gone": gone.id, "pending": pending.id,
            "pending_reply": pending_reply.id, "restricted": restricted.id,
            "restricted_post": restricted.first_post_id,
        }  # fmt: skip


# (method, address, form data, answer for a moderator of another board)
REFUSED = [
    ("post", "/mod/t/{public}/lock", {}, 403),
    ("post", "/mod/t/{public}/unlock", {}, 403),
    ("post", "/mod/t/{public}/pin", {}, 403),
    ("post", "/mod/t/{public}/unpin", {}, 403),
    ("post", "/mod/t/{public}/delete", {}, 403),
    ("post", "/mod/t/{public}/restore", {}, 403),
    ("get", "/mod/t/{public}/move", {}, 403),
    ("post", "/mod/t/{public}/move", {"board": "1"}, 403),
    ("post", "/mod/p/{gone}/restore", {}, 404),  # a deleted post is unreadable to them
    ("post", "/mod/p/{reply}/unhide", {}, 403),
    ("post", "/mod/flags/{reply}", {"keep": "1"}, 403),
    ("post", "/mod/flags/{reply}", {"hide": "1"}, 403),
    ("get", "/mod/flags/{reply}/edit", {}, 403),
    ("post", "/mod/flags/{reply}/edit", {"body": "تعديل", "title": ""}, 403),
    ("post", "/p/{reply}/edit", {"body": "تعديل", "title": ""}, 403),
    ("post", "/p/{reply}/delete", {}, 403),
    ("post", "/mod/queue", {"approve_one": "thread-{pending}"}, 404),
    ("post", "/mod/queue", {"items": "post-{pending_reply}", "approve": "1"}, 404),
    ("post", "/mod/queue/thread/{pending}/reject", {"reason": "spam"}, 404),
    ("post", "/mod/queue/post/{pending_reply}/reject", {"reason": "spam"}, 404),
    ("post", "/mod/queue/thread/{pending}/edit", {"body": "تعديل", "title": ""}, 404),
    ("post", "/mod/t/{pending}/delete", {}, 404),
    ("post", "/mod/t/{restricted}/lock", {}, 404),
    ("get", "/mod/t/{restricted}/move", {}, 404),
    ("post", "/mod/flags/{restricted_post}", {"hide": "1"}, 404),
    ("get", "/p/{restricted_post}/history", {}, 404),
]


@pytest.mark.parametrize(("method", "address", "data", "answer"), REFUSED)
def test_a_moderator_of_another_board_is_refused(
    app, login, other_moderator, content, method, address, data, answer
):
    client = login(other_moderator, on=app.test_client())
    url = address.format(**content)
    if method == "get":
        response = client.get(url)
    else:
        values = {key: value.format(**content) for key, value in data.items()}
        response = client.post(url, data={**values, "csrf_token": csrf_token(client, "/mod/queue")})
    assert response.status_code == answer
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModerationLog)) == 0
        thread = db.session.get(Thread, content["public"])
        assert (thread.locked, thread.pinned, thread.status) == (False, False, "published")
        assert db.session.get(Thread, content["pending"]).status == "pending"
        assert db.session.get(Post, content["gone"]).deleted_at is not None


# (address, form data, logged action, check on the thread or post afterwards)
LOGGED = [
    ("/mod/t/{public}/lock", {"reason": "نقاش منته"}, "lock_thread", lambda t, p: t.locked),
    ("/mod/t/{public}/pin", {}, "pin_thread", lambda t, p: t.pinned),
    ("/mod/t/{public}/delete", {}, "delete_thread", lambda t, p: t.status == "deleted"),
    ("/p/{reply}/delete", {}, "delete_post", lambda t, p: p.deleted_at is not None),
    ("/p/{reply}/edit", {"body": "نص معدل", "title": ""}, "edit_post",
     lambda t, p: p.body_source == "نص معدل"),
    ("/mod/flags/{reply}", {"hide": "1"}, "hide_post", lambda t, p: p.hidden_at is not None),
]  # fmt: skip


@pytest.mark.parametrize(("address", "data", "action", "check"), LOGGED)
def test_each_moderator_action_is_written_to_the_log(
    app, login, moderator, content, address, data, action, check
):
    client = login(moderator, on=app.test_client())
    url = address.format(**content)
    response = submit(client, url, data, form_page="/mod/queue")
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, content["public"])
        assert check(thread, db.session.get(Post, content["reply"]))
        entry = db.session.scalar(select(ModerationLog))
        assert (entry.action, entry.actor_id, entry.board_id) == (
            action, moderator.id, thread.board_id
        )  # fmt: skip
        assert entry.thread_id == thread.id
        assert entry.reason == data.get("reason", "")


def test_lock_then_unlock_pin_then_unpin_and_restore(app, login, moderator, member, content):
    client = login(moderator, on=app.test_client())
    for verb in ("lock", "unlock", "pin", "unpin", "delete", "restore"):
        submit(client, f"/mod/t/{content['public']}/{verb}", {}, form_page="/mod/queue")
    submit(client, f"/mod/p/{content['gone']}/restore", {}, form_page="/mod/queue")
    with app.app_context():
        thread = db.session.get(Thread, content["public"])
        assert (thread.locked, thread.pinned, thread.status) == (False, False, "published")
        assert db.session.get(Post, content["gone"]).deleted_at is None
        assert thread.reply_count == 2 and thread.board.thread_count == 1
        logged = db.session.scalars(select(ModerationLog.action).order_by(ModerationLog.id)).all()
    assert logged == [
        "lock_thread", "unlock_thread", "pin_thread", "unpin_thread", "delete_thread",
        "restore_thread", "restore_post",
    ]  # fmt: skip
    # A locked thread refuses replies to members; the page shows the moderator's buttons.
    page = client.get(f"/t/{content['public']}").get_data(as_text=True)
    assert f"/mod/t/{content['public']}/lock" in page
    assert "/mod/t/" not in login(member, on=app.test_client()).get(
        f"/t/{content['public']}"
    ).get_data(as_text=True)


def test_move_keeps_links_and_counts_right(app, login, moderator, member, content):
    client = login(moderator, on=app.test_client())
    with app.app_context():
        target = board_by_slug("tf-financial-experts")
        target_id, restricted_count = target.id, target.thread_count
    response = submit(client, f"/mod/t/{content['public']}/move",
                      {"board": str(target_id), "reason": "يخص الفريق"})  # fmt: skip
    assert response.status_code == 302
    assert client.get(f"/t/{content['public']}").status_code == 200  # the same address
    with app.app_context():
        assert board_by_slug("financial-management").thread_count == 0
        assert board_by_slug("tf-financial-experts").thread_count == restricted_count + 1
        entry = db.session.scalar(select(ModerationLog))
        origin = board_by_slug("financial-management").id
        assert (entry.action, entry.board_id, entry.from_board_id) == (
            "move_thread", target_id, origin
        )  # fmt: skip
    # The member cannot read the task force's board: the moved thread is gone for them.
    reader = login(member, on=app.test_client())
    assert reader.get(f"/t/{content['public']}").status_code == 404


def test_moving_to_a_board_one_does_not_moderate_is_refused(app, login, moderator, content):
    client = login(moderator, on=app.test_client())
    with app.app_context():
        elsewhere = board_by_slug("public-relations").id
    response = submit(client, f"/mod/t/{content['public']}/move", {"board": str(elsewhere)})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Thread, content["public"]).board.slug == "financial-management"


# The log page ----------------------------------------------------------------------------


def test_log_shows_each_moderator_their_boards_and_filters(
    app, login, moderator, other_moderator, admin, member
):
    with app.app_context():
        mine = make_thread(member.id, title="موضوع في المالية")
        theirs = make_thread(member.id, "public-relations", title="موضوع في العلاقات")
        mine_id, theirs_id = mine.id, theirs.id
    mod = login(moderator, on=app.test_client())
    other = login(other_moderator, on=app.test_client())
    submit(mod, f"/mod/t/{mine_id}/lock", {"reason": "سبب الإقفال"}, form_page="/mod/queue")
    submit(mod, f"/mod/t/{mine_id}/pin", {}, form_page="/mod/queue")
    submit(other, f"/mod/t/{theirs_id}/lock", {}, form_page="/mod/queue")

    own_log = mod.get("/mod/log").get_data(as_text=True)
    assert "موضوع في المالية" in own_log and "سبب الإقفال" in own_log
    assert "موضوع في العلاقات" not in own_log
    assert "موضوع في المالية" not in other.get("/mod/log").get_data(as_text=True)

    everything = login(admin, on=app.test_client())
    assert "موضوع في العلاقات" in everything.get("/mod/log").get_data(as_text=True)
    by_action = everything.get("/mod/log?action=pin_thread").get_data(as_text=True)
    assert by_action.count("<tr>") == 2  # the header row and one entry
    by_moderator = everything.get(f"/mod/log?moderator={other_moderator.id}").get_data(as_text=True)
    assert "موضوع في العلاقات" in by_moderator and "موضوع في المالية" not in by_moderator
    with app.app_context():
        relations = board_by_slug("public-relations").id
    by_board = everything.get(f"/mod/log?board={relations}").get_data(as_text=True)
    assert "موضوع في العلاقات" in by_board and "موضوع في المالية" not in by_board


def test_the_log_has_no_route_that_changes_it(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/mod/log"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}
