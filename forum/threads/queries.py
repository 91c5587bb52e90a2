"""What is read about threads and posts: one thread or post, and a thread's posts in order.

Lists take the reader explicitly and apply the policy's visible_* filters, so that the thread
page, a feed or the JSON API shows the same posts. Lookups of one thread or post return it
whoever asks: the caller asks the policy, because only it knows whether to answer 404 or 403.
"""

from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.orm import aliased, joinedload

from forum import permissions
from forum.cache import depends_on
from forum.extensions import db
from forum.i18n import current_language, pick
from forum.models import LocalAuthority, Post, Thread, User
from forum.models.base import scope

# The thread page's statements are built once, with their values bound at execution:
# SQLAlchemy took longer to build them and compute their cache keys than to run them.
_THREAD_WITH_BOARD = (
    select(Thread).options(joinedload(Thread.board)).where(Thread.id == bindparam("thread_id"))
)
_COUNT_POSTS = select(func.count()).select_from(Post)


class PostOnPage(NamedTuple):
    """A post as a thread page shows it, read as plain columns: building twenty posts, their
    authors and the authors they reply to as ORM objects took longer than the rest of the
    query. Has what forum.permissions.for_posts asks of a post."""

    id: int
    thread_id: int
    author_id: int
    parent_id: int | None
    depth: int
    body_html: str
    status: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    hidden_at: datetime | None
    is_visible_to_all: bool
    author_name: str
    author_role: str  # a moderator's or administrator's badge
    authority_name: str | None  # in the reader's language; None without a local authority
    parent_author_id: int | None
    parent_author_name: str | None  # for the "in reply to" line


_PARENT, _PARENT_AUTHOR = aliased(Post), aliased(User)
# PostOnPage's own columns in its order, is_visible_to_all by the model's SQL expression (the
# rule the policy asks in Python), then what _post_on_page turns into the last fields.
_POSTS_IN_ORDER = (
    select(
        Post.id, Post.thread_id, Post.author_id, Post.parent_id, Post.depth, Post.body_html,
        Post.status, Post.created_at, Post.edited_at, Post.deleted_at, Post.hidden_at,
        Post.is_visible_to_all, User.display_name, User.role, LocalAuthority.name_ar,
        LocalAuthority.name_en, _PARENT_AUTHOR.id, _PARENT_AUTHOR.display_name,
    )
    .join(User, Post.author_id == User.id)
    .outerjoin(LocalAuthority, User.authority_id == LocalAuthority.id)
    .outerjoin(_PARENT, Post.parent_id == _PARENT.id)
    .outerjoin(_PARENT_AUTHOR, _PARENT.author_id == _PARENT_AUTHOR.id)
    .order_by(Post.path)
)  # fmt: skip


def get_thread(thread_id):
    """The thread with its board (which every permission question reads), or None."""
    return db.session.scalars(_THREAD_WITH_BOARD, {"thread_id": thread_id}).one_or_none()


def get_post(post_id):
    """The post with its thread and board, or None."""
    return db.session.get(Post, post_id, options=[joinedload(Post.thread).joinedload(Thread.board)])


def count_posts(thread, user):
    """How many posts of the thread the reader sees (deleted ones count as placeholders)."""
    return db.session.scalar(_COUNT_POSTS.where(permissions.visible_posts_in_thread(thread, user)))


def page_of_posts(thread, user, *, number, per_page):
    """Page `number` of the thread's posts as the reader sees them, depth-first, with their
    authors: ([PostOnPage], how many posts the reader sees in all)."""
    visible, values = permissions.visible_posts_in_thread_bound(thread, user)
    values = {**values, "limit": per_page, "offset": (number - 1) * per_page}
    rows = db.session.execute(_page_of_posts(visible), values).all()
    if not rows:  # past the last page, or no post to show: the count alone
        return [], count_posts(thread, user)
    language = current_language()
    posts = [_post_on_page(row, language) for row in rows]
    # Not loaded as User rows, which would have noted this for the page cache themselves: a
    # change to a name shown here must drop the page.
    authors = {post.author_id for post in posts} | {post.parent_author_id for post in posts}
    depends_on(*(scope("user", author_id) for author_id in authors - {None}))
    return posts, rows[0][-1]


@cache
def _page_of_posts(visible):
    """The page's statement for one shape of the visibility rule, built once (its values are
    bound at execution). The count rides along as an uncorrelated subquery, which the
    database runs once: one statement instead of two, and the rows still come by the index."""
    total = _COUNT_POSTS.where(visible).correlate(None).scalar_subquery()
    return (
        _POSTS_IN_ORDER.add_columns(total)
        .where(visible)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def _post_on_page(row, language):
    (*columns, visible, author_name, author_role, authority_ar, authority_en, parent_author_id,
     parent_author_name, _total) = row  # fmt: skip
    authority = None if authority_ar is None else pick(authority_ar, authority_en, language)
    return PostOnPage(*columns, bool(visible), author_name, author_role, authority,
                      parent_author_id, parent_author_name)  # fmt: skip


def newest_posts(thread, user, *, limit):
    """The thread's newest posts that are shown to all its readers (published, neither deleted
    nor hidden), newest first, with their authors: the thread's feed (forum.feeds). The caller
    has asked whether the reader may read the thread."""
    return db.session.scalars(
        select(Post)
        .where(permissions.visible_posts_in_thread(thread, user), Post.is_visible_to_all)
        .options(joinedload(Post.author))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    ).all()


def count_posts_before(post, user):
    """How many posts the reader sees before this one in its thread: where its page starts."""
    visible = permissions.visible_posts_in_thread(post.thread, user)
    return db.session.scalar(
        select(func.count()).select_from(Post).where(visible, Post.path < post.path)
    )


def posts_after(thread, user, *, after_id=None, limit):
    """Up to `limit` of the thread's posts as the reader sees them, in thread order, after the
    post `after_id` (from the first without): the JSON API's pages, which a new post never
    shifts, since a post's place (its path) never changes."""
    visible = permissions.visible_posts_in_thread(thread, user)
    query = _POSTS_IN_ORDER.add_columns(literal(0)).where(visible)
    if after_id is not None:
        after = aliased(Post)
        query = query.where(Post.path > select(after.path).where(after.id == after_id)
                            .scalar_subquery())  # fmt: skip
    language = current_language()
    return [_post_on_page(row, language) for row in db.session.execute(query.limit(limit))]
