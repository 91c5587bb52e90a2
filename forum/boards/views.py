"""The home page (boards a reader may see) and a board's thread list."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import cache, permissions
from forum.boards import queries
from forum.extensions import db
from forum.models import THREAD_KINDS
from forum.models.base import scope
from forum.pagination import Page
from forum.reading import actions as reading_actions
from forum.reading import queries as reading
from forum.threads.forms import ConfirmForm

bp = Blueprint("boards", __name__)


@bp.get("/")
def home():
    boards = queries.list_boards(current_user)
    cache.depends_on(*(scope("board", board.id) for board in boards))  # their counters
    platforms = [board for board in boards if board.task_force_id is None]
    task_force_boards = [board for board in boards if board.task_force_id is not None]
    # A member's new posts in each board's latest thread (one query; none for visitors).
    unread = reading.unread_in_threads([b.last_thread_id for b in boards if b.last_thread_id],
                                       current_user)  # fmt: skip
    return render_template(
        "boards/home.html", platforms=platforms, task_force_boards=task_force_boards,
        unread=unread,
    )  # fmt: skip


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
    listing = queries.list_threads(
        board, current_user, kind=kind, state=state, limit=page.per_page, offset=page.offset
    )
    return render_template(
        "boards/board.html", board=board, threads=listing.threads, unread=listing.unread,
        unpublished=listing.unpublished, page=page, kind=kind, kinds=THREAD_KINDS, state=state,
    )  # fmt: skip


@bp.post("/b/<slug>/read")
@login_required
def mark_board_read(slug):
    """Count every thread of the board as read: its "new" markers go."""
    board = queries.get_board_by_slug(slug)
    permissions.require(permissions.can_read_board(board))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reading_actions.mark_board_read(current_user, board)
    db.session.commit()
    flash(_("Every thread on this board is marked as read."), "success")
    return redirect(url_for("boards.show_board", slug=board.slug))
