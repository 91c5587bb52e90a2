"""Signals that actions send after a change, for mail, search and caches to listen to.

Listeners run inside the caller's transaction; they must only add rows (an outbox, an index
entry), never commit or talk to the network.
"""

from blinker import Namespace

_signals = Namespace()

thread_started = _signals.signal("thread-started")
thread_published = _signals.signal("thread-published")
thread_changed = _signals.signal("thread-changed")
post_created = _signals.signal("post-created")
post_published = _signals.signal("post-published")
post_changed = _signals.signal("post-changed")
board_changed = _signals.signal("board-changed")
# A moderator approved or rejected a pending thread or reply (sender: the thread or post;
# keywords: moderator, decision "approved" or "rejected", reason).
moderation_decided = _signals.signal("moderation-decided")
# A notification row was added (sender: the Notification); mail hooks in here.
notification_created = _signals.signal("notification-created")
