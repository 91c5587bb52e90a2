"""The reader's own state: how far a member has read each thread and board, and the texts
they were writing when a session or a form token ran out. All of it is private state: no page
shows it to anyone else, and writing it empties no page cache."""

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import PrivateState


class ThreadRead(PrivateState, db.Model):
    """The newest post a member has seen in a thread (post ids grow with time)."""

    __tablename__ = "thread_reads"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), primary_key=True, index=True)
    last_read_post_id = db.Column(db.Integer, nullable=False, default=0)
    read_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class BoardRead(PrivateState, db.Model):
    """ "Mark all read" on a board: every thread with no activity since read_at counts as read."""

    __tablename__ = "board_reads"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), primary_key=True)
    read_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Draft(PrivateState, db.Model):
    """A reply or a new thread that could not be sent (an ended session, an old form token),
    kept for its author until she is back on the form, logged in again."""

    __tablename__ = "drafts"
    __table_args__ = (db.Index("ix_drafts_owner", "user_id", "thread_id", "board_id"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"))  # a reply
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"))  # a new thread
    parent_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    title = db.Column(db.String(200), nullable=False, default="")
    kind = db.Column(db.String(20), nullable=False, default="")
    body = db.Column(db.Text, nullable=False, default="")
    saved_at = db.Column(db.DateTime, nullable=False, default=utcnow)
