"""The forum's feeds as Atom documents: what a board, a thread or a tag shows, in one language,
with every address absolute under BASE_URL (a feed is read far from the forum, like mail)."""

from flask_babel import gettext as _

from forum.feeds.atom import Entry, Feed
from forum.mail import absolute_url


def board_feed(board, threads, *, language, feed_args):
    """A board's newest threads; feed_args are the feed address's own parameters (not the token)."""
    return _feed(
        "feeds.board_feed", {"slug": board.slug}, feed_args,
        title=_("%(board)s: new threads", board=board.name),
        subtitle=board.description,
        page=absolute_url("boards.show_board", slug=board.slug),
        entries=[_thread_entry(thread) for thread in threads],
        since=board.created_at, language=language,
    )  # fmt: skip


def thread_feed(thread, posts, *, language, feed_args):
    """A thread's newest posts, the opening one included."""
    return _feed(
        "feeds.thread_feed", {"thread_id": thread.id}, feed_args,
        title=_("%(thread)s: new posts", thread=thread.title),
        subtitle=thread.board.name,
        page=absolute_url("threads.show_thread", thread_id=thread.id),
        entries=[_post_entry(thread, post) for post in posts],
        since=thread.published_at or thread.created_at, language=language,
    )  # fmt: skip


def tag_feed(tag, threads, *, language, feed_args):
    """A tag's newest threads, across the boards the reader reads."""
    return _feed(
        "feeds.tag_feed", {"slug": tag.slug}, feed_args,
        title=_("Threads tagged %(tag)s", tag=tag.name),
        subtitle="",
        page=absolute_url("tags.show_tag", slug=tag.slug),
        entries=[_thread_entry(thread, with_board=True) for thread in threads],
        since=tag.created_at, language=language,
    )  # fmt: skip


def _feed(endpoint, values, feed_args, *, title, subtitle, page, entries, since, language):
    # The feed's id is its address without parameters: the same feed in either language or
    # read with any token. The self link never carries the token either.
    return Feed(
        id=absolute_url(endpoint, **values),
        title=title,
        subtitle=subtitle,
        link=page,
        self_link=absolute_url(endpoint, **values, **feed_args),
        updated=max([since, *(entry.updated for entry in entries)]),
        language=language,
        base=absolute_url("boards.home"),
        author=_("Tabadul"),
        entries=entries,
    )


def _thread_entry(thread, *, with_board=False):
    url = absolute_url("threads.show_thread", thread_id=thread.id)
    published = thread.published_at or thread.created_at
    opening = thread.first_post
    # A hidden or deleted opening post keeps its thread in the lists, but not its text.
    shown = opening is not None and opening.is_visible_to_all
    edited = opening.edited_at if shown and opening.edited_at else published
    categories = [(thread.kind, str(thread.kind_label))]
    if with_board:
        categories.append((thread.board.slug, thread.board.name))
    return Entry(
        id=url,
        title=thread.title,
        link=url,
        published=published,
        updated=max(published, edited),
        author=thread.author.display_name,
        content_html=opening.body_html if shown else None,
        categories=tuple(categories),
    )


def _post_entry(thread, post):
    url = absolute_url("threads.show_post", post_id=post.id)
    if post.id == thread.first_post_id:
        title = thread.title
    else:
        title = _("%(name)s replied: %(thread)s", name=post.author.display_name,
                  thread=thread.title)  # fmt: skip
    return Entry(
        id=url,
        title=title,
        link=url,
        published=post.created_at,
        updated=max(post.created_at, post.edited_at or post.created_at),
        author=post.author.display_name,
        content_html=post.body_html,
    )
