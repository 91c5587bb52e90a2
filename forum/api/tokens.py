"""Personal access tokens: made and revoked by their member, and read from `Authorization:
Bearer` on every API request.

A token stands for its owner and nothing more: what it reaches is the owner's Access, asked of
the policy on each request (forum.permissions.access_for), so a suspension or a removal from a
task force holds at once. A token of a suspended, deactivated or unapproved account, like a
revoked, expired or unknown one, authenticates nobody (401).
"""

import secrets
from datetime import timedelta

from flask import g, request
from sqlalchemy import select, update

from forum import events
from forum.clock import utcnow
from forum.extensions import db
from forum.models import PersonalToken, User
from forum.models.accounts import token_digest

# A prefix makes a leaked token recognisable (by secret scanners, and by people).
PREFIX = "tbd_"
# last_used_at is written at most this often per token: a read costs no write.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_TOKENS = 50  # per member


class TokenError(ValueError):
    """Why a request's token was refused: `code` names it in the API's error."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


# Actions (the settings page calls them; never commit) -------------------------------------


@events.logins_ended.connect
def revoke_all_tokens(user, **_signal):
    """Revoke every token of the member whose logins all ended: whoever had the account
    (a stolen session, a guessed password) may have made one to keep it."""
    db.session.execute(
        update(PersonalToken)
        .where(PersonalToken.user_id == user.id, PersonalToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def create_token(user, *, name, scopes, expires_at=None):
    """A new token for the member: (PersonalToken, secret). The secret is shown once."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken(
        user_id=user.id, name=name.strip(), token_digest=token_digest(secret),
        scopes=" ".join(scope for scope in ("read", "write") if scope in scopes),
        expires_at=expires_at,
    )  # fmt: skip
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(user, token):
    """Revoke one of the member's tokens (another member's changes nothing)."""
    if token.user_id == user.id and token.revoked_at is None:
        token.revoked_at = utcnow()


# Queries ----------------------------------------------------------------------------------


def tokens_of(user):
    """The member's tokens, newest first, revoked ones included (they say so)."""
    return db.session.scalars(
        select(PersonalToken)
        .where(PersonalToken.user_id == user.id)
        .order_by(PersonalToken.created_at.desc(), PersonalToken.id.desc())
    ).all()


def get_token(token_id):
    return db.session.get(PersonalToken, token_id)


# Authentication ---------------------------------------------------------------------------


def presented_secret():
    """The bearer token the request carries, or None when it carries none."""
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if not header:
        return None
    if kind.lower() != "bearer" or not value.strip():
        raise TokenError("invalid_token")
    return value.strip()


def authenticate():
    """The request's token and its owner, (None, None) without a token; raises TokenError."""
    secret = presented_secret()
    if secret is None:
        return None, None
    row = db.session.execute(
        select(PersonalToken, User)
        .join(User, PersonalToken.user_id == User.id)
        .where(PersonalToken.token_digest == token_digest(secret))
    ).first()
    if row is None:
        raise TokenError("invalid_token")
    token, owner = row
    if token.revoked_at is not None:
        raise TokenError("revoked_token")
    if token.is_expired:
        raise TokenError("expired_token")
    if not owner.is_active:
        raise TokenError("inactive_account")
    _note_use(token)
    return token, owner


def _note_use(token):
    """Record when the token was last used, at most once a LAST_USED_PRECISION, in its own
    statement (private state: it empties no page cache)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    db.session.execute(
        update(PersonalToken).where(PersonalToken.id == token.id).values(last_used_at=now)
    )
    db.session.commit()
    token.last_used_at = now


def current_token():
    """The token of the API request being answered, or None."""
    return g.get("api_token")


def has_scope(scope):
    token = current_token()
    return token is not None and scope in token.scope_set
