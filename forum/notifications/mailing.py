"""Notifications that also go by mail: a reply in a thread the reader watches, a new thread on
a board they follow at the instant level (forum.following marks those with email=True).

The mail is queued in the transaction that adds the notification, so it is sent if and only
if the reply or thread is committed; it is written in the reader's language, and carries a
one-click unsubscribe link (RFC 8058) for the watch or subscription that caused it.
"""

from flask_babel import force_locale

from forum import events, mail, markup
from forum.following.unsubscribe import unsubscribe_url
from forum.notifications import describe

EXCERPT_LENGTH = 600


@events.notification_created.connect
def mail_notification(notification, **_extra):
    if not (notification.data or {}).get("email"):
        return
    reader, thread, post = notification.user, notification.thread, notification.post
    if reader is None or not reader.is_active or thread is None:
        return
    with force_locale(mail.language_of(reader)):
        subject, readable = describe(notification, reader)
    if not readable:
        return
    opening = post is None or post.id == thread.first_post_id
    # A new thread came from the board's subscription; a reply, from the thread's watch.
    stop = (
        unsubscribe_url(reader, board=thread.board)
        if opening
        else unsubscribe_url(reader, thread=thread)
    )
    link = (
        mail.absolute_url("threads.show_post", post_id=post.id)
        if post is not None
        else mail.absolute_url("threads.show_thread", thread_id=thread.id)
    )
    context = {
        "thread": thread,
        "board": thread.board,
        "excerpt": markup.plain_text(post.body_source, EXCERPT_LENGTH) if post else "",
        "link": link,
        "unsubscribe": stop,
        "from_board": opening,
    }
    headers = {
        "List-Unsubscribe": f"<{stop}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    mail.queue(reader, notification.kind, subject, "notification", context, headers=headers,
               dedupe_key=f"notification:{notification.id}")  # fmt: skip
