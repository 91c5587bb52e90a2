"""What following does when content is added or published (forum.events): authors watch what
they write in, new boards get members' default level, and readers are told about what was
published.

Telling follows four rules. Only published content is told about: a pending thread or reply
when a moderator approves it, a rejected one never. The author is never told about their own
post. One event tells one person once, of the strongest reason they have (a reply to your post
in your own thread is one notification). And only people who may read the thread now are
told (forum.permissions.readers_among). A notification carries `email=True` when one of the
person's reasons is mailed: a reply in a thread they watch, a new thread on a board they
follow at the instant level (the mail outbox listens to events.notification_created).
"""

from forum import events, markup, notifications, permissions
from forum.accounts.queries import members_named
from forum.following import actions, queries
from forum.models import Level, Status


@events.post_created.connect
def _watch_what_one_writes(post, **_extra):
    actions.watch_automatically(post.author, post.thread)


@events.board_created.connect
def _apply_new_board_levels(board, **_extra):
    actions.follow_new_board(board)


@events.thread_published.connect
def tell_about_thread(thread, **_extra):
    """A new thread: the members it mentions, and its board's followers (instant, in-app)."""
    post = thread.first_post
    instant = queries.followers(thread.board, [Level.INSTANT])
    in_app = queries.followers(thread.board, [Level.IN_APP])
    _tell(
        thread,
        post,
        [("mention", _mentioned(post)), ("new_thread", instant + in_app)],
        emailed={user.id for user in instant},
    )


@events.post_published.connect
def tell_about_reply(post, **_extra):
    """A new reply: the author of the post it answers, the members it mentions, the thread's
    author, and the thread's watchers, in that order of strength."""
    thread = post.thread
    parent = post.parent
    answered = [parent.author] if parent is not None and parent.id != thread.first_post_id else []
    watchers = queries.watchers(thread)
    _tell(
        thread,
        post,
        [
            ("reply_to_post", answered),
            ("mention", _mentioned(post)),
            ("reply_to_thread", [thread.author]),
            ("watched_reply", watchers),
        ],
        emailed={user.id for user in watchers},
    )


@events.post_edited.connect
def tell_about_new_mentions(post, *, before, **_extra):
    """An edit that names members the post did not name before tells them, as a new post
    would have; those named already were told then. Pending content tells no one yet (its
    approval does, through the events above), and neither does a hidden or deleted post."""
    thread = post.thread
    if not (post.is_visible_to_all and thread.status == Status.PUBLISHED):
        return
    named = set(markup.mentioned_names(post.body_source)) - set(markup.mentioned_names(before))
    _tell(thread, post, [("mention", list(members_named(named).values()))], emailed=set())


def _tell(thread, post, reasons, *, emailed):
    """Notify each person once, of their first reason, if they may read the thread now."""
    kinds, people = {}, {}
    for kind, users in reasons:
        for user in users:
            if user.id != post.author_id and user.id not in kinds:
                kinds[user.id] = kind
                people[user.id] = user
    for user in permissions.readers_among(people.values(), thread):
        data = {"email": True} if user.id in emailed else {}
        notifications.notify(user.id, kinds[user.id], thread=thread, post=post, **data)


def _mentioned(post):
    return list(members_named(markup.mentioned_names(post.body_source)).values())
