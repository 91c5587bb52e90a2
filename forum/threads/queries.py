"""What is read about threads and posts: one thread or post, and a thread's posts in order.

Lists take the reader explicitly and apply the policy's visible_* filters, so that the thread
page, a feed or the JSON API shows the same posts. Lookups of one thread or post return it
whoever asks: the caller asks the policy, because only it knows whether to answer 404 or 403.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import Post, Thread, User

# What the queries share is built once (statements and options are immutable): building them
# took a thread page longer than running them.
_WITH_BOARD = (joinedload(Thread.board),)
_COUNT_POSTS = select(func.count()).select_from(Post)
# A page of posts: authors and, for the "in reply to" line, the parent's author's name come in
# the same query (not the parent author's local authority, which User otherwise always joins).
_POSTS_IN_ORDER = (
    select(Post)
    .options(
        joinedload(Post.author).joinedload(User.authority),
        joinedload(Post.parent)
        .load_only(Post.id, Post.author_id)
        .joinedload(Post.author)
        .load_only(User.id, User.display_name)
        .lazyload(User.authority),
    )
    .order_by(Post.path)
)


def get_thread(thread_id):
    """The thread with its board (which every permission question reads), or None."""
    return db.session.get(Thread, thread_id, options=_WITH_BOARD)


def get_post(post_id):
    """The post with its thread and board, or None."""
    return db.session.get(Post, post_id, options=[joinedload(Post.thread).joinedload(Thread.board)])


def count_posts(thread, user):
    """How many posts of the thread the reader sees (deleted ones count as placeholders)."""
    return db.session.scalar(_COUNT_POSTS.where(permissions.visible_posts_in_thread(thread, user)))


def page_of_posts(thread, user, *, number, per_page):
    """Page `number` of the thread's posts as the reader sees them, depth-first, with authors,
    and how many posts the reader sees in all: (posts, total)."""
    visible = permissions.visible_posts_in_thread(thread, user)
    # The count rides along as an uncorrelated subquery, which the database runs once: one
    # statement instead of two, and the page's rows are still read through the index.
    total = _COUNT_POSTS.where(visible).correlate(None).scalar_subquery()
    offset = (number - 1) * per_page
    statement = _POSTS_IN_ORDER.add_columns(total).where(visible).limit(per_page).offset(offset)
    rows = db.session.execute(statement).all()
    if not rows:  # past the last page, or no post to show: the count alone
        return [], count_posts(thread, user)
    return [post for post, _total in rows], rows[0][1]


def count_posts_before(post, user):
    """How many posts the reader sees before this one in its thread: where its page starts."""
    visible = permissions.visible_posts_in_thread(post.thread, user)
    return db.session.scalar(
        select(func.count()).select_from(Post).where(visible, Post.path < post.path)
    )
