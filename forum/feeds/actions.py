"""Making and revoking a member's feed token. Like every action these take the member
explicitly and never commit; a token is private state, so no page cache is emptied."""

from sqlalchemy import select, update

from forum import events
from forum.clock import utcnow
from forum.extensions import db
from forum.feeds import tokens
from forum.models import FeedToken, User
from forum.models.accounts import token_digest


def issue_feed_token(member):
    """A new feed token for the member; the one before, if any, stops working at once.
    Returns the token (the secret for their addresses)."""
    # The member's row is locked first (PostgreSQL; SQLite has one writer anyway): two clicks
    # at once then make one token after the other, never two active tokens.
    db.session.execute(select(User.id).where(User.id == member.id).with_for_update())
    revoke_feed_token(member)
    salt = tokens.new_salt()
    token = tokens.secret_of(salt)
    db.session.add(FeedToken(user_id=member.id, salt=salt, token_digest=token_digest(token)))
    db.session.flush()
    return token


@events.logins_ended.connect
def _revoke_with_logins(member, **_signal):
    """Every login of the member ended (forum.accounts.sessions.end_all): their feed
    addresses stop too."""
    revoke_feed_token(member)


def revoke_feed_token(member):
    """Stop the member's feed token, if they have one: its addresses answer 404 from now on.
    Returns whether there was one."""
    result = db.session.execute(
        update(FeedToken)
        .where(FeedToken.user_id == member.id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount > 0
