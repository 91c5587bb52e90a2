"""Moderator decisions and member flags; each action writes the moderation log itself.

Like every action, these take the acting user explicitly, flush but never commit: the view
commits once. Permission is asked by the caller (forum.permissions); the actions only keep
the rules about state (a thread is approved once, a member flags a post once).
"""

from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import events, notifications
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Flag, Post, Status
from forum.moderation import log
from forum.threads import actions as threads


class ModerationError(ValueError):
    """A moderation rule was broken; the message is shown to the person who tried."""


class Decision(StrEnum):
    """What a moderator decided about a pending item (notification kinds and signals say it)."""

    APPROVED = "approved"
    REJECTED = "rejected"


# The approval queue ------------------------------------------------------------------------


def approve_thread(moderator, thread):
    """Publish a pending thread and tell its author."""
    _require_pending(thread.status)
    threads.publish_thread(thread)
    log.record(moderator, "approve_thread", thread=thread)
    _tell_author(moderator, thread, None, Decision.APPROVED, "")
    return thread


def reject_thread(moderator, thread, *, reason):
    """Refuse a pending thread with a reason its author is shown; it stays out of every list."""
    _require_pending(thread.status)
    _require_reason(reason)
    thread.status = Status.REJECTED
    thread.rejection_reason = reason
    log.record(moderator, "reject_thread", thread=thread, reason=reason)
    _tell_author(moderator, thread, None, Decision.REJECTED, reason)
    return thread


def approve_post(moderator, post):
    _require_pending(post.status)
    threads.publish_post(post)
    log.record(moderator, "approve_post", post=post)
    _tell_author(moderator, post.thread, post, Decision.APPROVED, "")
    return post


def reject_post(moderator, post, *, reason):
    _require_pending(post.status)
    _require_reason(reason)
    post.status = Status.REJECTED
    log.record(moderator, "reject_post", post=post, reason=reason)
    _tell_author(moderator, post.thread, post, Decision.REJECTED, reason)
    return post


def approve(moderator, item):
    """Approve a queue item (see forum.moderation.queries.QueueItem)."""
    if item.kind == "thread":
        return approve_thread(moderator, item.thread)
    return approve_post(moderator, item.post)


def reject(moderator, item, *, reason):
    if item.kind == "thread":
        return reject_thread(moderator, item.thread, reason=reason)
    return reject_post(moderator, item.post, reason=reason)


def decide(moderator, items, decision, *, reason=""):
    """Approve several queue items, or reject them all with one reason, in one go.

    An item that is no longer pending (another moderator was quicker) is skipped and the rest
    still go through. Returns how many were decided and, for each skipped one, why.
    """
    done, skipped = 0, []
    for item in items:
        try:
            if decision == Decision.REJECTED:
                reject(moderator, item, reason=reason)
            else:
                approve(moderator, item)
        except ModerationError as error:
            skipped.append(str(error))
        else:
            done += 1
    return done, skipped


def edit_and_approve(moderator, item, *, body, title=None):
    """Correct a pending text (the author's version is kept as a revision), then publish it."""
    _require_pending(item.thread.status if item.kind == "thread" else item.post.status)
    threads.edit_post(moderator, item.post, body=body, title=title)
    return approve(moderator, item)


# Threads ---------------------------------------------------------------------------------


def lock_thread(moderator, thread, *, reason=""):
    _set_thread_flag(moderator, thread, "locked", True, "lock_thread", reason)


def unlock_thread(moderator, thread, *, reason=""):
    _set_thread_flag(moderator, thread, "locked", False, "unlock_thread", reason)


def pin_thread(moderator, thread, *, reason=""):
    _set_thread_flag(moderator, thread, "pinned", True, "pin_thread", reason)


def unpin_thread(moderator, thread, *, reason=""):
    _set_thread_flag(moderator, thread, "pinned", False, "unpin_thread", reason)


def move_thread(moderator, thread, board, *, reason=""):
    """Move a thread to another board; its address (/t/<id>) does not name the board."""
    if board.id == thread.board_id:
        raise ModerationError(_("The thread is already on that board."))
    origin = thread.board
    thread.board = board
    db.session.flush()  # the thread row is locked by its update, before the boards
    authors = threads.authors_in(thread)
    for changed in sorted((origin, board), key=lambda b: b.id):  # the lock order
        threads.refresh_board(changed)
        threads.refresh_participation(changed, authors)
    log.record(moderator, "move_thread", thread=thread, board=board, from_board=origin,
               reason=reason)  # fmt: skip


