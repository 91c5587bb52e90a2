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


def get_thread(thread_id):
    """The thread with its board (which every permission question reads), or None."""
    return db.session.get(Thread, thread_id, options=[joinedload(Thread.board)])


def get_post(post_id):
    """The post with its thread and board, or None."""
    return db.session.get(Post, post_id, options=[joinedload(Post.thread).joinedload(Thread.board)])


def count_posts(thread, user):
    """How many posts of the thread the reader sees (deleted ones count as placeholders)."""
    visible = permissions.visible_posts_in_thread(thread, user)
    return db.session.scalar(select(func.count()).select_from(Post).where(visible))


def list_posts(thread, user, *, limit, offset):
    """One page of the thread's posts as the reader sees them, depth-first, with authors."""
    # Authors and, for the "in reply to" line, the parent's author come in the same query.
    in_reply_to = joinedload(Post.parent).load_only(Post.id, Post.author_id)
    return db.session.scalars(
        select(Post)
        .where(permissions.visible_posts_in_thread(thread, user))
        .options(
            joinedload(Post.author).joinedload(User.authority),
            in_reply_to.joinedload(Post.author).load_only(User.id, User.display_name),
        )
        .order_by(Post.path)
        .limit(limit)
        .offset(offset)
    ).all()


def count_posts_before(post, user):
    """How many posts the reader sees before this one in its thread: where its page starts."""
    visible = permissions.visible_posts_in_thread(post.thread, user)
    return db.session.scalar(
        select(func.count()).select_from(Post).where(visible, Post.path < post.path)
    )
