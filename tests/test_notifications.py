"""In-app notifications: private to their reader, marked read, worded at display time."""

from sqlalchemy import select

from forum import events
from forum.clock import utcnow
from forum.extensions import db
from forum.following import actions as following
from forum.models import Notification, Post, Status, TaskForceMember, Thread, ThreadWatch, User
from forum.moderation import actions
from forum.moderation.queries import QueueItem
from forum.threads.actions import edit_post
from tests.factories import (
    board_by_slug,
    csrf_token,
    make_person,
    make_reply,
    make_thread,
    make_user,
    submit,
)


def _approve(app, moderator_id, thread_id):
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        actions.approve(
            db.session.get(User, moderator_id), QueueItem("thread", thread, thread.first_post)
        )
        db.session.commit()


def test_notifications_are_listed_counted_and_marked_read(app, client, login, member, moderator):
    with app.app_context():
        ids = [make_thread(member.id, title=f"موضوع {n}", published=False).id for n in range(2)]
    for thread_id in ids:
        _approve(app, moderator.id, thread_id)
    login(member)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/notifications">' in home and 'class="count">2<' in home
    with app.app_context():
        first = db.session.scalar(select(Notification.id).order_by(Notification.id))
    opened = submit(client, f"/notifications/{first}/open", {}, form_page="/notifications")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/t/{ids[0]}")
    submit(client, "/notifications/read", {}, form_page="/notifications")
    with app.app_context():
        assert db.session.scalar(select(Notification).where(Notification.read_at.is_(None))) is None


def test_opening_the_list_marks_the_shown_notifications_read(app, client, login, member, moderator):
    app.config["THREADS_PER_PAGE"] = 2
    with app.app_context():
        ids = [make_thread(member.id, title=f"موضوع {n}", published=False).id for n in range(3)]
    for thread_id in ids:
        _approve(app, moderator.id, thread_id)
    login(member)
    assert 'class="count">3<' in client.get("/").get_data(as_text=True)
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "موضوع 2" in inbox and "موضوع 1" in inbox  # newest first, two a page
    assert inbox.count('class="notification unread"') == 2  # marked new this once
    assert 'class="count">1<' in inbox  # the header already counts them read
    again = client.get("/notifications").get_data(as_text=True)
    assert 'class="notification unread"' not in again
    with app.app_context():
        unread = db.session.scalars(
            select(Notification.thread_id).where(Notification.read_at.is_(None))
        ).all()
    assert unread == [ids[0]]  # the one on the next page, not yet seen


def test_someone_elses_notification_does_not_exist(app, login, member, other_member, moderator):
    with app.app_context():
        thread_id = make_thread(member.id, title="موضوع خاص", published=False).id
    _approve(app, moderator.id, thread_id)
    with app.app_context():
        note_id = db.session.scalar(select(Notification.id))
    other = login(other_member, on=app.test_client())
    assert "موضوع خاص" not in other.get("/notifications").get_data(as_text=True)
    token = csrf_token(other, "/notifications")
    assert (
        other.post(f"/notifications/{note_id}/open", data={"csrf_token": token}).status_code == 404
    )
    with app.app_context():
        assert db.session.get(Notification, note_id).read_at is None


def test_a_title_is_not_shown_once_the_reader_loses_the_board(app, login, task_force_member,
                                                              moderator):  # fmt: skip
    with app.app_context():
        thread_id = make_thread(task_force_member.id, "tf-financial-experts", title="خطة سرية",
                                published=False).id  # fmt: skip
    _approve(app, moderator.id, thread_id)
    reader = login(task_force_member, on=app.test_client())
    assert "خطة سرية" in reader.get("/notifications").get_data(as_text=True)
    with app.app_context():
        db.session.execute(
            TaskForceMember.__table__.delete().where(
                TaskForceMember.user_id == task_force_member.id
            )
        )
        db.session.commit()
    page = reader.get("/notifications").get_data(as_text=True)
    assert "خطة سرية" not in page and f"/t/{thread_id}" not in page


def test_decisions_send_signals_for_mail_to_hook_into(app, member, moderator):
    decided, created = [], []

    def on_decided(sender, **extra):
        decided.append((sender.id, extra["decision"], extra["moderator"].id))

    def on_created(sender, **extra):
        created.append(sender.kind)

    with app.app_context():
        thread_id = make_thread(member.id, published=False).id
    with events.moderation_decided.connected_to(on_decided), \
            events.notification_created.connected_to(on_created):  # fmt: skip
        _approve(app, moderator.id, thread_id)
    assert decided == [(thread_id, "approved", moderator.id)]
    assert created == ["thread_approved"]


