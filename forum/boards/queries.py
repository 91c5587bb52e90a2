"""What is read about boards: the boards a reader may see, and a board's list of threads.

Lists take the reader explicitly and apply the policy's visible_* filters, so that a page, a
feed or the JSON API that calls them shows the same rows. Lookups of one board return it
whoever asks: the caller asks the policy, because only it knows whether to answer 404 or 403.
"""

from typing import NamedTuple

from sqlalchemy import func, literal, select, tuple_
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import Board, Post, Thread, User
from forum.outcomes.queries import answered_threads
from forum.reading.queries import is_member, unread_columns, unread_from_row

# At most this many of a member's own pending and rejected threads are listed on a board.
UNPUBLISHED_LISTED = 20

# The board list's filter of questions (`?kind=question&state=…`).
QUESTION_STATES = ("unanswered", "answered")


def get_board(board_id):
    return db.session.get(Board, board_id)


def get_board_by_slug(slug):
    return db.session.scalar(select(Board).where(Board.slug == slug))


def list_boards(user):
    """The boards the reader may see, in their set order, each with its latest thread and who
    posted last there (joined in the same query: the home page shows them for every board)."""
    return db.session.scalars(
        select(Board)
        .where(permissions.visible_boards(user))
        .options(
            joinedload(Board.last_thread).joinedload(Thread.last_post).joinedload(Post.author),
            joinedload(Board.task_force),
        )
        .order_by(Board.position, Board.id)
    ).all()


def count_threads(board, user, *, kind=None, state=None):
    """How many threads the reader sees in the board's list (of one kind, when given, and
    answered or not, for questions)."""
    if kind is None and state is None and permissions.can_read_board(board, user):
        # The board keeps this count, and it is the same for every reader who may read it.
        return board.thread_count
    return db.session.scalar(
        select(func.count()).select_from(Thread).where(_listed(board, user, kind, state))
    )


class BoardPage(NamedTuple):
    """What a board page lists for one reader."""

    threads: list  # the page of published threads, in the board's order
    unread: dict  # thread id → forum.reading.queries.Unread, for a member's new posts
    unpublished: list  # the reader's own pending and rejected threads here, newest first


def list_threads(board, user, *, kind=None, state=None, limit, offset=0, after=None):
    """One page of the board's threads as the reader sees them: pinned first, then by last
    activity, with their authors; for a member also what is new to them, and their own
    threads that wait for approval or were not approved (forum.permissions).

    Two queries for every reader. The offset runs over the listing index alone (a deferred
    join), so a deep page costs about what the first one does; a member's own unpublished
    threads ride along in the same statement, and their unread counts in the one that loads
    the threads.

    `after` (pinned, last activity, id) starts the list after that thread instead of at an
    offset: the JSON API's cursors, which new threads never shift.
    """
    ordering = (Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    listed = select(Thread.id.label("id"), literal(False).label("unpublished")).where(
        _listed(board, user, kind, state)
    )
    if after is not None:
        listed = listed.where(tuple_(Thread.pinned, Thread.last_activity_at, Thread.id) < after)
    listed = listed.order_by(*ordering).limit(limit).offset(offset)
    member = is_member(user)
    if member and not kind and offset == 0 and after is None:
        own = (
            select(Thread.id.label("id"), literal(True).label("unpublished"))
            .where(
                permissions.visible_unpublished_threads(user),
                Thread.board_id == board.id,
                Thread.author_id == user.id,
            )
            .order_by(Thread.created_at.desc(), Thread.id.desc())
            .limit(UNPUBLISHED_LISTED)
        )
        listed = select(listed.subquery()).union_all(select(own.subquery()))
    ids = {thread_id: unpublished for thread_id, unpublished in db.session.execute(listed)}
    if not ids:
        return BoardPage([], {}, [])
    query = select(Thread).where(Thread.id.in_(ids))
    if member:
        columns, read, condition = unread_columns(user)
        query = query.add_columns(*columns).outerjoin(read, condition)
    query = query.options(
        joinedload(Thread.author).joinedload(User.authority), joinedload(Thread.outcome)
    )
    threads, unpublished, unread = [], [], {}
    for row in db.session.execute(query):
        thread = row[0]
        (unpublished if ids[thread.id] else threads).append(thread)
        if member and not ids[thread.id]:
            new = unread_from_row(*row[1:])
            if new.count:
                unread[thread.id] = new
    threads.sort(key=lambda t: (t.pinned, t.last_activity_at, t.id), reverse=True)
    unpublished.sort(key=lambda t: (t.created_at, t.id), reverse=True)
    return BoardPage(threads, unread, unpublished)


def newest_threads(board, user, *, limit):
    """The board's newest threads that the reader sees, latest published first, with their
    authors and opening posts: the board's feed (forum.feeds)."""
    return db.session.scalars(
        select(Thread)
        .where(_listed(board, user, None, None))
        .options(joinedload(Thread.author), joinedload(Thread.first_post))
        .order_by(func.coalesce(Thread.published_at, Thread.created_at).desc(), Thread.id.desc())
        .limit(limit)
    ).all()


def _listed(board, user, kind, state):
    listed = permissions.visible_threads(user) & (Thread.board_id == board.id)
    if kind:
        listed = listed & (Thread.kind == kind)
    if state in QUESTION_STATES:
        answered = answered_threads()
        listed = (
            listed & (Thread.kind == "question") & (answered if state == "answered" else ~answered)
        )
    return listed
