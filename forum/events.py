"""Signals that actions send after a change, for later capabilities (mail, search) to listen to.

Listeners run inside the caller's transaction; they must only add rows (an outbox, an index
entry), never commit or talk to the network. Only signals something listens to (or a test
relies on) are kept: a capability that needs another adds it with its listener.
"""

from blinker import Namespace

_signals = Namespace()

# A post was added, before anything is committed (sender: the Post). Following watches its
# thread for the author.
post_created = _signals.signal("post-created")
# A thread or a reply became visible to its readers: at once, or when a moderator approved
# it (sender: the Thread or the Post). Following tells their followers and watchers.
thread_published = _signals.signal("thread-published")
post_published = _signals.signal("post-published")
# A post's text was changed (sender: the Post; keyword: before, its previous Markdown source).
# Following tells the members the new text mentions and the old one did not.
post_edited = _signals.signal("post-edited")
# An administrator created a board (sender: the Board, flushed). Following applies members'
# level for new boards.
board_created = _signals.signal("board-created")
# A moderator approved or rejected a pending thread or reply (sender: the thread or post;
# keywords: moderator, decision (a forum.moderation.actions.Decision), reason).
moderation_decided = _signals.signal("moderation-decided")
# A notification row was added (sender: the Notification); mail hooks in here.
notification_created = _signals.signal("notification-created")
# A thread's outcome changed: an answer accepted or cleared, a challenge's status, an adoption
# recorded or withdrawn (sender: the OutcomeChange, flushed; keyword: thread).
outcome_changed = _signals.signal("outcome-changed")
# Every login of a member was ended: a new password, a reset, "log out everywhere" (sender:
# the User). Whatever else opens the account (API tokens, the feed token) is revoked with them.
logins_ended = _signals.signal("logins-ended")