# Flags -----------------------------------------------------------------------------------


def flag_post(member, post, *, reason, text=""):
    """Record a member's flag; enough flags from different members hide the post at once.

    A moderator's flag is one flag like any other: to hide a post by his own decision he uses
    hide_post, which the log records under his name.
    """
    already = db.session.scalar(
        select(Flag.id).where(Flag.post_id == post.id, Flag.user_id == member.id)
    )
    if already is not None:
        raise ModerationError(_("You have already flagged this post."))
    flag = Flag(post_id=post.id, user_id=member.id, reason=reason, text=(text or "").strip())
    db.session.add(flag)
    db.session.flush()
    threshold = post.thread.board.flag_threshold
    if threshold > 0 and post.hidden_at is None:
        # Members flagging at once: the later one waits, then counts the earlier one's flag.
        threads.lock_row(Post, post.id)
        # One flag per member (a unique constraint), so counting flags counts members.
        count = db.session.scalar(
            select(func.count())
            .select_from(Flag)
            .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        )
        if count >= threshold:
            # Logged as the forum's own act, not the last flagger's: a member (or a moderator,
            # whose flag counts as one flag like anyone's) did not decide to hide it.
            _hide(post)
            log.record(None, "auto_hide_post", post=post, reason=str(count))
    return flag


def dismiss_flags(moderator, post, *, reason=""):
    """Keep the post as it is: its open flags are closed and it shows again if it was hidden."""
    _resolve_flags(moderator, post, "kept")
    _show(post)
    log.record(moderator, "dismiss_flags", post=post, reason=reason)


def edit_flagged_post(moderator, post, *, body, title=None, reason=""):
    """Correct a flagged post; the flags are resolved and the corrected post shows again."""
    threads.edit_post(moderator, post, body=body, title=title)
    _resolve_flags(moderator, post, "edited")
    _show(post)
    log.record(moderator, "edit_flagged_post", post=post, reason=reason)


def hide_post(moderator, post, *, reason=""):
    """Keep a post out of sight for good (its author still sees it, marked hidden)."""
    _resolve_flags(moderator, post, "hidden")
    if post.hidden_at is None:
        _hide(post)
    log.record(moderator, "hide_post", post=post, reason=reason)
    notifications.notify(post.author_id, "post_hidden", thread=post.thread, post=post,
                         reason=reason)  # fmt: skip


def unhide_post(moderator, post, *, reason=""):
    if post.hidden_at is None:
        return
    _show(post)
    log.record(moderator, "unhide_post", post=post, reason=reason)


# Internals -------------------------------------------------------------------------------


def _require_pending(status):
    if status != Status.PENDING:
        raise ModerationError(_("This is no longer waiting for approval."))


def _require_reason(reason):
    if not (reason or "").strip():
        raise ModerationError(_("Give a reason."))


def _tell_author(moderator, thread, post, decision, reason):
    kind = f"{'post' if post is not None else 'thread'}_{decision}"
    data = {"reason": reason} if reason else {}
    notifications.notify((post or thread).author_id, kind, thread=thread, post=post, **data)
    events.moderation_decided.send(
        post if post is not None else thread, moderator=moderator, decision=decision,
        reason=reason,
    )  # fmt: skip


def _set_thread_flag(moderator, thread, attribute, value, action, reason):
    if getattr(thread, attribute) == value:
        return
    setattr(thread, attribute, value)
    log.record(moderator, action, thread=thread, reason=reason)


def _resolve_flags(moderator, post, resolution):
    now = utcnow()
    for flag in db.session.scalars(
        select(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
    ):
        flag.resolved_at = now
        flag.resolved_by_id = moderator.id
        flag.resolution = resolution


def _hide(post):
    post.hidden_at = utcnow()
    _recount(post)


def _show(post):
    if post.hidden_at is not None:
        post.hidden_at = None
        _recount(post)


def _recount(post):
    threads.refresh_thread(post.thread)
    threads.refresh_board(post.thread.board)
    threads.refresh_participation(post.thread.board, {post.author_id})
