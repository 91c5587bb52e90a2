"""What is read about boards: the boards a reader may see, and a board's list of threads.

Lists take the reader explicitly and apply the policy's visible_* filters, so that a page, a
feed or the JSON API that calls them shows the same rows. Lookups of one board return it
whoever asks: the caller asks the policy, because only it knows whether to answer 404 or 403.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import Board, Thread, User
from forum.outcomes.queries import answered_threads

# The board list's filter of questions (`?kind=question&state=…`).
QUESTION_STATES = ("unanswered", "answered")


def get_board(board_id):
    return db.session.get(Board, board_id)


def get_board_by_slug(slug):
    return db.session.scalar(select(Board).where(Board.slug == slug))


def list_boards(user):
    """The boards the reader may see, in their set order, each with its latest thread."""
    return db.session.scalars(
        select(Board)
        .where(permissions.visible_boards(user))
        .options(joinedload(Board.last_thread), joinedload(Board.task_force))
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


def list_threads(board, user, *, kind=None, state=None, limit, offset):
    """One page of the board's threads as the reader sees them: pinned first, then by last
    activity, with their authors.

    The offset runs over the listing index alone (a deferred join), so a deep page costs
    about what the first one does.
    """
    ordering = (Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    ids = db.session.scalars(
        select(Thread.id)
        .where(_listed(board, user, kind, state))
        .order_by(*ordering)
        .limit(limit)
        .offset(offset)
    ).all()
    if not ids:
        return []
    threads = db.session.scalars(
        select(Thread)
        .where(Thread.id.in_(ids))
        .options(joinedload(Thread.author).joinedload(User.authority), joinedload(Thread.outcome))
    ).all()
    order = {thread_id: position for position, thread_id in enumerate(ids)}
    return sorted(threads, key=lambda thread: order[thread.id])


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
