"""What is read about tags: the list, with counts of the threads each reader may see, a
tag's threads across the boards the reader may read, and a thread's tags.

Counts and lists go through the policy's visible_threads, so that a thread of a restricted
board never counts, nor shows, for a reader who may not read that board.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import Tag, Thread, ThreadTag, User


def get_tag(tag_id):
    return db.session.get(Tag, tag_id)


def get_tag_by_slug(slug):
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def all_tags():
    """Every tag, in the reader's language's order."""
    return sorted(db.session.scalars(select(Tag)), key=lambda tag: tag.name)


def tag_choices():
    """The choices of a form's tags field: (id, name) in the reader's language's order."""
    return [(tag.id, tag.name) for tag in all_tags()]


def get_tags(tag_ids):
    if not tag_ids:
        return []
    return db.session.scalars(select(Tag).where(Tag.id.in_(tag_ids))).all()


def tags_with_counts(user):
    """[(tag, number of its threads the reader sees)], in the reader's language's order: one
    query, counted by the database."""
    shown = (Thread.id == ThreadTag.thread_id) & permissions.visible_threads(user)
    rows = db.session.execute(
        select(Tag, func.count(Thread.id))
        .outerjoin(ThreadTag, ThreadTag.tag_id == Tag.id)
        .outerjoin(Thread, shown)
        .group_by(Tag.id)
    ).all()
    return sorted(((tag, count) for tag, count in rows), key=lambda row: row[0].name)


def count_tagged_threads(tag, user):
    return db.session.scalar(select(func.count()).select_from(Thread).where(_tagged(tag, user)))


def list_tagged_threads(tag, user, *, limit, offset):
    """One page of the tag's threads that the reader sees, newest activity first."""
    return db.session.scalars(
        select(Thread)
        .where(_tagged(tag, user))
        .options(
            joinedload(Thread.board),
            joinedload(Thread.author).joinedload(User.authority),
            joinedload(Thread.outcome),
        )
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def newest_tagged_threads(tag, user, *, limit):
    """The tag's newest threads that the reader sees, latest published first, with their
    boards, authors and opening posts: the tag's feed (forum.feeds)."""
    return db.session.scalars(
        select(Thread)
        .where(_tagged(tag, user))
        .options(joinedload(Thread.board), joinedload(Thread.author), joinedload(Thread.first_post))
        .order_by(func.coalesce(Thread.published_at, Thread.created_at).desc(), Thread.id.desc())
        .limit(limit)
    ).all()


def tags_of_thread(thread):
    """The thread's tags for its page (one query); the reader may read the thread already."""
    return sorted(
        db.session.scalars(
            select(Tag)
            .join(ThreadTag, ThreadTag.tag_id == Tag.id)
            .where(ThreadTag.thread_id == thread.id)
        ),
        key=lambda tag: tag.name,
    )


def _tagged(tag, user):
    tagged = select(ThreadTag.thread_id).where(ThreadTag.tag_id == tag.id)
    return permissions.visible_threads(user) & Thread.id.in_(tagged)