# Told about published content (forum.following.listeners) ----------------------------------


def _told(app):
    """(user id, kind, emailed) of every notification, in the order they were added."""
    with app.app_context():
        return [
            (n.user_id, n.kind, bool((n.data or {}).get("email")))
            for n in db.session.scalars(select(Notification).order_by(Notification.id))
        ]


def _as_user(person):
    return db.session.get(User, person.id)


def _follow(app, person, level, slug="financial-management"):
    with app.app_context():
        following.follow_board(_as_user(person), board_by_slug(slug), level)
        db.session.commit()


def test_a_reply_tells_the_threads_author_once_and_never_the_replier(app, member, other_member):
    with app.app_context():
        thread = make_thread(member.id)
        make_reply(member.id, thread, body="إضافة من الكاتب")
        make_reply(other_member.id, thread)
    # The author watches their own thread too: still one notification, and it is mailed.
    assert _told(app) == [(member.id, "reply_to_thread", True)]


def test_a_reply_to_your_post_in_your_own_thread_is_one_notification(app, member, other_member):
    with app.app_context():
        thread = make_thread(member.id)
        first = make_reply(member.id, thread, body="رد الكاتب")
        make_reply(other_member.id, thread, parent=first, body=f"@[{member.name}] أوافق")
    assert _told(app) == [(member.id, "reply_to_post", True)]


def test_a_reply_to_your_post_in_someone_elses_thread(app, member, other_member, moderator):
    with app.app_context():
        thread = make_thread(moderator.id, "public-relations")
        mine = make_reply(member.id, thread)
        # Nobody watches automatically here, so that each reason shows alone.
        db.session.execute(ThreadWatch.__table__.delete())
        db.session.commit()
        make_reply(other_member.id, thread, parent=mine)
    assert _told(app)[-2:] == [
        (member.id, "reply_to_post", False),
        (moderator.id, "reply_to_thread", False),
    ]


def test_watchers_are_told_of_new_replies_and_it_is_mailed(app, member, other_member, admin):
    with app.app_context():
        thread = make_thread(admin.id)
        following.watch_thread(_as_user(member), thread)
        db.session.commit()
        make_reply(other_member.id, thread)
    assert (member.id, "watched_reply", True) in _told(app)
    assert (other_member.id, "watched_reply", True) not in _told(app)  # they wrote it


def test_a_mention_tells_the_member_and_a_shared_name_tells_nobody(app, member, other_member):
    with app.app_context():
        for _twin in range(2):  # from before names that look alike were refused
            make_user().display_name = "سامي خليل"
        db.session.commit()
        thread = make_thread(other_member.id)
        make_reply(other_member.id, thread, body=f"شكرًا @[{member.name}] و @[سامي خليل]")
    assert _told(app) == [(member.id, "mention", False)]


def test_a_new_thread_tells_the_boards_instant_and_in_app_followers(
    app, member, other_member, moderator, admin
):
    with app.app_context():
        daily, muted = make_person(), make_person()
    _follow(app, other_member, "instant")
    _follow(app, moderator, "in_app")
    _follow(app, daily, "daily")
    _follow(app, muted, "muted")
    _follow(app, admin, "instant", slug="public-relations")
    _follow(app, member, "instant")  # the author is never told of their own thread
    with app.app_context():
        make_thread(member.id, title="موضوع جديد")
    assert _told(app) == [
        (other_member.id, "new_thread", True),
        (moderator.id, "new_thread", False),
    ]


def test_a_pending_thread_tells_only_when_approved(app, member, other_member, moderator):
    _follow(app, other_member, "instant")
    with app.app_context():
        thread_id = make_thread(member.id, title="ينتظر", published=False).id
    assert _told(app) == []
    _approve(app, moderator.id, thread_id)
    assert (other_member.id, "new_thread", True) in _told(app)


def test_a_pending_reply_tells_when_approved_and_a_rejected_one_never(
    app, member, other_member, moderator
):
    with app.app_context():
        board_by_slug("financial-management").replies_need_approval = True
        db.session.commit()
        thread = make_thread(member.id)
        waiting = make_reply(other_member.id, thread, body="ينتظر")
        refused = make_reply(other_member.id, thread, body="مرفوض")
        ids = waiting.id, refused.id
    assert _told(app) == []
    with app.app_context():
        mod = db.session.get(User, moderator.id)
        waiting, refused = (db.session.get(Post, post_id) for post_id in ids)
        actions.approve(mod, QueueItem("post", waiting.thread, waiting))
        actions.reject(mod, QueueItem("post", refused.thread, refused), reason="spam")
        db.session.commit()
    told = _told(app)
    assert (member.id, "reply_to_thread", True) in told
    assert [kind for _user, kind, _email in told].count("reply_to_thread") == 1
    assert {kind for user, kind, _email in told if user == other_member.id} == {
        "post_approved", "post_rejected"
    }  # fmt: skip


