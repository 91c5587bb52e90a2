"""In-app notifications: added by actions, read on /notifications in the reader's language.

A row keeps only a kind, links and plain data (a reason key); the words are chosen when the
notification is shown, in the reader's language, and a thread's title only appears while the
reader may still read that thread.
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from forum import events, markup, permissions
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Notification
from forum.moderation.log import reason_label

# kind → (text with the thread's title, text without it)
MESSAGES = {
    "thread_approved": (
        _l("Your thread “%(title)s” was approved and is now published."),
        _l("Your thread was approved and is now published."),
    ),
    "thread_rejected": (
        _l("Your thread “%(title)s” was not approved."),
        _l("Your thread was not approved."),
    ),
    "post_approved": (
        _l("Your reply in “%(title)s” was approved and is now published."),
        _l("Your reply was approved and is now published."),
    ),
    "post_rejected": (
        _l("Your reply in “%(title)s” was not approved."),
        _l("Your reply was not approved."),
    ),
    "post_hidden": (
        _l("A moderator hid your post in “%(title)s”."),
        _l("A moderator hid one of your posts."),
    ),
}
EXCERPT_LENGTH = 200


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it."""

    id: int
    text: str
    reason: str
    excerpt: str
    link: str | None
    created_at: object
    unread: bool


def notify(user_id, kind, *, thread=None, post=None, **data):
    """Add a notification for one user; the caller commits."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    notification = Notification(
        user_id=user_id,
        kind=kind,
        thread_id=thread.id if thread is not None else None,
        post_id=post.id if post is not None else None,
        data=data,
    )
    db.session.add(notification)
    db.session.flush()
    events.notification_created.send(notification)
    return notification


def mark_all_read(user):
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def mark_read(user, notification_id):
    """Mark one of the user's notifications read; another user's id changes nothing."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )


def show(notification, user=None):
    """The notification in the current language, with what the reader may still see."""
    thread, post = notification.thread, notification.post
    readable = thread is not None and permissions.can_read_thread(thread, user)
    with_title, without_title = MESSAGES.get(notification.kind, (None, None))
    if with_title is None:
        text = notification.kind
    elif readable:
        text = str(with_title) % {"title": thread.title}
    else:
        text = str(without_title)
    excerpt = ""
    if notification.kind == "post_rejected" and post is not None and readable:
        excerpt = markup.plain_text(post.body_source, EXCERPT_LENGTH)
    return Shown(
        id=notification.id,
        text=text,
        reason=reason_label((notification.data or {}).get("reason", "")),
        excerpt=excerpt,
        link=_link(notification, readable),
        created_at=notification.created_at,
        unread=notification.read_at is None,
    )


def _link(notification, readable):
    if not readable:
        return None
    if notification.post_id and notification.kind != "post_rejected":
        return url_for("threads.show_post", post_id=notification.post_id)
    return url_for("threads.show_thread", thread_id=notification.thread_id)
