"""What a member has not read yet: per thread of a list, and the first unread post of a thread.

A post is new to a member when it is shown to everyone, is newer than the newest post they
have seen in its thread, and came after the later of their joining and their last "mark all
read" on its board. Visitors have no read state: nothing here is asked for them.
"""

from typing import NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from forum import permissions
from forum.extensions import db
from forum.models import BoardRead, Draft, Post, Thread, ThreadRead


class Unread(NamedTuple):
    """A thread's state for one member: posts new to them, and whether they never opened it."""

    count: int
    first_visit: bool


def is_member(user):
    return bool(user is not None and user.is_authenticated)


def unread_columns(user):
    """Columns to add to a query over Thread (a correlated count and the read position), and
    the outer join they need: (columns, join target, join condition). A list page folds them
    into the query that loads its threads, so that unread tracking costs it no query."""
    read = aliased(ThreadRead)
    since = func.coalesce(
        select(BoardRead.read_at)
        .where(BoardRead.user_id == user.id, BoardRead.board_id == Thread.board_id)
        .correlate(Thread)
        .scalar_subquery(),
        user.joined_at,
    )
    new_posts = (
        select(func.count())
        .select_from(Post)
        .where(
            Post.thread_id == Thread.id,
            Post.is_visible_to_all,
            Post.id > func.coalesce(read.last_read_post_id, 0),
            Post.created_at > since,
        )
        .correlate(Thread, read)
        .scalar_subquery()
    )
    condition = and_(read.thread_id == Thread.id, read.user_id == user.id)
    return (new_posts, read.last_read_post_id), read, condition


def unread_from_row(new_posts, last_read_post_id):
    return Unread(int(new_posts or 0), last_read_post_id is None)


def unread_in_threads(thread_ids, user):
    """{thread id: Unread} for the member, for threads with something new; one query."""
    if not is_member(user) or not thread_ids:
        return {}
    columns, read, condition = unread_columns(user)
    rows = db.session.execute(
        select(Thread.id, *columns).outerjoin(read, condition).where(Thread.id.in_(thread_ids))
    )
    found = {}
    for thread_id, new_posts, last_read in rows:
        unread = unread_from_row(new_posts, last_read)
        if unread.count:
            found[thread_id] = unread
    return found


def first_unread_post_id(thread, user):
    """The id of the first post of the thread, in reading order, that is new to the member,
    or None."""
    last_read = db.session.scalar(
        select(ThreadRead.last_read_post_id).where(
            ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id
        )
    )
    since = db.session.scalar(
        select(BoardRead.read_at).where(
            BoardRead.user_id == user.id, BoardRead.board_id == thread.board_id
        )
    )
    return db.session.scalar(
        select(Post.id)
        .where(
            permissions.visible_posts_in_thread(thread, user),
            Post.is_visible_to_all,
            Post.id > (last_read or 0),
            Post.created_at > (since or user.joined_at),
        )
        .order_by(Post.path)
        .limit(1)
    )


def get_draft(user, *, thread_id=None, board_id=None):
    """The member's kept draft for one form (a reply to the thread, or a new thread on the
    board), or None."""
    if not is_member(user):
        return None
    return db.session.scalar(
        select(Draft).where(
            Draft.user_id == user.id,
            Draft.thread_id.is_(None) if thread_id is None else Draft.thread_id == thread_id,
            Draft.board_id.is_(None) if board_id is None else Draft.board_id == board_id,
        )
    )
