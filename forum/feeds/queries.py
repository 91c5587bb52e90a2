"""What is read about feed tokens: a member's active one, and whose a token from an address is."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.feeds import tokens
from forum.models import FeedToken
from forum.models.accounts import token_digest

# Longer than any token (43 characters): an address with more is refused before hashing.
MAX_TOKEN_LENGTH = 64


def active_feed_token(member):
    """The member's token that is not revoked, or None."""
    return db.session.scalar(
        select(FeedToken).where(FeedToken.user_id == member.id, FeedToken.revoked_at.is_(None))
    )


def feed_token_owner(token):
    """The member whose active token this is, or None (unknown, revoked, or made under
    another SECRET_KEY). Whether the member may still read anything is the policy's."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    found = db.session.scalar(
        select(FeedToken)
        .where(FeedToken.token_digest == token_digest(token), FeedToken.revoked_at.is_(None))
        .options(joinedload(FeedToken.user))
    )
    if found is None or tokens.secret_for(found) is None:
        return None
    return found.user
