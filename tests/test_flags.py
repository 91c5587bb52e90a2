"""Flags: a member flags a post once; enough flags hide it; a moderator keeps, edits or hides it."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Flag, ModerationLog, Notification, Post, PostRevision
from tests.factories import board_by_slug, make_person, make_reply, make_thread, submit


@pytest.fixture
def flagged(app, member, other_member):
    """A published thread and a reply by other_member that members may flag."""
    with app.app_context():
        thread = make_thread(member.id, title="موضوع فيه رد مسيء")
        reply = make_reply(other_member.id, thread, body="رد فيه إعلان تجاري")
        return {"thread": thread.id, "reply": reply.id}


def _flag(app, login, person, post_id, reason="spam", text=""):
    client = login(person, on=app.test_client())
    return submit(client, f"/p/{post_id}/flag", {"reason": reason, "text": text})


def _post(app, post_id):
    with app.app_context():
        post = db.session.get(Post, post_id)
        return post.hidden_at, post.thread.reply_count, post.thread.board.post_count


def _flaggers(app, count):
    with app.app_context():
        return [make_person() for _ in range(count)]


def test_a_member_flags_a_post_once(app, login, member, flagged):
    assert _flag(app, login, member, flagged["reply"], "off_topic").status_code == 302
    again = _flag(app, login, member, flagged["reply"], "spam")
    assert again.status_code == 302
    with app.app_context():
        flags = db.session.scalars(select(Flag)).all()
        assert [(f.user_id, f.reason) for f in flags] == [(member.id, "off_topic")]


def test_other_needs_words(app, login, member, flagged):
    assert _flag(app, login, member, flagged["reply"], "other").status_code == 422
    assert _flag(app, login, member, flagged["reply"], "other", "يسيء لبلدية").status_code == 302


def test_nobody_flags_their_own_post_and_visitors_log_in_first(app, client, login, other_member,
                                                               flagged):  # fmt: skip
    assert client.get(f"/p/{flagged['reply']}/flag").status_code == 302
    assert _flag(app, login, other_member, flagged["reply"]).status_code == 403


def test_three_flags_from_different_members_hide_the_post_until_a_moderator_decides(
    app, login, member, other_member, moderator, flagged
):
    hidden_at, replies, posts = _post(app, flagged["reply"])
    assert (hidden_at, replies, posts) == (None, 1, 2)
    flaggers = _flaggers(app, 3)
    for number, person in enumerate(flaggers):
        _flag(app, login, person, flagged["reply"], "spam", text=f"سبب رقم {number}")
        hidden_at, replies, posts = _post(app, flagged["reply"])
        assert (hidden_at is not None) == (number == 2)
    assert (replies, posts) == (0, 1)  # counters no longer count the hidden post

    thread_url = f"/t/{flagged['thread']}"
    reader = login(member, on=app.test_client())
    assert "رد فيه إعلان تجاري" not in reader.get(thread_url).get_data(as_text=True)
    author = login(other_member, on=app.test_client())
    assert "رد فيه إعلان تجاري" in author.get(thread_url).get_data(as_text=True)
    mod = login(moderator, on=app.test_client())
    assert "رد فيه إعلان تجاري" in mod.get(thread_url).get_data(as_text=True)

    queue = mod.get("/mod/flags").get_data(as_text=True)
    assert queue.count(f'id="flagged-{flagged["reply"]}"') == 1  # grouped by post
    assert all(f"سبب رقم {n}" in queue for n in range(3))
    with app.app_context():
        entry = db.session.scalar(select(ModerationLog))
        # The forum's own act, not the last flagger's.
        assert (entry.action, entry.post_id, entry.actor_id) == (
            "auto_hide_post", flagged["reply"], None
        )  # fmt: skip
    log = mod.get("/mod/log").get_data(as_text=True)
    assert 'class="log-system"' in log and flaggers[2].name not in log


def test_a_moderators_flag_counts_as_one_flag_and_the_hide_is_not_his(
    app, login, moderator, flagged
):
    for person in _flaggers(app, 2):
        _flag(app, login, person, flagged["reply"])
    assert _post(app, flagged["reply"])[0] is None
    assert _flag(app, login, moderator, flagged["reply"]).status_code == 302
    assert _post(app, flagged["reply"])[0] is not None  # the third flag
    with app.app_context():
        entries = db.session.scalars(select(ModerationLog)).all()
        assert [(e.action, e.actor_id) for e in entries] == [("auto_hide_post", None)]
    mod = login(moderator, on=app.test_client())
    log = mod.get(f"/mod/log?moderator={moderator.id}").get_data(as_text=True)
    assert 'class="log-system"' not in log  # nothing under his name


def test_the_threshold_is_a_board_setting(app, login, flagged):
    with app.app_context():
        board_by_slug("financial-management").flag_threshold = 0  # never hide by flags
        db.session.commit()
    for person in _flaggers(app, 4):
        _flag(app, login, person, flagged["reply"])
    assert _post(app, flagged["reply"])[0] is None
    with app.app_context():
        board_by_slug("financial-management").flag_threshold = 5
        db.session.commit()
    _flag(app, login, _flaggers(app, 1)[0], flagged["reply"])
    assert _post(app, flagged["reply"])[0] is not None


def _hidden_by_flags(app, login, post_id):
    for person in _flaggers(app, 3):
        _flag(app, login, person, post_id)
    assert _post(app, post_id)[0] is not None


def test_keeping_the_post_dismisses_its_flags_and_shows_it_again(app, login, moderator, flagged):
    _hidden_by_flags(app, login, flagged["reply"])
    mod = login(moderator, on=app.test_client())
    response = submit(mod, f"/mod/flags/{flagged['reply']}", {"keep": "1"}, form_page="/mod/flags")
    assert response.status_code == 302
    assert _post(app, flagged["reply"]) == (None, 1, 2)
    with app.app_context():
        assert {f.resolution for f in db.session.scalars(select(Flag))} == {"kept"}
        assert db.session.scalar(select(ModerationLog.action).order_by(ModerationLog.id.desc())
                                 .limit(1)) == "dismiss_flags"  # fmt: skip
    assert "لا توجد مشاركات مُبلَّغ عنها." in mod.get("/mod/flags").get_data(as_text=True)


def test_hiding_the_post_keeps_it_hidden_and_tells_its_author(
    app, login, moderator, other_member, flagged
):
    _flag(app, login, _flaggers(app, 1)[0], flagged["reply"])
    mod = login(moderator, on=app.test_client())
    submit(mod, f"/mod/flags/{flagged['reply']}", {"hide": "1", "reason": "إعلان"},
           form_page="/mod/flags")  # fmt: skip
    hidden_at, replies, _ = _post(app, flagged["reply"])
    assert hidden_at is not None and replies == 0
    with app.app_context():
        assert {f.resolution for f in db.session.scalars(select(Flag))} == {"hidden"}
        # (The reply itself told the thread's author: forum.following.)
        note = db.session.scalar(select(Notification).where(Notification.kind == "post_hidden"))
        assert (note.user_id, note.kind, note.data) == (
            other_member.id, "post_hidden", {"reason": "إعلان"}
        )  # fmt: skip
    author = login(other_member, on=app.test_client())
    assert "إعلان" in author.get("/notifications").get_data(as_text=True)


def test_editing_a_flagged_post_keeps_the_old_text_and_closes_the_flags(
    app, login, moderator, flagged
):
    _hidden_by_flags(app, login, flagged["reply"])
    mod = login(moderator, on=app.test_client())
    response = submit(mod, f"/mod/flags/{flagged['reply']}/edit",
                      {"body": "رد بعد حذف الإعلان", "title": ""})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        post = db.session.get(Post, flagged["reply"])
        assert (post.body_source, post.hidden_at) == ("رد بعد حذف الإعلان", None)
        revision = db.session.scalar(select(PostRevision))
        assert revision.body_source == "رد فيه إعلان تجاري"
        assert {f.resolution for f in db.session.scalars(select(Flag))} == {"edited"}
        actions = set(db.session.scalars(select(ModerationLog.action)))
        assert {"edit_post", "edit_flagged_post"} <= actions


def test_a_moderator_of_another_board_does_not_see_the_flags(
    app, login, member, other_moderator, flagged
):
    _flag(app, login, member, flagged["reply"])
    other = login(other_moderator, on=app.test_client())
    assert "رد فيه إعلان تجاري" not in other.get("/mod/flags").get_data(as_text=True)


def test_flag_link_on_the_thread_page(app, login, member, other_member, flagged):
    url = f"/t/{flagged['thread']}"
    reader = login(member, on=app.test_client())
    assert f"/p/{flagged['reply']}/flag" in reader.get(url).get_data(as_text=True)
    author = login(other_member, on=app.test_client())
    assert f"/p/{flagged['reply']}/flag" not in author.get(url).get_data(as_text=True)


def test_a_hidden_opening_post_leaves_the_reply_count_alone(app, login, member, flagged):
    with app.app_context():
        opening = db.session.get(Post, flagged["reply"]).thread.first_post_id
    _hidden_by_flags(app, login, opening)
    hidden_at, replies, posts = _post(app, opening)
    assert hidden_at is not None and (replies, posts) == (1, 2)
