"""What is read about accounts: one member, their recent posts, and the local authorities.

Lookups return the row whoever asks; the caller asks the policy (can_view_profile). Lists of
content take the reader explicitly and go through the policy's visible_* filters.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import LocalAuthority, Post, Thread, User


def get_user(user_id):
    return db.session.get(User, user_id)


def find_user_by_email(email):
    """The account with this email in any letter case, or None."""
    return db.session.scalar(select(User).where(User.email == User.normalize_email(email)))


def recent_posts(author, user, *, limit):
    """The author's latest posts that the reader may see, newest first, with their threads."""
    return db.session.scalars(
        select(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .options(joinedload(Post.thread))
        .where(Post.author_id == author.id, permissions.visible_posts(user))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    ).all()


def get_authority(authority_id):
    return db.session.get(LocalAuthority, authority_id)


def local_authorities():
    """Every local authority, sorted by its name in the reader's language."""
    authorities = db.session.scalars(select(LocalAuthority)).all()
    return sorted(authorities, key=lambda authority: authority.name)
