"""The home page (boards a reader may see) and a board's thread list."""

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import cache, permissions
from forum.extensions import db
from forum.models import THREAD_KINDS, Board, Thread, User
from forum.models.base import scope
from forum.pagination import Page

bp = Blueprint("boards", __name__)


@bp.get("/")
def home():
    boards = db.session.scalars(
        select(Board)
        .where(permissions.visible_boards())
        .options(joinedload(Board.last_thread), joinedload(Board.task_force))
        .order_by(Board.position, Board.id)
    ).all()
    cache.depends_on(*(scope("board", board.id) for board in boards))  # their counters
    platforms = [board for board in boards if board.task_force_id is None]
    task_force_boards = [board for board in boards if board.task_force_id is not None]
    return render_template(
        "boards/home.html", platforms=platforms, task_force_boards=task_force_boards
    )


@bp.get("/b/<slug>")
def show_board(slug):
    board = db.session.scalar(select(Board).where(Board.slug == slug))
    permissions.require(permissions.can_read_board(board))
    cache.depends_on(scope("board", board.id))  # the list of its threads
    kind = request.args.get("kind")
    if kind not in THREAD_KINDS:
        kind = None
    listed = (Thread.board_id == board.id) & (Thread.status == "published")
    if kind:
        listed &= Thread.kind == kind
        total = db.session.scalar(select(func.count()).select_from(Thread).where(listed))
    else:
        total = board.thread_count
    per_page = current_app.config["THREADS_PER_PAGE"]
    page = Page.from_request(total, per_page)
    threads = _thread_page(listed, page)
    return render_template(
        "boards/board.html", board=board, threads=threads, page=page, kind=kind,
        kinds=THREAD_KINDS,
    )  # fmt: skip


def _thread_page(listed, page):
    """One page of threads, pinned first, then by last activity.

    The offset runs over the listing index alone (a deferred join), so a deep page costs
    about what the first one does.
    """
    ordering = (Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    ids = db.session.scalars(
        select(Thread.id).where(listed).order_by(*ordering).limit(page.per_page).offset(page.offset)
    ).all()
    if not ids:
        return []
    threads = db.session.scalars(
        select(Thread)
        .where(Thread.id.in_(ids))
        .options(joinedload(Thread.author).joinedload(User.authority))
    ).all()
    order = {thread_id: position for position, thread_id in enumerate(ids)}
    return sorted(threads, key=lambda thread: order[thread.id])
