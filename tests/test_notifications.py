"""In-app notifications: private to their reader, marked read, worded at display time."""

from sqlalchemy import select

from forum import events
from forum.extensions import db
from forum.models import Notification, TaskForceMember, Thread, User
from forum.moderation import actions
from forum.moderation.queries import QueueItem
from tests.factories import csrf_token, make_thread, submit


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
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "موضوع 0" in inbox and "موضوع 1" in inbox
    with app.app_context():
        first = db.session.scalar(select(Notification.id).order_by(Notification.id))
    opened = submit(client, f"/notifications/{first}/open", {}, form_page="/notifications")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/t/{ids[0]}")
    assert 'class="count">1<' in client.get("/").get_data(as_text=True)
    submit(client, "/notifications/read", {}, form_page="/notifications")
    with app.app_context():
        assert db.session.scalar(select(Notification).where(Notification.read_at.is_(None))) is None


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
