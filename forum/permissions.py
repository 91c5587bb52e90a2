"""The access policy: every "may this user …" question, asked by views, templates, lists and jobs.

Content a user may not read answers 404, never 403, so that its existence does not leak;
403 is only for actions on content the user can already see (editing someone else's post).
"""

from dataclasses import dataclass

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import false, or_, select

from forum.extensions import db
from forum.models import Board, BoardModerator, Post, TaskForceMember, Thread

MODERATOR_ROLES = ("moderator", "admin")


@dataclass(frozen=True)
class Access:
    """What one user may touch, computed once per request (or per job for another user)."""

    user_id: int | None
    is_admin: bool
    readable: frozenset
    postable: frozenset
    moderated: frozenset


def access_for(user=None):
    """The user's Access; the current user's is cached on the request."""
    if user is None:
        user = current_user
    cacheable = has_request_context() and user is current_user._get_current_object()
    if cacheable and "access" in g:
        return g.access
    access = _compute_access(user)
    if cacheable:
        g.access = access
    return access


def _compute_access(user):
    boards = db.session.execute(select(Board.id, Board.access, Board.task_force_id, Board.posting))
    signed_in = bool(user and user.is_authenticated and user.is_active)
    if not signed_in:
        readable = frozenset(b.id for b in boards if b.access == "public")
        return Access(None, False, readable, frozenset(), frozenset())

    is_admin = user.role == "admin"
    task_forces = set(
        db.session.scalars(
            select(TaskForceMember.task_force_id).where(TaskForceMember.user_id == user.id)
        )
    )
    moderated = set()
    if user.role in MODERATOR_ROLES:
        moderated = set(
            db.session.scalars(select(BoardModerator.board_id).where(BoardModerator.user_id == user.id))
        )
    readable, postable, all_moderated = set(), set(), set()
    for board in boards:
        moderates = is_admin or (user.role in MODERATOR_ROLES and user.moderates_all_boards) or (
            board.id in moderated
        )
        if board.access == "restricted":
            reads = moderates or board.task_force_id in task_forces
        else:
            reads = True
        if not reads:
            continue
        readable.add(board.id)
        if moderates:
            all_moderated.add(board.id)
        if moderates or board.posting == "members":
            postable.add(board.id)
    return Access(
        user.id, is_admin, frozenset(readable), frozenset(postable), frozenset(all_moderated)
    )


def forget_access():
    """Drop the request's cached Access after a change to roles, boards or task forces."""
    g.pop("access", None)


# Questions about one object -------------------------------------------------------------


def is_admin(user=None):
    return access_for(user).is_admin


def can_administer(user=None):
    """The /admin area and its actions: active administrators only (a suspended one is not)."""
    return access_for(user).is_admin


def can_read_board(board, user=None):
    return board is not None and board.id in access_for(user).readable


def can_moderate_board(board, user=None):
    return board is not None and board.id in access_for(user).moderated


def can_moderate_anything(user=None):
    return bool(access_for(user).moderated)


def can_start_thread(board, user=None):
    return board is not None and board.id in access_for(user).postable


def can_read_thread(thread, user=None):
    if thread is None or not can_read_board(thread.board, user):
        return False
    if thread.status == "published":
        return True
    if can_moderate_board(thread.board, user):
        return True
    # Authors see their own pending or rejected thread, marked as such; never a deleted one.
    return thread.status in ("pending", "rejected") and thread.author_id == access_for(user).user_id


def can_reply(thread, user=None):
    if not can_read_thread(thread, user) or thread.status != "published":
        return False
    if can_moderate_board(thread.board, user):
        return True
    return not thread.locked and thread.board_id in access_for(user).postable


def can_read_post(post, user=None):
    """Whether the post's text may be shown (a deleted post shows as a placeholder otherwise)."""
    if post is None or not can_read_thread(post.thread, user):
        return False
    if can_moderate_board(post.thread.board, user):
        return True
    if post.deleted_at is not None:
        return False
    if post.author_id == access_for(user).user_id:
        return True
    return post.status == "published" and post.hidden_at is None


def can_edit_post(post, user=None):
    if not can_read_post(post, user):
        return False
    if can_moderate_board(post.thread.board, user):
        return True
    access = access_for(user)
    return (
        post.author_id == access.user_id
        and post.deleted_at is None
        and not post.thread.locked
        and post.thread.board_id in access.postable
    )


can_delete_post = can_edit_post


def can_flag_post(post, user=None):
    access = access_for(user)
    return (
        access.user_id is not None
        and post.author_id != access.user_id
        and post.deleted_at is None
        and can_read_post(post, user)
    )


# Filters for lists: a restricted row never leaves the database --------------------------


def visible_boards(user=None):
    return Board.id.in_(access_for(user).readable)


def visible_threads(user=None):
    """Threads that appear in lists: published, in a readable board."""
    readable = access_for(user).readable
    if not readable:
        return false()
    return (Thread.board_id.in_(readable)) & (Thread.status == "published")


def visible_posts(user=None):
    """Posts that appear in lists (profiles, latest, search): published and shown to all."""
    return (
        visible_threads(user)
        & (Post.status == "published")
        & Post.deleted_at.is_(None)
        & Post.hidden_at.is_(None)
    )


def visible_posts_in_thread(thread, user=None):
    """The posts a reader sees in a thread they may read; deleted ones stay as placeholders."""
    if can_moderate_board(thread.board, user):
        return Post.thread_id == thread.id
    own = Post.author_id == access_for(user).user_id
    return (Post.thread_id == thread.id) & or_(
        (Post.status == "published") & Post.hidden_at.is_(None),
        own & (Post.status != "rejected"),
    )


# Enforcement ----------------------------------------------------------------------------


def require(allowed, hide=True):
    """Stop the request unless allowed: 404 when the thing must stay secret, 403 otherwise."""
    if not allowed:
        abort(404 if hide else 403)


class TemplatePolicy:
    """The policy as seen from templates: `can.reply(thread)`, `can.moderate(board)`."""

    read_board = staticmethod(can_read_board)
    read_thread = staticmethod(can_read_thread)
    read_post = staticmethod(can_read_post)
    start_thread = staticmethod(can_start_thread)
    reply = staticmethod(can_reply)
    edit_post = staticmethod(can_edit_post)
    delete_post = staticmethod(can_delete_post)
    flag_post = staticmethod(can_flag_post)
    moderate = staticmethod(can_moderate_board)
    moderate_anything = staticmethod(can_moderate_anything)
    admin = staticmethod(is_admin)
    administer = staticmethod(can_administer)
