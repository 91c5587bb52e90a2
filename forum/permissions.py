"""The access policy: every "may this user …" question, asked by views, templates, lists and jobs.

Content a user may not read answers 404, never 403, so that its existence does not leak;
403 is only for actions on content the user can already see (editing someone else's post).
"""

from dataclasses import dataclass
from typing import NamedTuple

from flask import abort, current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import bindparam, false, literal, or_, select, true
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
    # A member who has confirmed their address; an unconfirmed one is a visitor with a name.
    verified: bool = False


def access_for(user=None):
    """The user's Access; the current user's is cached on the request. An Access computed
    already (readers_among) answers for itself, so every can_* question takes one too."""
    if isinstance(user, Access):
        return user
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


def access_of(user):
    """The Access of a reader who is not the request's (a feed token's owner, or None for a
    visitor), computed now and without looking at the session: a feed is never read as the
    browser's member. Pass it to the queries and can_* questions as their user."""
    return _compute_access(user)


def _compute_access(user, memberships=None, boards=None):
    """memberships and boards may be given when many users' Access is computed at once."""
    boards = _board_table() if boards is None else boards
    signed_in = bool(user and user.is_authenticated and user.is_active)
    if not signed_in or not user.is_verified:
        # Until a new member opens the link mailed to their address, they read what visitors
        # read and may post, reply or flag nowhere: a throwaway address opens nothing.
        readable = frozenset(b.id for b in boards if b.access == "public")
        return Access(user.id if signed_in else None, False, readable, frozenset(), frozenset())

    is_admin = user.role == "admin"
    task_forces, moderated = memberships if memberships is not None else _memberships(user)
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
        user.id, is_admin, frozenset(readable), frozenset(postable), frozenset(all_moderated),
        verified=True,
    )  # fmt: skip


def _memberships(user):
    """The user's task forces and the boards they moderate, in one query."""
    query = _MEMBERSHIPS[user.role in MODERATOR_ROLES]
    task_forces, moderated = set(), set()
    for kind, key in db.session.execute(query, {"user_id": user.id}):
        (task_forces if kind == "task_force" else moderated).add(key)
    return task_forces, moderated


def _memberships_of(users):
    """_memberships for many users in one query: user id → (task forces, moderated boards)."""
    ids = [user.id for user in users]
    # As in _memberships, assignments count only while the role is a moderator's.
    moderator_ids = [user.id for user in users if user.role in MODERATOR_ROLES]
    found = {user_id: (set(), set()) for user_id in ids}
    if not ids:
        return found
    query = select(
        TaskForceMember.user_id, literal("task_force"), TaskForceMember.task_force_id
    ).where(TaskForceMember.user_id.in_(ids))
    query = query.union_all(
        select(BoardModerator.user_id, literal("board"), BoardModerator.board_id).where(
            BoardModerator.user_id.in_(moderator_ids)
        )
    )
    for user_id, kind, key in db.session.execute(query):
        found[user_id][0 if kind == "task_force" else 1].add(key)
    return found


# Built once, with the user bound at execution: building and keying a statement costs
# SQLAlchemy more than the database takes to answer it, and every request asks these.
_TASK_FORCES = select(literal("task_force"), TaskForceMember.task_force_id).where(
    TaskForceMember.user_id == bindparam("user_id")
)
_MEMBERSHIPS = {
    False: _TASK_FORCES,
    True: _TASK_FORCES.union_all(
        select(literal("board"), BoardModerator.board_id).where(
            BoardModerator.user_id == bindparam("user_id")
        )
    ),
}
_BOARD_TABLE = select(Board.id, Board.access, Board.task_force_id, Board.posting)


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
    rows = db.session.execute(_BOARD_TABLE).all()
    if kept is not None:
        kept.clear()
        kept[version] = rows
    return rows


def forget_access():
    """Drop the request's cached Access after a change to roles, boards or task forces."""
    g.pop("access", None)


# Questions about one object -------------------------------------------------------------
#
# Each rule is written once, as a function of the reader's Access (`_reads_thread`,
# `_judge_post`…); the public questions look the Access up and ask it, and `for_posts`
# asks the same rules about a page of posts with the Access looked up once.


def can_administer(user=None):
    """The /admin area and its actions: active administrators only (a suspended one is not)."""
    return access_for(user).is_admin


