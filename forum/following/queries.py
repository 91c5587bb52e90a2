"""What is read about following: a member's levels, watches and settings, and who follows or
watches what.

A member's own lists take the member explicitly and go through the policy's visible_*
filters, so a board or thread they can no longer read drops out of them. The lists of people
(followers, watchers) keep only those the policy lets read the board or thread now.
"""

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import (
    Board,
    BoardSubscription,
    FollowingSettings,
    Thread,
    ThreadWatch,
    User,
)


def get_settings(user):
    """The member's following settings: their row, or the defaults (not added to the session)."""
    found = db.session.get(FollowingSettings, user.id)
    return found if found is not None else FollowingSettings.defaults(user.id)


def get_subscription(user, board):
    """The member's subscription to the board (its level and since when), or None."""
    return db.session.get(BoardSubscription, (user.id, board.id))


def count_at_level(user, level):
    """How many boards the member follows at the level."""
    return db.session.scalar(
        select(func.count())
        .select_from(BoardSubscription)
        .where(BoardSubscription.user_id == user.id, BoardSubscription.level == level)
    )


def is_watching(user, thread):
    return db.session.get(ThreadWatch, (user.id, thread.id)) is not None


def board_levels(user):
    """Every board the member may read, in their set order, each with the member's
    subscription to it or None."""
    return db.session.execute(
        select(Board, BoardSubscription)
        .outerjoin(
            BoardSubscription,
            and_(BoardSubscription.board_id == Board.id, BoardSubscription.user_id == user.id),
        )
        .where(permissions.visible_boards(user))
        .order_by(Board.position, Board.id)
    ).all()


def count_watched_threads(user):
    return db.session.scalar(
        select(func.count()).select_from(ThreadWatch).join(Thread).where(_watched_by(user))
    )


def list_watched_threads(user, *, limit, offset):
    """One page of the threads the member watches and may read, latest activity first, each
    with the watch (since when)."""
    return db.session.execute(
        select(Thread, ThreadWatch)
        .join(ThreadWatch, ThreadWatch.thread_id == Thread.id)
        .where(_watched_by(user))
        .options(joinedload(Thread.board))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def _watched_by(user):
    return (ThreadWatch.user_id == user.id) & permissions.visible_threads(user)


# Who is told ------------------------------------------------------------------------------


def followers(board, levels):
    """The members who follow the board at one of the levels and may read it now."""
    users = db.session.scalars(
        select(User)
        .join(BoardSubscription, BoardSubscription.user_id == User.id)
        .where(BoardSubscription.board_id == board.id, BoardSubscription.level.in_(levels))
        .order_by(User.id)
    ).all()
    return permissions.readers_among(users, board)


def watchers(thread):
    """The members who watch the thread and may read it now."""
    users = db.session.scalars(
        select(User)
        .join(ThreadWatch, ThreadWatch.user_id == User.id)
        .where(ThreadWatch.thread_id == thread.id)
        .order_by(User.id)
    ).all()
    return permissions.readers_among(users, thread)


def new_board_followers(board):
    """The members who follow each new board at a level of their choosing and may read this
    one, each with that level."""
    rows = db.session.execute(
        select(User, FollowingSettings.new_board_level)
        .join(FollowingSettings, FollowingSettings.user_id == User.id)
        .where(FollowingSettings.new_board_level.is_not(None))
        .order_by(User.id)
    ).all()
    levels = {user.id: level for user, level in rows}
    readers = permissions.readers_among([user for user, _level in rows], board)
    return [(user, levels[user.id]) for user in readers]
