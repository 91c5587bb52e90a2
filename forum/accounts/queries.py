"""What is read about accounts: one member, their recent posts, and the local authorities.

Lookups return the row whoever asks; the caller asks the policy (can_view_profile). Lists of
content take the reader explicitly and go through the policy's visible_* filters.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.markup import mention_key
from forum.models import (
    Invitation,
    LocalAuthority,
    LoginSession,
    Post,
    SiteSettings,
    Thread,
    User,
)
from forum.models.accounts import token_digest
from forum.names import likeness_key


def get_user(user_id):
    return db.session.get(User, user_id)


def user_with_login(user_id, key_digest, now):
    """The user, if the login with this key digest is theirs and has not expired: one query
    on every request of a logged-in member."""
    return db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, LoginSession.key_digest == key_digest,
               LoginSession.expires_at > now)
    )  # fmt: skip


def login_count(user):
    """How many browsers the user is logged in on (shown beside "log out everywhere")."""
    return db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)
    )


def registration_settings():
    """The registration policy and allowed domains: the saved row, or the defaults (open)."""
    return db.session.get(SiteSettings, 1) or SiteSettings(
        id=1, registration_policy="open", allowed_domains=""
    )


def find_invitation(token):
    """The invitation this link's token opens, usable or not, or None."""
    if not token:
        return None
    return db.session.scalar(
        select(Invitation).where(Invitation.token_digest == token_digest(token))
    )


def find_user_by_email(email):
    """The account with this email in any letter case, or None."""
    return db.session.scalar(select(User).where(User.email == User.normalize_email(email)))


def user_whose_name_looks_like(name, *, other_than=None):
    """A member whose display name has the same likeness key (forum.names) as `name`, or None.

    Every name is read: display names cannot be compared in SQL, and reading a few thousand
    short strings takes milliseconds, once per registration or rename."""
    key = likeness_key(name)
    if not key:
        return None
    query = select(User.id, User.display_name)
    if other_than is not None:
        query = query.where(User.id != other_than.id)
    for user_id, display_name in db.session.execute(query):
        if likeness_key(display_name) == key:
            return user_id
    return None


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


def unpublished_threads(author, user, *, limit):
    """The author's pending and rejected threads, newest first, for a reader the policy lets
    see them (the author, the moderators of their boards); no query for anyone else."""
    if not (user is not None and user.is_authenticated):
        return []
    return db.session.scalars(
        select(Thread)
        .where(Thread.author_id == author.id, permissions.visible_unpublished_threads(user))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(limit)
    ).all()


def get_authority(authority_id):
    return db.session.get(LocalAuthority, authority_id)


def local_authorities():
    """Every local authority, sorted by its name in the reader's language."""
    authorities = db.session.scalars(select(LocalAuthority)).all()
    return sorted(authorities, key=lambda authority: authority.name)


def members_named(keys):
    """Mentioned names (keys made by forum.markup.mention_key) → the one active member who
    has that display name. A name two members share is left out: a mention must not reach
    the wrong person."""
    if not keys:
        return {}
    candidates = db.session.scalars(
        select(User).where(func.lower(User.display_name).in_(keys), User.active.is_(True))
    ).all()
    found = {}
    for user in candidates:
        found.setdefault(mention_key(user.display_name), []).append(user)
    return {key: users[0] for key, users in found.items() if key in keys and len(users) == 1}
