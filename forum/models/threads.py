"""Threads and their posts, threaded by a materialised path."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import (
    PROFILES,
    THREAD_TITLES,
    Content,
    PrivateState,
    changed_columns,
    previous_value,
    scope,
)

THREAD_KINDS = {
    "question": _l("Question"),
    "challenge": _l("Challenge"),
    "success_story": _l("Success story"),
    "discussion": _l("Discussion"),
}


class Status(StrEnum):
    """Where a thread or post stands; the members are the very strings the database stores."""

    PENDING = "pending"  # waits in the moderation queue
    PUBLISHED = "published"
    REJECTED = "rejected"  # refused by a moderator; its author still sees it, marked
    # Threads only: a deleted thread leaves every list. A deleted post keeps its status and
    # gets deleted_at instead, so that it stays in its thread as a placeholder.
    DELETED = "deleted"


# Width of one id in Post.path: sorting the zero-padded ids gives depth-first order.
PATH_SEGMENT = 10


class Thread(Content, db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        # The board page: published threads, pinned first, then by last activity.
        db.Index(
            "ix_threads_board_listing", "board_id", "status", "pinned", "last_activity_at", "id"
        ),
        db.Index("ix_threads_author", "author_id", "created_at"),
        # The reports place a thread by its publication: a range of them, read from the index.
        db.Index(
            "ix_threads_published",
            "published_at",
            "status",
            "board_id",
            "kind",
            "author_id",
            "first_reply_at",
        ),  # fmt: skip
    )

    id = db.Column(db.Integer, primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(20), nullable=False, default="discussion")
    # A soft-deleted thread gets Status.DELETED so that every listing index skips it.
    status = db.Column(db.String(20), nullable=False, default=Status.PENDING)
    pinned = db.Column(db.Boolean, nullable=False, default=False)
    locked = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    published_at = db.Column(db.DateTime)
    last_activity_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Published, undeleted replies (the opening post is not a reply).
    reply_count = db.Column(db.Integer, nullable=False, default=0)
    first_post_id = db.Column(db.Integer, db.ForeignKey("posts.id", use_alter=True))
    last_post_id = db.Column(db.Integer, db.ForeignKey("posts.id", use_alter=True))
    rejection_reason = db.Column(db.Text)
    status_before_delete = db.Column(db.String(20))
    # When the first visible reply was written (kept by refresh_thread with reply_count): the
    # reports' median time to a first reply is then read from the threads alone.
    first_reply_at = db.Column(db.DateTime)

    board = db.relationship("Board", foreign_keys=[board_id])
    author = db.relationship("User", foreign_keys=[author_id])
    first_post = db.relationship("Post", foreign_keys=[first_post_id], post_update=True)
    last_post = db.relationship("Post", foreign_keys=[last_post_id], post_update=True)

    def read_scope(self):
        return scope("thread", self.id)

    def written_scopes(self, change):
        """The thread's page and its board's list; a move also the board it left. A change of
        status or board changes which of its posts profiles may list, and with a new or
        changed title, which threads lists of similar titles may show."""
        scopes = {scope("thread", self.id), scope("board", self.board_id)}
        if change == "update":
            scopes.add(scope("board", previous_value(self, "board_id")))
            changed = changed_columns(self)
            if changed & {"status", "board_id"}:
                scopes.add(PROFILES)
            if changed & {"status", "board_id", "title"}:
                scopes.add(THREAD_TITLES)
        else:
            scopes.add(THREAD_TITLES)
        return scopes

    @property
    def kind_label(self):
        return THREAD_KINDS.get(self.kind, self.kind)


class Post(Content, db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        db.Index("ix_posts_thread_path", "thread_id", "path"),
        # A member's posts by time (profiles); the further columns let the reports count
        # posts by author and month from the index alone, never reading the posts' text.
        db.Index(
            "ix_posts_author",
            "author_id",
            "created_at",
            "thread_id",
            "status",
            "deleted_at",
            "hidden_at",
        ),  # fmt: skip
        # The reports count the posts of a part of a month (at a range's ends) by time; whole
        # months come from MonthlyParticipation.
        db.Index(
            "ix_posts_created",
            "created_at",
            "thread_id",
            "author_id",
            "status",
            "deleted_at",
            "hidden_at",
        ),  # fmt: skip
        # The moderation queue and its header count: only the few pending rows are indexed.
        db.Index(
            "ix_posts_pending",
            "thread_id",
            "created_at",
            sqlite_where=db.text(f"status = '{Status.PENDING}'"),
            postgresql_where=db.text(f"status = '{Status.PENDING}'"),
        ),  # fmt: skip
    )

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    parent_id = db.Column(db.Integer, db.ForeignKey("posts.id"), index=True)
    path = db.Column(db.String(1000), nullable=False, default="")
    depth = db.Column(db.Integer, nullable=False, default=0)
    body_source = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=False)
    status = db.Column(db.String(20), nullable=False, default=Status.PUBLISHED)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    edited_at = db.Column(db.DateTime)
    deleted_at = db.Column(db.DateTime)
    # Set when flags reach the board's threshold: out of sight until a moderator decides.
    hidden_at = db.Column(db.DateTime)

    thread = db.relationship(Thread, foreign_keys=[thread_id])
    author = db.relationship("User", foreign_keys=[author_id])
    parent = db.relationship("Post", remote_side=[id], foreign_keys=[parent_id])

    def read_scope(self):
        # Read from what was loaded: a post loaded without its thread id (an "in reply to"
        # line) is in the thread the page loaded anyway, and asking would query again.
        thread_id = self.__dict__.get("thread_id")
        return scope("thread", thread_id) if thread_id is not None else None

    def written_scopes(self, change):
        """A post shows on its thread's page and in its author's profile."""
        return {scope("thread", self.thread_id), scope("posts-by", self.author_id)}

    @hybrid_property
    def is_visible_to_all(self):
        """Shown to everyone who may read the thread: published, not deleted, not hidden.

        Also a SQL condition (`Post.is_visible_to_all`), so that lists and counters use the
        same rule as the page.
        """
        return (
            self.status == Status.PUBLISHED and self.deleted_at is None and self.hidden_at is None
        )

    @is_visible_to_all.inplace.expression
    @classmethod
    def _is_visible_to_all_expression(cls):
        return (cls.status == Status.PUBLISHED) & cls.deleted_at.is_(None) & cls.hidden_at.is_(None)


class PostRevision(PrivateState, db.Model):
    """The text a post had before an edit; the newest text is always on the post itself."""

    __tablename__ = "post_revisions"

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"), nullable=False, index=True)
    title = db.Column(db.String(200))
    body_source = db.Column(db.Text, nullable=False)
    # Who wrote this text and when: the revision replaced by the next edit.
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)
    replaced_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    replaced_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    post = db.relationship(Post)
    author = db.relationship("User", foreign_keys=[author_id])
    replaced_by = db.relationship("User", foreign_keys=[replaced_by_id])


class BoardParticipation(Content, db.Model):
    """How many published threads and visible replies one member has on one board, kept by
    forum.threads.actions like the boards' counters. The local authorities' pages sum these
    rows over the boards the reader may read, grouped by the members' authority, instead of
    counting every post on each view; a member who changes authority takes their figures
    along, as the posts themselves would."""

    __tablename__ = "board_participation"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), primary_key=True)
    threads = db.Column(db.Integer, nullable=False, default=0)
    replies = db.Column(db.Integer, nullable=False, default=0)

    def written_scopes(self, change):
        """No cached page shows these figures (the authorities' pages are members' or
        per-reader pages, never stored): a reply must not empty the cache through them."""
        return {scope("participation", self.board_id)}


class MonthlyParticipation(Content, db.Model):
    """How many visible posts (and of them, replies) one member wrote on one board in one
    month, in published threads: kept by forum.threads.actions.refresh_participation beside
    BoardParticipation. The reports count the members active and the replies of whole months
    from these rows (a few per member and month) instead of from every post; a row exists
    only for a month with a post. Without a rowid on SQLite, so that a range of months is
    read in key order with its counts."""

    __tablename__ = "monthly_participation"
    # Each grouping of the report reads the rows in the order it groups them, counting each
    # member once without sorting: by month (the key), by member, by board.
    __table_args__ = (
        db.Index("ix_monthly_participation_user", "user_id", "month", "board_id", "replies"),
        db.Index("ix_monthly_participation_board", "board_id", "user_id", "month", "replies"),
        {"sqlite_with_rowid": False},
    )

    month = db.Column(db.Integer, primary_key=True, autoincrement=False)  # yyyymm
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), primary_key=True)
    posts = db.Column(db.Integer, nullable=False, default=0)
    replies = db.Column(db.Integer, nullable=False, default=0)

    def written_scopes(self, change):
        """Read by the reports only, which are never stored: no page cache empties."""
        return {scope("participation", self.board_id)}
