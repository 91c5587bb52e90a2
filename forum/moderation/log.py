"""The moderation log: one row per moderator action, written by the action itself."""

from flask_babel import lazy_gettext as _l

from forum.extensions import db
from forum.models import ModerationLog

# Every action the log knows, with the words the log page shows for it.
ACTIONS = {
    "approve_thread": _l("Approved a thread"),
    "reject_thread": _l("Rejected a thread"),
    "approve_post": _l("Approved a reply"),
    "reject_post": _l("Rejected a reply"),
    "edit_post": _l("Edited a post"),
    "delete_post": _l("Deleted a post"),
    "restore_post": _l("Restored a post"),
    "delete_thread": _l("Deleted a thread"),
    "restore_thread": _l("Restored a thread"),
    "lock_thread": _l("Locked a thread"),
    "unlock_thread": _l("Unlocked a thread"),
    "pin_thread": _l("Pinned a thread"),
    "unpin_thread": _l("Unpinned a thread"),
    "move_thread": _l("Moved a thread"),
    "auto_hide_post": _l("Post hidden automatically after flags"),
    "dismiss_flags": _l("Kept a flagged post"),
    "edit_flagged_post": _l("Edited a flagged post"),
    "hide_post": _l("Hid a post"),
    "unhide_post": _l("Showed a hidden post again"),
    # Written under the author's name: she edited her rejected thread and sent it again.
    "resubmit_thread": _l("Sent a rejected thread again for approval"),
    "accept_answer": _l("Accepted an answer for someone else's question"),
    "clear_answer": _l("Cleared the accepted answer of someone else's question"),
    "set_challenge_status": _l("Changed the status of someone else's challenge"),
    "withdraw_adoption": _l("Withdrew someone else's adoption"),
    "retag_thread": _l("Changed the tags of a thread"),
    "remove_attachment": _l("Removed a file from a post"),
}

# Reasons a moderator can pick when rejecting; anything else is the moderator's own words.
REJECTION_REASONS = {
    "off_topic": _l("Not about this platform's subject"),
    "duplicate": _l("Already discussed in another thread"),
    "unclear": _l(
        "Not clear enough: please add details by editing the thread; it then goes back to the "
        "moderators for approval"
    ),
    "personal_data": _l("Contains personal data that must not be published"),
    "spam": _l("Advertising or spam"),
}


def reason_label(reason):
    """A stored reason in the reader's language: a known key is translated, free text kept."""
    if not reason:
        return ""
    label = REJECTION_REASONS.get(reason)
    return str(label) if label is not None else reason


def record(actor, action, *, thread=None, post=None, board=None, from_board=None, reason=""):
    """Add a log row for an action on a post, a thread or a board; the caller commits. The
    actor is None for an automatic action (the log shows it as the system's)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    if post is not None and thread is None:
        thread = post.thread
    if thread is not None and board is None:
        board = thread.board
    target = post if post is not None else thread
    entry = ModerationLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        board_id=board.id if board is not None else None,
        from_board_id=from_board.id if from_board is not None else None,
        thread_id=thread.id if thread is not None else None,
        post_id=post.id if post is not None else None,
        target_user_id=target.author_id if target is not None else None,
        reason=(reason or "").strip(),
    )
    db.session.add(entry)
    return entry
