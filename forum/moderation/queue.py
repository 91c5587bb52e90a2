"""What waits for a moderator: pending threads and replies, flagged posts, and their counts.

Every query here is limited to the boards the reader moderates by the policy's own filter.
"""

from dataclasses import dataclass, field

from flask import g
from flask_login import current_user
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import Flag, Post, Status, Thread, User
from forum.notifications.queries import unread_count

QUEUE_LIMIT = 50


@dataclass(frozen=True)
class QueueItem:
    """A pending thread (shown by its opening post) or a pending reply."""

    kind: str
    thread: Thread
    post: Post

    @property
    def item_id(self):
        return self.thread.id if self.kind == "thread" else self.post.id

    @property
    def is_pending(self):
        return (self.thread if self.kind == "thread" else self.post).status == Status.PENDING

    @property
    def token(self):
        return f"{self.kind}-{self.item_id}"

    @property
    def created_at(self):
        return self.thread.created_at if self.kind == "thread" else self.post.created_at

    @property
    def author(self):
        return self.thread.author if self.kind == "thread" else self.post.author


@dataclass
class FlaggedPost:
    post: Post
    flags: list = field(default_factory=list)


@dataclass(frozen=True)
class HeaderCounts:
    unread: int = 0
    pending: int = 0
    flagged: int = 0
    moderator: bool = False

    @property
    def waiting(self):
        return self.pending + self.flagged


# Filters -----------------------------------------------------------------------------------


def pending_threads_where(user=None):
    return (Thread.status == Status.PENDING) & permissions.visible_to_moderator(
        Thread.board_id, user
    )


def pending_posts_where(user=None):
    """Pending replies (join Thread): not deleted by their author, in a live thread."""
    return (
        (Post.status == Status.PENDING)
        & Post.deleted_at.is_(None)
        & (Thread.status == Status.PUBLISHED)
        & permissions.visible_to_moderator(Thread.board_id, user)
    )


def open_flags_where(user=None):
    """Unresolved flags (join Post and Thread) on posts that are still there."""
    return (
        Flag.resolved_at.is_(None)
        & Post.deleted_at.is_(None)
        & (Thread.status != Status.DELETED)
        & permissions.visible_to_moderator(Thread.board_id, user)
    )


# Lists -------------------------------------------------------------------------------------


def queue_items(user=None, limit=QUEUE_LIMIT):
    """The oldest pending threads and replies together, oldest first."""
    threads = db.session.scalars(
        select(Thread)
        .where(pending_threads_where(user))
        .options(
            joinedload(Thread.board),
            joinedload(Thread.first_post),
            joinedload(Thread.author).joinedload(User.authority),
        )
        .order_by(Thread.created_at, Thread.id)
        .limit(limit)
    ).all()
    posts = db.session.scalars(
        select(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(pending_posts_where(user))
        .options(
            joinedload(Post.thread).joinedload(Thread.board),
            joinedload(Post.author).joinedload(User.authority),
        )
        .order_by(Post.created_at, Post.id)
        .limit(limit)
    ).all()
    items = [QueueItem("thread", thread, thread.first_post) for thread in threads]
    items += [QueueItem("post", post.thread, post) for post in posts]
    items.sort(key=lambda item: (item.created_at, item.kind, item.post.id))
    return items[:limit]


def find_item(token):
    """The thread or reply a queue token ("thread-12", "post-34") names, or None."""
    kind, _, number = (token or "").partition("-")
    if not number.isdigit():
        return None
    if kind == "thread":
        thread = db.session.get(Thread, int(number))
        return QueueItem("thread", thread, thread.first_post) if thread else None
    if kind == "post":
        post = db.session.get(Post, int(number))
        return QueueItem("post", post.thread, post) if post else None
    return None


def flagged_posts(user=None, limit=QUEUE_LIMIT):
    """Posts with open flags, the longest-waiting first, each with all its open flags."""
    first_flag = func.min(Flag.created_at)
    ids = db.session.scalars(
        select(Flag.post_id)
        .join(Post, Flag.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(open_flags_where(user))
        .group_by(Flag.post_id)
        .order_by(first_flag, Flag.post_id)
        .limit(limit)
    ).all()
    if not ids:
        return []
    posts = db.session.scalars(
        select(Post)
        .where(Post.id.in_(ids))
        .options(
            joinedload(Post.thread).joinedload(Thread.board),
            joinedload(Post.author).joinedload(User.authority),
        )
    ).all()
    grouped = {post.id: FlaggedPost(post) for post in posts}
    for flag in open_flags_on(ids):
        grouped[flag.post_id].flags.append(flag)
    return [grouped[post_id] for post_id in ids]


def open_flags_on(post_ids):
    return db.session.scalars(
        select(Flag)
        .where(Flag.post_id.in_(post_ids), Flag.resolved_at.is_(None))
        .options(joinedload(Flag.user))
        .order_by(Flag.created_at, Flag.id)
    ).all()


# The page header ---------------------------------------------------------------------------


def header_counts():
    """Unread notifications and, for moderators, waiting items: one query per page at most."""
    if "header_counts" not in g:
        g.header_counts = _count_for_header()
    return g.header_counts


def _count_for_header():
    if not current_user.is_authenticated:
        return HeaderCounts()
    columns = [unread_count(current_user)]
    moderator = permissions.can_moderate_anything()
    if moderator:
        columns += [
            _count(pending_threads_where(), Thread),
            _count_pending_posts(),
            _count_flagged(),
        ]
    row = db.session.execute(select(*columns)).one()
    if not moderator:
        return HeaderCounts(unread=row[0])
    return HeaderCounts(row[0], row[1] + row[2], row[3], True)


def _count(where, table):
    return select(func.count()).select_from(table).where(where).correlate(None).scalar_subquery()


def _count_pending_posts():
    return (
        select(func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(pending_posts_where())
        .correlate(None)
        .scalar_subquery()
    )


def _count_flagged():
    return (
        select(func.count(distinct(Flag.post_id)))
        .select_from(Flag)
        .join(Post, Flag.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(open_flags_where())
        .correlate(None)
        .scalar_subquery()
    )