def test_only_readers_of_the_thread_are_told(app, task_force_member, moderator):
    """A member removed from a task force hears nothing more from its board."""
    _follow(app, task_force_member, "instant", slug="tf-financial-experts")
    with app.app_context():
        make_thread(moderator.id, "tf-financial-experts", title="أول")
        db.session.execute(
            TaskForceMember.__table__.delete().where(
                TaskForceMember.user_id == task_force_member.id
            )
        )
        db.session.commit()
        make_thread(moderator.id, "tf-financial-experts", title="ثان")
    assert _told(app) == [(task_force_member.id, "new_thread", True)]


def test_outsiders_mentioned_in_a_restricted_board_are_not_told(app, member, task_force_member):
    with app.app_context():
        thread = make_thread(task_force_member.id, "tf-financial-experts")
        make_reply(task_force_member.id, thread, body=f"@[{member.name}] هل رأيت؟")
    assert _told(app) == []


def test_suspended_members_are_not_told(app, member, other_member):
    _follow(app, other_member, "instant")
    with app.app_context():
        _as_user(other_member).suspended_at = utcnow()
        db.session.commit()
        make_thread(member.id)
    assert _told(app) == []


def test_the_new_kinds_read_in_each_language_and_hide_once_unreadable(
    app, login, moderator, task_force_member
):
    with app.app_context():
        thread = make_thread(task_force_member.id, "tf-financial-experts", title="خطة الفريق")
        make_reply(moderator.id, thread, body="ملاحظة على الخطة")
        thread_id = thread.id
    reader = login(task_force_member, on=app.test_client())
    page = reader.get("/notifications").get_data(as_text=True)
    assert "خطة الفريق" in page and moderator.name in page and "ملاحظة على الخطة" in page
    with app.app_context():
        _as_user(task_force_member).language = "en"
        db.session.commit()
    page = reader.get("/notifications").get_data(as_text=True)
    assert f"{moderator.name} replied to your thread “خطة الفريق”." in page
    with app.app_context():
        db.session.execute(
            TaskForceMember.__table__.delete().where(
                TaskForceMember.user_id == task_force_member.id
            )
        )
        db.session.commit()
    page = reader.get("/notifications").get_data(as_text=True)
    assert "Someone replied to one of your threads." in page
    assert "خطة الفريق" not in page and moderator.name not in page
    assert "ملاحظة على الخطة" not in page and f"/t/{thread_id}" not in page
    assert 'class="count"' not in page  # seen on the first visit, and so read


def test_every_notification_is_signalled_with_its_mail_flag(app, member, other_member):
    created = []

    def on_created(sender, **extra):
        created.append((sender.kind, sender.data.get("email", False)))

    with app.app_context():
        thread_id = make_thread(member.id).id
    with events.notification_created.connected_to(on_created), app.app_context():
        make_reply(other_member.id, db.session.get(Thread, thread_id))
    assert created == [("reply_to_thread", True)]


def test_an_edit_that_adds_a_mention_tells_only_the_newly_named(app, member, other_member):
    with app.app_context():
        named_later = make_person()
        thread = make_thread(other_member.id)
        reply = make_reply(other_member.id, thread, body=f"شكرًا @[{member.name}]")
        edit_post(
            _as_user(other_member), reply, body=f"{reply.body_source} و @[{named_later.name}]"
        )
        db.session.commit()
    assert _told(app) == [(member.id, "mention", False), (named_later.id, "mention", False)]


def test_an_edit_of_a_pending_reply_tells_no_one_until_it_is_approved(
    app, member, other_member, moderator
):
    with app.app_context():
        board_by_slug("financial-management").replies_need_approval = True
        db.session.commit()
        thread = make_thread(moderator.id)
        reply = make_reply(other_member.id, thread, body="سؤال")
        assert reply.status == Status.PENDING
        edit_post(_as_user(other_member), reply, body=f"سؤال إلى @[{member.name}]")
        db.session.commit()
        reply_id = reply.id
    assert _told(app) == []
    with app.app_context():
        reply = db.session.get(Post, reply_id)
        actions.approve(_as_user(moderator), QueueItem("post", reply.thread, reply))
        db.session.commit()
    assert [told for told in _told(app) if told[0] == member.id] == [(member.id, "mention", False)]
