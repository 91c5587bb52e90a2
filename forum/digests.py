"""Digests: the daily and weekly mail of what is new on the boards a reader follows at that level.

A digest holds the threads published on those boards since the reader's last digest of the
level (or since they began to follow the board), and the busiest threads there by new replies:
only what the policy lets the reader read when the digest is built. It is written in the
reader's language by forum.mail, with an unsubscribe link per board, and is not sent when
nothing is new. A DigestRun row, committed with the mail, makes it one digest per reader,
level and period: running again, or after a crash half-way, skips those done and does the rest.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum import mail, permissions
from forum.clock import utcnow
from forum.extensions import db
from forum.following.queries import get_settings
from forum.following.unsubscribe import unsubscribe_url
from forum.models import (
    DIGEST_LEVELS,
    Board,
    BoardSubscription,
    DigestRun,
    FollowingSettings,
    Level,
    Post,
    Thread,
    User,
)

log = logging.getLogger(__name__)

SUBJECTS = {
    Level.DAILY: _l("Your daily digest from Tabadul"),
    Level.WEEKLY: _l("Your weekly digest from Tabadul"),
}
NEW_THREADS_LIMIT = 20
BUSIEST_LIMIT = 5
# A digest built at `now` holds what was published up to `now - SETTLING`: a thread gets its
# published_at before its transaction commits, and one still uncommitted when the digest is
# built must fall after the high-water mark, not under it (where no digest would ever hold it).
SETTLING = timedelta(minutes=2)


@dataclass
class Digest:
    """What one reader's next digest of a level holds."""

    reader: object
    level: str
    until: object  # the high-water mark: everything up to this moment is in
    boards: list = field(default_factory=list)  # followed at the level and readable now
    new_threads: list = field(default_factory=list)
    busiest: list = field(default_factory=list)  # (thread, new replies), most first

    @property
    def is_empty(self):
        return not (self.new_threads or self.busiest)


# Building ------------------------------------------------------------------------------------


