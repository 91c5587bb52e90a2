"""What is read about notifications: a member's own, and how many they have not read.

Notifications are private: lists go through the policy's visible_notifications filter.
"""

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import Notification, Post, Thread


def get_notification(notification_id):
    """The notification, or None; the caller asks the policy whether it may be opened."""
    return db.session.get(Notification, notification_id)


def count_notifications(user):
    where = permissions.visible_notifications(user)
    return db.session.scalar(select(func.count()).select_from(Notification).where(where))


def list_notifications(user, *, limit, offset=0, before=None):
    """One page of the reader's notifications, newest first, with what they are about;
    `before` (created at, id) starts after that one (the JSON API's cursors)."""
    where = permissions.visible_notifications(user)
    if before is not None:
        where = where & (tuple_(Notification.created_at, Notification.id) < before)
    return db.session.scalars(
        select(Notification)
        .where(where)
        .options(
            joinedload(Notification.thread).joinedload(Thread.board),
            joinedload(Notification.thread).joinedload(Thread.author),
            joinedload(Notification.post).joinedload(Post.thread),
            joinedload(Notification.post).joinedload(Post.author),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def unread_count(user):
    """The number of unread notifications, as a subquery the page header folds into one query."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(permissions.visible_notifications(user), Notification.read_at.is_(None))
        .scalar_subquery()
    )


def count_unread(user):
    return db.session.scalar(select(unread_count(user)))
