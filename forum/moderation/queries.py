"""What moderators read: pending threads and replies, flagged posts, their counts, the log.

Every function takes the reader explicitly and is limited to the boards they moderate by the
policy's own filters (visible_to_moderator, visible_moderation_log).
"""

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.inputs import id_number
from forum.models import Board, Flag, ModerationLog, Post, Status, Thread, User
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


def pending_threads_where(user):
    return (Thread.status == Status.PENDING) & permissions.visible_to_moderator(
        Thread.board_id, user
    )


def pending_posts_where(user):
    """Pending replies (join Thread): not deleted by their author, in a live thread."""
    return (
        (Post.status == Status.PENDING)
        & Post.deleted_at.is_(None)
        & (Thread.status == Status.PUBLISHED)
        & permissions.visible_to_moderator(Thread.board_id, user)
    )


def open_flags_where(user):
    """Unresolved flags (join Post and Thread) on posts that are still there."""
    return (
        Flag.resolved_at.is_(None)
        & Post.deleted_at.is_(None)
        & (Thread.status != Status.DELETED)
        & permissions.visible_to_moderator(Thread.board_id, user)
    )


# Lists -------------------------------------------------------------------------------------


def queue_items(user, limit=QUEUE_LIMIT):
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
    try:
        number = id_number(number)
    except ValueError:
        return None
    if kind == "thread":
        thread = db.session.get(Thread, number)
        return QueueItem("thread", thread, thread.first_post) if thread else None
    if kind == "post":
        post = db.session.get(Post, number)
        return QueueItem("post", post.thread, post) if post else None
    return None


def flagged_posts(user, limit=QUEUE_LIMIT):
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


def moderated_boards(user):
    """The boards the user moderates, in their set order (for filters and the move form)."""
    return db.session.scalars(
        select(Board)
        .where(permissions.visible_to_moderator(Board.id, user))
        .order_by(Board.position, Board.id)
    ).all()


def open_flags_on(post_ids):
    return db.session.scalars(
        select(Flag)
        .where(Flag.post_id.in_(post_ids), Flag.resolved_at.is_(None))
        .options(joinedload(Flag.user))
        .order_by(Flag.created_at, Flag.id)
    ).all()


# The page header ---------------------------------------------------------------------------


def header_counts(user):
    """Unread notifications and, for moderators, waiting items: one query at most."""
    if not user.is_authenticated:
        return HeaderCounts()
    columns = [unread_count(user)]
    moderator = permissions.can_moderate_anything(user)
    if moderator:
        columns += [
            _count(pending_threads_where(user), Thread),
            _count_pending_posts(user),
            _count_flagged(user),
        ]
    row = db.session.execute(select(*columns)).one()
    if not moderator:
        return HeaderCounts(unread=row[0])
    return HeaderCounts(row[0], row[1] + row[2], row[3], True)


def _count(where, table):
    return select(func.count()).select_from(table).where(where).correlate(None).scalar_subquery()


def _count_pending_posts(user):
    return (
        select(func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(pending_posts_where(user))
        .correlate(None)
        .scalar_subquery()
    )


def _count_flagged(user):
    return (
        select(func.count(distinct(Flag.post_id)))
        .select_from(Flag)
        .join(Post, Flag.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(open_flags_where(user))
        .correlate(None)
        .scalar_subquery()
    )


# The log -----------------------------------------------------------------------------------


def log_moderators(user):
    """Everyone with an entry in the part of the log the reader may see, by name."""
    actors = select(ModerationLog.actor_id).where(permissions.visible_moderation_log(user))
    return db.session.scalars(
        select(User).where(User.id.in_(actors)).order_by(User.display_name)
    ).all()


def count_log_entries(user, *, board_id=None, moderator_id=None, action=None):
    where = _log_where(user, board_id, moderator_id, action)
    return db.session.scalar(select(func.count()).select_from(ModerationLog).where(where))


def list_log_entries(user, *, board_id=None, moderator_id=None, action=None, limit, offset):
    """One page of the log the reader may see, newest first, optionally narrowed down."""
    return db.session.scalars(
        select(ModerationLog)
        .where(_log_where(user, board_id, moderator_id, action))
        .options(
            joinedload(ModerationLog.actor),
            joinedload(ModerationLog.board),
            joinedload(ModerationLog.from_board),
            joinedload(ModerationLog.thread).joinedload(Thread.board),
            joinedload(ModerationLog.target_user),
        )
        .order_by(ModerationLog.created_at.desc(), ModerationLog.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def _log_where(user, board_id, moderator_id, action):
    where = permissions.visible_moderation_log(user)
    if board_id:
        # A move is logged once, under the board it went to; it shows under both.
        where &= (ModerationLog.board_id == board_id) | (ModerationLog.from_board_id == board_id)
    if moderator_id:
        where &= ModerationLog.actor_id == moderator_id
    if action:
        where &= ModerationLog.action == action
    return where