def build(reader, level, now=None):
    """The reader's next digest of the level, built at `now` (nothing is written).

    Three queries whatever the number of boards and threads: the boards, the new threads and
    the busiest threads, each filtered by the policy's visible_* rules for this reader.
    """
    until = (now or utcnow()) - SETTLING
    access = permissions.access_for(reader)  # once: every filter below asks it
    subscribed = and_(
        BoardSubscription.board_id == Thread.board_id,
        BoardSubscription.user_id == reader.id,
        BoardSubscription.level == level,
    )
    last = _last_until(reader, level)
    # New since the later of: the reader began following the board, their last digest.
    window = [BoardSubscription.created_at < Thread.published_at, Thread.published_at <= until]
    reply_window = [BoardSubscription.created_at < Post.created_at, Post.created_at <= until]
    if last is not None:
        window.append(Thread.published_at > last)
        reply_window.append(Post.created_at > last)

    boards = db.session.scalars(
        select(Board)
        .join(BoardSubscription, BoardSubscription.board_id == Board.id)
        .where(
            BoardSubscription.user_id == reader.id,
            BoardSubscription.level == level,
            permissions.visible_boards(access),
        )
        .order_by(Board.position, Board.id)
    ).all()
    digest = Digest(reader, level, until, boards)
    if not boards:
        return digest

    digest.new_threads = db.session.scalars(
        select(Thread)
        .join(BoardSubscription, subscribed)
        .where(permissions.visible_threads(access), *window)
        .options(joinedload(Thread.board), joinedload(Thread.author))
        .order_by(Thread.published_at.desc(), Thread.id.desc())
        .limit(NEW_THREADS_LIMIT)
    ).all()

    # Only threads active in the window can have new replies: starting from them (the board
    # listing's index) keeps the count to their posts instead of every post of the forum.
    active_window = [BoardSubscription.created_at < Thread.last_activity_at]
    if last is not None:
        active_window.append(Thread.last_activity_at > last)
    active = (
        select(Thread.id)
        .join(BoardSubscription, subscribed)
        .where(permissions.visible_threads(access), *active_window)
    )
    # Replies only: the opening post is the thread itself, counted above.
    replies = (
        select(Post.thread_id, func.count().label("replies"))
        .join(Thread, Thread.id == Post.thread_id)
        .join(BoardSubscription, subscribed)
        .where(
            Post.thread_id.in_(active),
            permissions.visible_posts(access),
            Post.id != Thread.first_post_id,
            *reply_window,
        )
        .group_by(Post.thread_id)
        .subquery()
    )
    digest.busiest = db.session.execute(
        select(Thread, replies.c.replies)
        .join(replies, replies.c.thread_id == Thread.id)
        .options(joinedload(Thread.board))
        .order_by(replies.c.replies.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(BUSIEST_LIMIT)
    ).all()
    return digest


def _last_until(reader, level):
    return db.session.scalar(
        select(func.max(DigestRun.until)).where(
            DigestRun.user_id == reader.id, DigestRun.level == level
        )
    )


# Who, and for which period -------------------------------------------------------------------


def local_time(settings, now):
    """`now` (naive UTC) in the reader's digest time zone (UTC if it is unknown)."""
    try:
        zone = ZoneInfo(settings.digest_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return now.replace(tzinfo=UTC).astimezone(zone)


def period_of(level, local):
    """The period a digest is for: the reader's local date, or their ISO week."""
    if level == Level.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def is_due(level, settings, local):
    """Whether the reader's digest hour (and weekday, for the weekly one) is now."""
    if local.hour != settings.digest_hour:
        return False
    return level != Level.WEEKLY or local.weekday() == settings.digest_weekday


def readers(level):
    """Active members who follow some board at the level, each with their settings."""
    follows = exists().where(BoardSubscription.user_id == User.id, BoardSubscription.level == level)
    rows = db.session.execute(
        select(User, FollowingSettings)
        .outerjoin(FollowingSettings, FollowingSettings.user_id == User.id)
        .where(follows)
        .order_by(User.id)
    ).all()
    return [
        (user, settings or FollowingSettings.defaults(user.id))
        for user, settings in rows
        if user.is_active  # never mail a suspended or deactivated account
    ]


# Sending -------------------------------------------------------------------------------------


def send_digests(level, now=None, *, everyone=False):
    """Queue the level's digests of the readers whose hour it is (of all, with `everyone`).

    Commits once per reader, so a crash loses no finished work; a Counter of outcomes:
    queued, empty (nothing new: no mail), done (already had this period's digest).
    """
    if level not in DIGEST_LEVELS:
        raise ValueError(f"not a digest level: {level!r}")
    now = now or utcnow()
    outcomes = Counter()
    chosen = [(reader.id, settings) for reader, settings in readers(level)]
    # Every commit expires what the session holds: keeping it to one reader's rows keeps a run
    # linear in its readers (the settings, detached once loaded, stay readable).
    db.session.expunge_all()
    for reader_id, settings in chosen:
        local = local_time(settings, now)
        if not everyone and not is_due(level, settings, local):
            continue
        period = period_of(level, local)
        if db.session.get(DigestRun, (reader_id, level, period)) is not None:
            outcomes["done"] += 1
            continue
        try:
            outcome = _send_one(db.session.get(User, reader_id), level, period, now)
            db.session.commit()
        except IntegrityError:  # another run did this reader's digest at the same moment
            db.session.rollback()
            outcome = "done"
        db.session.expunge_all()
        outcomes[outcome] += 1
    return outcomes


def _send_one(reader, level, period, now):
    digest = build(reader, level, now)
    queued = None
    if not digest.is_empty:
        queued = queue_digest(digest, dedupe_key=f"digest:{level}:{reader.id}:{period}")
    db.session.add(DigestRun(user_id=reader.id, level=level, period=period, until=digest.until,
                             mail_id=queued.id if queued else None))  # fmt: skip
    db.session.flush()
    return "empty" if queued is None else "queued"


def queue_digest(digest, *, dedupe_key=None):
    """Queue the digest's mail in the caller's transaction; returns the mail."""
    unsubscribe = [(board, unsubscribe_url(digest.reader, board=board)) for board in digest.boards]
    # RFC 8058 one-click stops this digest (every board followed at its level); the body
    # has a link per board too.
    stop_all = unsubscribe_url(digest.reader, digest=digest.level)
    headers = {
        "List-Unsubscribe": f"<{stop_all}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    context = {"digest": digest, "unsubscribe": unsubscribe, "stop_all": stop_all}
    return mail.queue(digest.reader, f"digest_{digest.level}", SUBJECTS[digest.level], "digest",
                      context, headers=headers, dedupe_key=dedupe_key)  # fmt: skip


def preview(reader, now=None):
    """The reader's next digest of each level they follow some board at (for /settings/digest)."""
    settings = get_settings(reader)
    return [(build(reader, level, now), settings) for level in DIGEST_LEVELS
            if _follows_at(reader, level)]  # fmt: skip


def _follows_at(reader, level):
    return db.session.scalar(
        select(
            exists().where(BoardSubscription.user_id == reader.id, BoardSubscription.level == level)
        )
    )