def can_read_board(board, user=None):
    return _reads_board(access_for(user), board)


def can_moderate_board(board, user=None):
    return _moderates_board(access_for(user), board)


def can_moderate_anything(user=None):
    # Asked by every page's header: members and visitors are answered without a query.
    person = current_user if user is None else user
    if not (person and person.is_authenticated and person.role in MODERATOR_ROLES):
        return False
    return bool(access_for(user).moderated)


def can_start_thread(board, user=None):
    return board is not None and board.id in access_for(user).postable


def can_read_thread(thread, user=None):
    return _reads_thread(access_for(user), thread)


def can_reply(thread, user=None):
    access = access_for(user)
    if not _reads_thread(access, thread) or thread.status != Status.PUBLISHED:
        return False
    if _moderates_board(access, thread.board):
        return True
    return not thread.locked and thread.board_id in access.postable


def can_read_post(post, user=None):
    """Whether the post's text may be shown (a deleted post shows as a placeholder otherwise)."""
    return _post_permissions(post, user).read


def can_edit_post(post, user=None):
    return _post_permissions(post, user).edit


def can_delete_post(post, user=None):
    return _post_permissions(post, user).delete


def can_moderate_thread(thread, user=None):
    """Moderator powers on a thread: a moderator of another board has none here."""
    reads, moderates = _standing_in_thread(access_for(user), thread)
    return reads and moderates


def can_moderate_post(post, user=None):
    return _post_permissions(post, user).moderate


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
    return _post_permissions(post, user).view_history


