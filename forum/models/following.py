"""Following: the boards a member follows (and at which level), the threads they watch, and
their following settings. All of it is private state: no page shows it to anyone else."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import PrivateState


class Level(StrEnum):
    """How a member follows a board; the members are the strings the database stores."""

    INSTANT = "instant"  # a notification, and a mail, for every new thread
    DAILY = "daily"  # new threads in a daily digest mail, and no notification
    WEEKLY = "weekly"  # the same, once a week
    IN_APP = "in_app"  # a notification for every new thread, no mail
    # Nothing from the board, not even the default level for new boards, and threads there
    # are not watched automatically. Replies and mentions addressed to the member still come.
    MUTED = "muted"


# The levels that send a digest mail instead of a notification per thread.
DIGEST_LEVELS = (Level.DAILY, Level.WEEKLY)
LEVELS = {
    Level.INSTANT: _l("Every new thread, by email"),
    Level.DAILY: _l("A daily digest by email"),
    Level.WEEKLY: _l("A weekly digest by email"),
    Level.IN_APP: _l("Notifications in the forum only"),
    Level.MUTED: _l("Muted"),
}
# What a member may choose as the level of boards created after they joined (not muted:
# muting is a choice about one board).
NEW_BOARD_LEVELS = (Level.INSTANT, Level.DAILY, Level.WEEKLY, Level.IN_APP)
DIGEST_TIMEZONES = ("Asia/Hebron", "Asia/Gaza", "Asia/Jerusalem", "Asia/Amman", "UTC")
# A member who has changed nothing: watches what they write in, follows no new board, and
# gets the weekly digest on Sunday (the first working day) at 8 in the morning, Hebron time.
SETTINGS_DEFAULTS = {
    "auto_watch": True,
    "new_board_level": None,
    "digest_weekday": 6,
    "digest_hour": 8,
    "digest_timezone": "Asia/Hebron",
}


class BoardSubscription(PrivateState, db.Model):
    """A member's chosen level on one board (a row with Level.MUTED mutes it)."""

    __tablename__ = "board_subscriptions"
    __table_args__ = (
        # Followers of a board at a level: each new thread and each digest asks.
        db.Index("ix_board_subscriptions_board_level", "board_id", "level"),
    )

    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), primary_key=True)
    level = db.Column(db.String(20), nullable=False)
    # When the member began following at this level (a change of level starts it again).
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User")
    board = db.relationship("Board")


class ThreadWatch(PrivateState, db.Model):
    """A member watching a thread: told about every new published reply in it."""

    __tablename__ = "thread_watches"
    __table_args__ = (db.Index("ix_thread_watches_thread", "thread_id"),)

    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User")
    thread = db.relationship("Thread")


class FollowingSettings(PrivateState, db.Model):
    """A member's following settings; a member without a row has the defaults (`defaults`)."""

    __tablename__ = "following_settings"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    # Watch the threads one starts or replies to.
    auto_watch = db.Column(db.Boolean, nullable=False, default=SETTINGS_DEFAULTS["auto_watch"])
    # The level at which the member follows each board created from now on (None: they do
    # not follow new boards). Applied once, when the board is created: see
    # forum.following.actions.follow_new_board.
    new_board_level = db.Column(db.String(20))
    # When digests are sent: the hour (0–23) for both, the weekday (0 Monday … 6 Sunday)
    # for the weekly one, in the member's time zone.
    digest_weekday = db.Column(
        db.Integer, nullable=False, default=SETTINGS_DEFAULTS["digest_weekday"]
    )
    digest_hour = db.Column(db.Integer, nullable=False, default=SETTINGS_DEFAULTS["digest_hour"])
    digest_timezone = db.Column(
        db.String(40), nullable=False, default=SETTINGS_DEFAULTS["digest_timezone"]
    )

    @classmethod
    def defaults(cls, user_id):
        """Settings for a member who has changed none, not added to the session."""
        return cls(user_id=user_id, **SETTINGS_DEFAULTS)


class DigestRun(PrivateState, db.Model):
    """One digest of a level for one reader and period (a local date, or an ISO week).

    The primary key makes it one per reader, level and period: a second run of the command,
    or a run after a crash half-way, finds the row and skips the reader. `until` is the
    high-water mark: the next digest of the level shows what came after it.
    """

    __tablename__ = "digest_runs"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    level = db.Column(db.String(20), primary_key=True)
    period = db.Column(db.String(20), primary_key=True)  # "2026-11-30" or "2026-W49"
    until = db.Column(db.DateTime, nullable=False)
    # The mail queued, or None when there was nothing new (no mail is sent then).
    mail_id = db.Column(db.Integer, db.ForeignKey("mail_outbox.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
