"""Following boards, watching threads and the settings that go with them.

Like every action these take the member explicitly, flush but never commit. Permission is
asked by the caller (forum.permissions: can_follow_board, can_watch_thread). Each write is
an upsert, so a form sent twice at once (a double click) cannot fail on the primary key.
All of it is private state: no page cache is emptied.
"""

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite

from forum.clock import utcnow
from forum.extensions import db
from forum.following import queries
from forum.models import BoardSubscription, FollowingSettings, Level, ThreadWatch
from forum.models.following import NEW_BOARD_LEVELS


def follow_board(member, board, level):
    """Follow the board at the level (Level.MUTED mutes it); None stops following it.

    A new level starts the subscription's date again; the same level keeps it.
    """
    if level is None:
        stop_following(member, board)
        return
    level = Level(level)
    table = BoardSubscription.__table__
    statement = _insert(BoardSubscription).values(
        user_id=member.id, board_id=board.id, level=level, created_at=utcnow()
    )
    unchanged = table.c.level == statement.excluded.level
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.board_id],
            set_={
                "level": statement.excluded.level,
                "created_at": case(
                    (unchanged, table.c.created_at), else_=statement.excluded.created_at
                ),
            },
        )
    )
    _forget(BoardSubscription, (member.id, board.id))


def stop_following(member, board):
    db.session.execute(
        delete(BoardSubscription).where(
            BoardSubscription.user_id == member.id, BoardSubscription.board_id == board.id
        )
    )


def stop_digest(member, level):
    """Stop following, at the digest level, every board the member follows at it."""
    db.session.execute(
        delete(BoardSubscription).where(
            BoardSubscription.user_id == member.id, BoardSubscription.level == level
        )
    )


def watch_thread(member, thread):
    statement = _insert(ThreadWatch).values(
        user_id=member.id, thread_id=thread.id, created_at=utcnow()
    )
    db.session.execute(statement.on_conflict_do_nothing())


def unwatch_thread(member, thread):
    db.session.execute(
        delete(ThreadWatch).where(
            ThreadWatch.user_id == member.id, ThreadWatch.thread_id == thread.id
        )
    )


def watch_automatically(author, thread):
    """Watch a thread one starts or replies to, unless one's settings say no or one has
    muted its board."""
    if not queries.get_settings(author).auto_watch:
        return
    subscription = queries.get_subscription(author, thread.board)
    if subscription is not None and subscription.level == Level.MUTED:
        return
    watch_thread(author, thread)


def update_settings(
    member, *, auto_watch, new_board_level, digest_weekday, digest_hour, digest_timezone
):
    """Save the member's following settings (their first change adds their row)."""
    if new_board_level is not None and Level(new_board_level) not in NEW_BOARD_LEVELS:
        raise ValueError(f"not a level for new boards: {new_board_level!r}")
    settings = db.session.get(FollowingSettings, member.id)
    if settings is None:
        settings = FollowingSettings.defaults(member.id)
        db.session.add(settings)
    settings.auto_watch = bool(auto_watch)
    settings.new_board_level = new_board_level
    settings.digest_weekday = digest_weekday
    settings.digest_hour = digest_hour
    settings.digest_timezone = digest_timezone
    db.session.flush()
    return settings


def follow_new_board(board):
    """A board was just created: the members who follow new boards at a level, and may read
    this one, follow it at that level. Later, it is a subscription like any other."""
    for member, level in queries.new_board_followers(board):
        follow_board(member, board, level)


# Internals ---------------------------------------------------------------------------------


def _insert(model):
    """INSERT with ON CONFLICT, which both databases speak with their own dialect's class."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _forget(model, key):
    """An upsert changed the row behind the session's back: read it afresh next time.
    (ORM deletes keep the session right by themselves.)"""
    row = db.session.identity_map.get(db.session.identity_key(model, key))
    if row is not None:
        db.session.expunge(row)
