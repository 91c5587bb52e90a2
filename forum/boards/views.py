"""The home page (boards a reader may see) and a board's thread list."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from forum import cache, permissions
from forum.boards import queries
from forum.models import THREAD_KINDS
from forum.models.base import scope
from forum.pagination import Page

bp = Blueprint("boards", __name__)


@bp.get("/")
def home():
    boards = queries.list_boards(current_user)
    cache.depends_on(*(scope("board", board.id) for board in boards))  # their counters
    platforms = [board for board in boards if board.task_force_id is None]
    task_force_boards = [board for board in boards if board.task_force_id is not None]
    return render_template(
        "boards/home.html", platforms=platforms, task_force_boards=task_force_boards
    )


@bp.get("/b/<slug>")
def show_board(slug):
    board = queries.get_board_by_slug(slug)
    permissions.require(permissions.can_read_board(board))
    cache.depends_on(scope("board", board.id))  # the list of its threads
    kind = request.args.get("kind")
    if kind not in THREAD_KINDS:
        kind = None
    state = request.args.get("state") if kind == "question" else None
    if state not in queries.QUESTION_STATES:
        state = None
    total = queries.count_threads(board, current_user, kind=kind, state=state)
    page = Page.from_request(total, current_app.config["THREADS_PER_PAGE"])
    threads = queries.list_threads(
        board, current_user, kind=kind, state=state, limit=page.per_page, offset=page.offset
    )
    return render_template(
        "boards/board.html", board=board, threads=threads, page=page, kind=kind,
        kinds=THREAD_KINDS, state=state,
    )  # fmt: skip
