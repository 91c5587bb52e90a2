"""Notifications that go by mail: queued with the reply or thread that caused them, in the
reader's language, once, with a one-click unsubscribe that works without logging in."""

import pytest
from sqlalchemy import func, select

from forum import mail
from forum.extensions import db
from forum.following import actions as following
from forum.models import Level, Mail, Thread, ThreadWatch, User
from forum.moderation import actions as moderation
from forum.threads import actions
from tests import factories
from tests.test_mail import free_port, smtp_server

BOARD = "financial-management"


@pytest.fixture
def inbox(app):
    """A real SMTP server on 127.0.0.1 that the app sends to; yields what it received."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with smtp_server(port) as received:
        yield received


def test_a_reply_in_a_watched_thread_is_mailed_once_and_unsubscribes_in_one_click(
    app,
    client,
    inbox,
    member,
    other_member,
):
    with app.app_context():
        thread = factories.make_thread(member.id, BOARD, title="تحصيل الرسوم")  # watched: started
        factories.make_reply(other_member.id, thread, body="جرّبنا الربط مع فاتورة الكهرباء")
        mail.send_all(limit=50)
        thread_id = thread.id
    [message] = [m for m in inbox.messages if m["To"].addresses[0].addr_spec == member.email]
    assert "تحصيل الرسوم" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "فاتورة الكهرباء" in text
    assert message.get_body(("html",)).get_content().count('dir="rtl"') >= 1
    stop = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop.startswith(app.config["BASE_URL"])

    # A mail client posts it, with no session and no form token.
    path = stop[len(app.config["BASE_URL"]) :]
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code in (200, 204)
    with app.app_context():
        watching = select(func.count()).where(
            ThreadWatch.user_id == member.id, ThreadWatch.thread_id == thread_id
        )
        assert db.session.scalar(watching) == 0
        factories.make_reply(other_member.id, db.session.get(Thread, thread_id))
        assert db.session.scalar(select(func.count()).where(Mail.user_id == member.id)) == 1


def test_a_new_thread_reaches_instant_followers_in_their_language(app, inbox, member, admin):
    with app.app_context():
        english = factories.make_user(language="en")
        following.follow_board(english, factories.board_by_slug(BOARD), Level.INSTANT)
        daily = factories.make_user()
        following.follow_board(daily, factories.board_by_slug(BOARD), Level.DAILY)
        db.session.commit()
        factories.make_thread(member.id, BOARD, title="Waste sorting points")
        mail.send_all(limit=50)
        english_email, daily_email = english.email, daily.email
    to = [m["To"].addresses[0].addr_spec for m in inbox.messages]
    assert to.count(english_email) == 1
    assert daily_email not in to  # digest levels get no mail per thread
    [message] = [m for m in inbox.messages if m["To"].addresses[0].addr_spec == english_email]
    assert "Waste sorting points" in message["Subject"]
    assert "follow this board" in message.get_body(("plain",)).get_content()


def test_a_pending_reply_is_mailed_only_once_approved(app, inbox, member, other_member, admin):
    with app.app_context():
        board = factories.board_by_slug(BOARD)
        board.replies_need_approval = True
        board.trust_threshold = 0
        db.session.commit()
        thread = factories.make_thread(member.id, BOARD)
        reply = actions.reply(db.session.get(User, other_member.id), thread, body="رد ينتظر")
        db.session.commit()
        assert db.session.scalar(select(func.count()).where(Mail.user_id == member.id)) == 0

        moderation.approve_post(db.session.get(User, admin.id), reply)
        db.session.commit()
        assert db.session.scalar(select(func.count()).where(Mail.user_id == member.id)) == 1