def can_flag_post(post, user=None):
    return _post_permissions(post, user).flag


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
    profile answers 404 for every reader (a suspended member's stays visible), and so does
    the profile of an account still waiting for approval, or refused."""
    return member is not None and member.active and member.approval == "approved"


def can_open_notification(notification, user=None):
    """Notifications are private: someone else's answers 404, as if it did not exist."""
    return notification is not None and notification.user_id == access_for(user).user_id


def can_follow_board(board, user=None):
    """Following a board: members (not visitors, not suspended members, not members whose
    address is unconfirmed: it gets no mail) who may read it."""
    return access_for(user).verified and can_read_board(board, user)


def can_watch_thread(thread, user=None):
    """Watching a thread: members who may read it (an author their own pending thread too)."""
    return access_for(user).verified and can_read_thread(thread, user)


def can_confirm_address(user=None):
    """Whether to offer the member a new confirmation link: logged in, address unconfirmed."""
    access = access_for(user)
    return access.user_id is not None and not access.verified


# Attachments (forum.attachments) ---------------------------------------------------------


def can_read_attachment(attachment, user=None):
    """A file is read by whoever may read its post's text (a hidden or deleted post hides its
    files with it); a staged upload, not yet on a post, by its uploader alone; a removed file
    by nobody. Everyone else gets 404, as for the post itself."""
    if attachment is None or attachment.removed_at is not None:
        return False
    if attachment.post_id is None:
        access = access_for(user)
        return access.verified and attachment.uploader_id == access.user_id
    return can_read_post(attachment.post, user)


def can_attach_files(user=None):
    """Uploading: members who may post somewhere (a confirmed address, not suspended)."""
    return bool(access_for(user).postable)


def can_discard_upload(attachment, user=None):
    """Taking back an upload not yet sent with a post: its uploader alone (someone else's, or
    a file already on a post, is not there: 404)."""
    return attachment is not None and attachment.is_staged and can_read_attachment(attachment, user)


def can_remove_attachment(attachment, user=None):
    """Taking one file off a post, with a reason: the board's moderators."""
    return (
        attachment is not None
        and attachment.post_id is not None
        and attachment.removed_at is None
        and can_moderate_post(attachment.post, user)
    )


# Outcomes of threads (forum.outcomes): the asker or author decides, or a moderator -------


def can_accept_answer(thread, user=None):
    """Marking, changing or clearing a question's accepted answer."""
    return thread is not None and thread.kind == "question" and _decides_outcome(thread, user)


def can_set_challenge_status(thread, user=None):
    return thread is not None and thread.kind == "challenge" and _decides_outcome(thread, user)


def can_adopt_story(thread, user=None):
    """Recording that one's own local authority adopted a success story: members of another
    authority than the story's author (a story is not adopted by those who wrote it)."""
    access = access_for(user)
    if thread is None or thread.kind != "success_story" or not access.verified:
        return False
    if thread.status != Status.PUBLISHED or not _reads_thread(access, thread):
        return False
    person = current_user if user is None else user
    authority_id = getattr(person, "authority_id", None)
    return authority_id is not None and authority_id != thread.author.authority_id


def can_withdraw_adoption(adoption, user=None):
    """An adoption is withdrawn by the member who recorded it, or a moderator of the board."""
    if adoption is None:
        return False
    access = access_for(user)
    reads, moderates = _standing_in_thread(access, adoption.thread)
    return reads and (moderates or adoption.user_id == access.user_id)


def _decides_outcome(thread, user):
    access = access_for(user)
    reads, moderates = _standing_in_thread(access, thread)
    if not reads or thread.status != Status.PUBLISHED:
        return False
    return moderates or (access.user_id is not None and thread.author_id == access.user_id)


# Tags (forum.tags) ------------------------------------------------------------------------


def can_manage_tags(user=None):
    """The list of tags is kept by moderators (of any board) and administrators."""
    return can_moderate_anything(user)


def can_retag_thread(thread, user=None):
    """Authors choose tags when they start a thread; afterwards the board's moderators."""
    return can_moderate_thread(thread, user)


# Participation reports (forum.reports) ---------------------------------------------------


def can_read_reports(user=None):
    """Administrators and analysts; for everyone else the reports do not exist (404). They
    count what the reader may read, like every list."""
    if isinstance(user, Access):
        return user.is_admin
    # Asked by every page's header: others are answered without a query.
    person = current_user if user is None else user
    if not (person and person.is_authenticated and person.role in ("admin", "analyst")):
        return False
    access = access_for(user)
    return access.is_admin or (access.verified and person.role == "analyst")


def access_of_the_federation():
    """Everything published, as the federation's own scripts count it (`flask forum report`):
    no reader, every board readable."""
    readable = frozenset(board.id for board in _board_table())
    return Access(None, True, readable, frozenset(), frozenset())


# Questions about many people at once: who is told about new content --------------------


def readers_among(users, item):
    """Those of the users who may now read the item (a Board or a Thread) as members: a
    notification or a mail about it goes to no one else, and never to a suspended or
    deactivated account. Two queries for all of them, whatever their number."""
    users = list(users)
    if not users:
        return []
    ask = can_follow_board if isinstance(item, Board) else can_watch_thread
    memberships, boards = _memberships_of(users), _board_table()
    return [
        user for user in users if ask(item, _compute_access(user, memberships[user.id], boards))
    ]


class PostPermissions(NamedTuple):
    """What one reader may do with one post: the answers of the can_*_post questions."""

    read: bool = False
    edit: bool = False
    delete: bool = False
    flag: bool = False
    moderate: bool = False
    view_history: bool = False


NO_PERMISSIONS = PostPermissions()


def for_posts(thread, posts, user=None):
    """What the reader may do with each of the thread's posts, by post id.

    The same answers as can_read_post, can_edit_post… one post at a time, with the reader's
    Access and standing in the thread worked out once: a thread page asks about twenty posts.
    """
    access = access_for(user)
    standing = _standing_in_thread(access, thread)
    answers = {}
    for post in posts:
        if post.thread_id != thread.id:
            raise ValueError(f"post {post.id} is not in thread {thread.id}")
        answers[post.id] = _judge_post(access, post, thread, *standing)
    return answers


def _post_permissions(post, user):
    if post is None:
        return NO_PERMISSIONS
    access = access_for(user)
    return _judge_post(access, post, post.thread, *_standing_in_thread(access, post.thread))


# The rules, given the reader's Access ---------------------------------------------------


def _reads_board(access, board):
    return board is not None and board.id in access.readable


def _moderates_board(access, board):
    return board is not None and board.id in access.moderated


def _reads_thread(access, thread):
    if thread is None or not _reads_board(access, thread.board):
        return False
    if thread.status == Status.PUBLISHED:
        return True
    if _moderates_board(access, thread.board):
        return True
    # Authors see their own pending or rejected thread, marked as such; never a deleted one.
    return thread.status in (Status.PENDING, Status.REJECTED) and thread.author_id == access.user_id


def _standing_in_thread(access, thread):
    """Whether the reader reads the thread, and whether they moderate it (only if they read it)."""
    if not _reads_thread(access, thread):
        return False, False
    return True, _moderates_board(access, thread.board)


def _judge_post(access, post, thread, reads_thread, moderates):
    """Every can_*_post answer for one post of `thread`, given the reader's standing in it."""
    if not reads_thread:
        return NO_PERMISSIONS
    own = post.author_id == access.user_id
    deleted = post.deleted_at is not None
    # Moderators read every post of their boards; others neither deleted posts nor, unless
    # they wrote them, those waiting, rejected or hidden.
    read = moderates or (not deleted and (own or post.is_visible_to_all))
    edit = read and (
        moderates
        or (own and not deleted and not thread.locked and thread.board_id in access.postable)
    )
    return PostPermissions(
        read=read,
        edit=edit,
        delete=edit,
        flag=access.verified and not own and not deleted and read,
        moderate=moderates,
        view_history=read and (own or moderates),
    )


# Filters for lists: a restricted row never leaves the database --------------------------


def visible_boards(user=None):
    return Board.id.in_(access_for(user).readable)


def visible_board_rows(board_column, user=None):
    """Rows kept per board (counts of a board's content) of the boards the reader may read."""
    readable = access_for(user).readable
    return board_column.in_(readable) if readable else false()


def visible_threads(user=None):
    """Threads that appear in lists: published, in a readable board."""
    readable = access_for(user).readable
    if not readable:
        return false()
    return (Thread.board_id.in_(readable)) & (Thread.status == Status.PUBLISHED)


def visible_unpublished_threads(user=None):
    """Pending and rejected threads that a reader sees listed, marked with their status: their
    own (an author must not lose sight of a thread waiting for approval, or of one she may
    edit and send again), and, for a moderator, those of the boards they moderate. Never a
    visitor's; never a deleted thread."""
    access = access_for(user)
    if access.user_id is None:
        return false()
    unpublished = Thread.status.in_((Status.PENDING, Status.REJECTED)) & Thread.board_id.in_(
        access.readable
    )
    mine = Thread.author_id == access.user_id
    if access.moderated:
        return unpublished & (mine | Thread.board_id.in_(access.moderated))
    return unpublished & mine


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
    """The posts a reader sees in a thread they may read; deleted and hidden ones stay as
    placeholders, so that the replies to them still answer something."""
    moderator = can_moderate_board(thread.board, user)
    return _posts_in_thread(thread.id, access_for(user).user_id, moderator=moderator)


def visible_posts_in_thread_bound(thread, user=None):
    """visible_posts_in_thread as (condition, values): a condition that is the same object for
    every thread and reader of a kind, and the values of its bound parameters. SQLAlchemy
    takes longer to build and key a statement than the database takes to answer the thread
    page's query: that page builds its statement once per kind (forum.threads.queries)."""
    if can_moderate_board(thread.board, user):
        return _POSTS_IN_THREAD_BOUND[True], {"thread_id": thread.id}
    values = {"thread_id": thread.id, "reader_id": access_for(user).user_id}
    return _POSTS_IN_THREAD_BOUND[False], values


def _posts_in_thread(thread_id, reader_id, *, moderator):
    """The rule of visible_posts_in_thread, over values or bound parameters."""
    in_thread = Post.thread_id == thread_id
    if moderator:
        return in_thread
    return in_thread & or_(
        Post.status == Status.PUBLISHED,
        (Post.author_id == reader_id) & (Post.status != Status.REJECTED),
    )


_POSTS_IN_THREAD_BOUND = {
    moderator: _posts_in_thread(bindparam("thread_id"), bindparam("reader_id"), moderator=moderator)
    for moderator in (True, False)
}


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
    follow_board = staticmethod(can_follow_board)
    watch_thread = staticmethod(can_watch_thread)
    confirm_address = staticmethod(can_confirm_address)
    accept_answer = staticmethod(can_accept_answer)
    set_challenge_status = staticmethod(can_set_challenge_status)
    adopt_story = staticmethod(can_adopt_story)
    withdraw_adoption = staticmethod(can_withdraw_adoption)
    manage_tags = staticmethod(can_manage_tags)
    retag_thread = staticmethod(can_retag_thread)
    read_reports = staticmethod(can_read_reports)
