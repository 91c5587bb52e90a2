"""Flags, the moderation log, the admin log and in-app notifications."""

from flask_babel import lazy_gettext as _l

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import PrivateState

FLAG_REASONS = {
    "spam": _l("Spam"),
    "off_topic": _l("Off-topic"),
    "inappropriate": _l("Inappropriate"),
    "other": _l("Other"),
}


class Flag(PrivateState, db.Model):
    __tablename__ = "flags"
    __table_args__ = (db.UniqueConstraint("post_id", "user_id", name="uq_flags_post_user"),)

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    reason = db.Column(db.String(20), nullable=False)
    text = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    resolved_at = db.Column(db.DateTime)
    resolved_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    resolution = db.Column(db.String(20))

    post = db.relationship("Post")
    user = db.relationship("User", foreign_keys=[user_id])


class ModerationLog(PrivateState, db.Model):
    """Append-only: the application offers no way to edit or delete an entry."""

    __tablename__ = "moderation_log"

    id = db.Column(db.Integer, primary_key=True)
    # None for what the forum did by itself (a post hidden once its flags reached the
    # board's threshold): no member decided it.
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    action = db.Column(db.String(40), nullable=False, index=True)
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), index=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"))
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    target_user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    # For a move: the board the thread left (board_id is where it went).
    from_board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), index=True)
    reason = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    actor = db.relationship("User", foreign_keys=[actor_id])
    board = db.relationship("Board", foreign_keys=[board_id])
    from_board = db.relationship("Board", foreign_keys=[from_board_id])
    thread = db.relationship("Thread")
    post = db.relationship("Post")
    target_user = db.relationship("User", foreign_keys=[target_user_id])


class AdminLog(PrivateState, db.Model):
    """Append-only record of administration: who changed what, and when."""

    __tablename__ = "admin_log"

    id = db.Column(db.Integer, primary_key=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    action = db.Column(db.String(40), nullable=False)
    target_type = db.Column(db.String(30), nullable=False)
    target_id = db.Column(db.Integer)
    details = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    actor = db.relationship("User")


class Notification(PrivateState, db.Model):
    """An in-app message; its text is rendered in the reader's language from kind + data."""

    __tablename__ = "notifications"
    __table_args__ = (db.Index("ix_notifications_user", "user_id", "read_at", "created_at"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    kind = db.Column(db.String(40), nullable=False)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"))
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    data = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime)

    user = db.relationship("User")
    thread = db.relationship("Thread")
    post = db.relationship("Post")
