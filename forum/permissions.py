"""The access policy: every "may this user …" question, asked by views, templates, lists and jobs.

Content a user may not read answers 404, never 403, so that its existence does not leak;
403 is only for actions on content the user can already see (editing someone else's post).
"""

from dataclasses import dataclass

from flask import abort, current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import false, literal, or_, select, true
from werkzeug.local import LocalProxy

from forum.extensions import db
from forum.models import (
    Board,
    BoardModerator,
    ModerationLog,
    Notification,
    Post,
    Status,
    TaskForceMember,
    Thread,
)

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
    if not has_request_context():
        return _compute_access(user)
    # Compare real objects (a proxy `is` never its target), and remember whose Access is
    # cached: logging in during a request changes the current user. Views pass the reader to
    # the queries as `current_user`, a proxy: it must find the cached Access too.
    current = current_user._get_current_object()
    if isinstance(user, LocalProxy):
        user = user._get_current_object()
    if user is not None and user is not current:
        return _compute_access(user)
    cached = g.get("access")
    if cached is not None and cached[0] is current:
        return cached[1]
    access = _compute_access(current)
    g.access = (current, access)
    return access


def _compute_access(user):
    boards = _board_table()
    signed_in = bool(user and user.is_authenticated and user.is_active)
    if not signed_in:
        readable = frozenset(b.id for b in boards if b.access == "public")
        return Access(None, False, readable, frozenset(), frozenset())

    is_admin = user.role == "admin"
    task_forces, moderated = _memberships(user)
    readable, postable, all_moderated = set(), set(), set()
    for board in boards:
        moderates = (
            is_admin
            or (user.role in MODERATOR_ROLES and user.moderates_all_boards)
            or (board.id in moderated)
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


def _memberships(user):
    """The user's task forces and the boards they moderate, in one query."""
    query = select(literal("task_force"), TaskForceMember.task_force_id).where(
        TaskForceMember.user_id == user.id
    )
    if user.role in MODERATOR_ROLES:
        query = query.union_all(
            select(literal("board"), BoardModerator.board_id).where(
                BoardModerator.user_id == user.id
            )
        )
    task_forces, moderated = set(), set()
    for kind, key in db.session.execute(query):
        (task_forces if kind == "task_force" else moderated).add(key)
    return task_forces, moderated


def _board_table():
    """Every board's access settings.

    A request that read the change log (forum.cache does, first thing, on the pages it caches)
    shares the rows kept by this worker for its cache generation: a change to a board's
    access or posting is a site-wide change, which starts a new generation.
    """
    version = g.get("cache_generation") if has_request_context() else None
    kept = current_app.extensions.setdefault("board_table", {}) if version is not None else None
    if kept and version in kept:
        return kept[version]
    rows = db.session.execute(
        select(Board.id, Board.access, Board.task_force_id, Board.posting)
    ).all()
    if kept is not None:
        kept.clear()
        kept[version] = rows
    return rows


def forget_access():
    """Drop the request's cached Access after a change to roles, boards or task forces."""
    g.pop("access", None)


# Questions about one object -------------------------------------------------------------


def can_administer(user=None):
    """The /admin area and its actions: active administrators only (a suspended one is not)."""
    return access_for(user).is_admin


def can_read_board(board, user=None):
    return board is not None and board.id in access_for(user).readable


def can_moderate_board(board, user=None):
    return board is not None and board.id in access_for(user).moderated


def can_moderate_anything(user=None):
    # Asked by every page's header: members and visitors are answered without a query.
    person = current_user if user is None else user
    if not (person and person.is_authenticated and person.role in MODERATOR_ROLES):
        return False
    return bool(access_for(user).moderated)


def can_start_thread(board, user=None):
    return board is not None and board.id in access_for(user).postable


def can_read_thread(thread, user=None):
    if thread is None or not can_read_board(thread.board, user):
        return False
    if thread.status == Status.PUBLISHED:
        return True
    if can_moderate_board(thread.board, user):
        return True
    # Authors see their own pending or rejected thread, marked as such; never a deleted one.
    return (
        thread.status in (Status.PENDING, Status.REJECTED)
        and thread.author_id == access_for(user).user_id
    )


def can_reply(thread, user=None):
    if not can_read_thread(thread, user) or thread.status != Status.PUBLISHED:
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
    return post.is_visible_to_all


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


def can_moderate_thread(thread, user=None):
    """Moderator powers on a thread: a moderator of another board has none here."""
    return can_read_thread(thread, user) and can_moderate_board(thread.board, user)


def can_moderate_post(post, user=None):
    return post is not None and can_moderate_thread(post.thread, user)


def can_move_thread_to(thread, board, user=None):
    """Moving needs powers on both boards, or a thread could leak into a board with more readers."""
    return (
        can_moderate_thread(thread, user)
        and can_moderate_board(board, user)
        and board.id != thread.board_id
    )


def can_view_history(post, user=None):
    """A post's earlier texts: for its author and the board's moderators only, because a
    moderator's edit often removes what must not stay readable (personal data, insults)."""
    if not can_read_post(post, user):
        return False
    return post.author_id == access_for(user).user_id or can_moderate_board(post.thread.board, user)


def can_flag_post(post, user=None):
    access = access_for(user)
    return (
        access.user_id is not None
        and post.author_id != access.user_id
        and post.deleted_at is None
        and can_read_post(post, user)
    )


def needs_approval(author, board, *, reply=False):
    """Whether a new thread (or reply) by this author waits in the moderation queue.

    The board decides whether threads and replies wait; its moderators never do, and members
    with enough approved posts (the board's trust threshold, 0 for never) skip the queue.
    """
    if can_moderate_board(board, author):
        return False
    if not (board.replies_need_approval if reply else board.threads_need_approval):
        return False
    trusted = board.trust_threshold > 0 and author.approved_post_count >= board.trust_threshold
    return not trusted


def can_view_profile(member, user=None):
    """A member's profile is public while the account is active; a deactivated account's
    profile answers 404 for every reader (a suspended member's stays visible)."""
    return member is not None and member.active


def can_open_notification(notification, user=None):
    """Notifications are private: someone else's answers 404, as if it did not exist."""
    return notification is not None and notification.user_id == access_for(user).user_id


# Filters for lists: a restricted row never leaves the database --------------------------


def visible_boards(user=None):
    return Board.id.in_(access_for(user).readable)


def visible_threads(user=None):
    """Threads that appear in lists: published, in a readable board."""
    readable = access_for(user).readable
    if not readable:
        return false()
    return (Thread.board_id.in_(readable)) & (Thread.status == Status.PUBLISHED)


def visible_posts(user=None):
    """Posts that appear in lists (profiles, latest, search): published and shown to all."""
    return visible_threads(user) & Post.is_visible_to_all


def visible_to_moderator(board_column, user=None):
    """Rows of the boards the user moderates (for the queue, the flags and their counts)."""
    moderated = access_for(user).moderated
    return board_column.in_(moderated) if moderated else false()


def visible_notifications(user=None):
    """The user's own notifications: nobody else's ever appear, not even to admins."""
    user_id = access_for(user).user_id
    return Notification.user_id == user_id if user_id is not None else false()


def visible_moderation_log(user=None):
    """Log entries of the boards the user moderates (a move shows on both); all for admins."""
    access = access_for(user)
    if access.is_admin:
        return true()
    if not access.moderated:
        return false()
    return ModerationLog.board_id.in_(access.moderated) | ModerationLog.from_board_id.in_(
        access.moderated
    )


def visible_posts_in_thread(thread, user=None):
    """The posts a reader sees in a thread they may read; deleted ones stay as placeholders."""
    if can_moderate_board(thread.board, user):
        return Post.thread_id == thread.id
    own = Post.author_id == access_for(user).user_id
    return (Post.thread_id == thread.id) & or_(
        (Post.status == Status.PUBLISHED) & Post.hidden_at.is_(None),
        own & (Post.status != Status.REJECTED),
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
    moderate_thread = staticmethod(can_moderate_thread)
    moderate_post = staticmethod(can_moderate_post)
    view_history = staticmethod(can_view_history)
    moderate = staticmethod(can_moderate_board)
    moderate_anything = staticmethod(can_moderate_anything)
    admin = staticmethod(can_administer)
