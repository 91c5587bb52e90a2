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

# kind → (text with the thread's title, text without it). The first may also name the
# post's author (%(name)s) and the thread's board (%(board)s).
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
    # Told by forum.following.listeners when content is published.
    "reply_to_thread": (
        _l("%(name)s replied to your thread “%(title)s”."),
        _l("Someone replied to one of your threads."),
    ),
    "reply_to_post": (
        _l("%(name)s replied to your post in “%(title)s”."),
        _l("Someone replied to one of your posts."),
    ),
    "mention": (
        _l("%(name)s mentioned you in “%(title)s”."),
        _l("Someone mentioned you in a post."),
    ),
    "new_thread": (
        _l("%(name)s started “%(title)s” on %(board)s."),
        _l("A new thread was started on a board you follow."),
    ),
    "watched_reply": (
        _l("%(name)s replied in “%(title)s”, a thread you watch."),
        _l("There is a new reply in a thread you watch."),
    ),
}
# Kinds whose list entry quotes the start of the post they are about.
EXCERPTED = {"post_rejected", "reply_to_thread", "reply_to_post", "mention", "watched_reply"}
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


def mark_seen(user, notification_ids):
    """Mark the notifications the member has just been shown read (private state: the list
    page is no one else's and is never cached)."""
    if not notification_ids:
        return
    db.session.execute(
        update(Notification)
        .where(
            Notification.id.in_(notification_ids),
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )


def show(notification, user=None):
    """The notification in the current language, with what the reader may still see."""
    text, readable = describe(notification, user)
    return Shown(
        id=notification.id,
        text=text,
        reason=reason_label((notification.data or {}).get("reason", "")),
        excerpt=_excerpt(notification, readable, user),
        link=_link(notification, readable),
        created_at=notification.created_at,
        unread=notification.read_at is None,
    )


def describe(notification, user=None):
    """The notification's sentence in the current language, and whether the reader may still
    read its thread (the sentence names the thread only then)."""
    thread, post = notification.thread, notification.post
    readable = thread is not None and permissions.can_read_thread(thread, user)
    with_title, without_title = MESSAGES.get(notification.kind, (None, None))
    if with_title is None:
        return notification.kind, readable
    if not readable:
        return str(without_title), readable
    author = post.author if post is not None else thread.author
    values = {"title": thread.title, "name": author.display_name, "board": thread.board.name}
    return str(with_title) % values, readable


def _excerpt(notification, readable, user):
    post = notification.post
    if notification.kind not in EXCERPTED or post is None or not readable:
        return ""
    # The author of a rejected reply is shown it; others only a post the thread still shows.
    if notification.kind != "post_rejected" and not permissions.can_read_post(post, user):
        return ""
    return markup.plain_text(post.body_source, EXCERPT_LENGTH)


def _link(notification, readable):
    if not readable:
        return None
    if notification.post_id and notification.kind != "post_rejected":
        return url_for("threads.show_post", post_id=notification.post_id)
    return url_for("threads.show_thread", thread_id=notification.thread_id)
