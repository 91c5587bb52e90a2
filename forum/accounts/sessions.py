"""Logins kept on the server, so that logging out really ends one.

Flask's session is a signed cookie: on its own, a copy taken before logout would still open
the account afterwards. Each login therefore gets a random key, kept in the cookie (inside the
id Flask-Login stores, see User.get_id) and, as a digest, in a LoginSession row. Every request
loads the member and the row in one query; logging out deletes the row, "log out everywhere"
and a new password delete them all and change the account's session token, and revoke the
member's API and feed tokens (forum.api.tokens, forum.feeds.actions). The remember cookie
carries the same id and dies with it. Logging in and out also starts a new Flask
session, and with it a new CSRF token.
"""

import secrets

from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete

from forum import events
from forum.accounts import queries
from forum.clock import utcnow
from forum.config import MAX_LOGIN_AGE
from forum.extensions import db
from forum.models import LoginSession
from forum.models.accounts import token_digest

# What outlives a login or logout in the Flask session: a visitor's language choice.
KEPT_KEYS = ("language",)


def log_in(user, *, remember=False):
    """Log the user in on this browser with a new login; the caller commits."""
    now = utcnow()
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
    )
    key = secrets.token_urlsafe(24)
    db.session.add(
        LoginSession(user_id=user.id, key_digest=token_digest(key), expires_at=now + _lifetime())
    )
    user.login_key = key
    _renew_session()
    login_user(user, remember=remember)


def log_out():
    """End this browser's login (the others go on); the caller commits."""
    if current_user.is_authenticated:
        key = getattr(current_user, "login_key", "")
        db.session.execute(delete(LoginSession).where(LoginSession.key_digest == token_digest(key)))
    # Renewed first: logout_user leaves a mark in the session that clears the remember cookie.
    _renew_session()
    logout_user()


def end_all(user):
    """End every login of the user, on every browser, and (events.logins_ended) every token
    that reads as them; the caller commits."""
    user.end_sessions()
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    events.logins_ended.send(user)


def prune_expired():
    """Delete the logins that have expired (a member who never comes back leaves them);
    returns how many. The worker runs it and commits."""
    result = db.session.execute(delete(LoginSession).where(LoginSession.expires_at <= utcnow()))
    return result.rowcount


def load_user(session_id):
    """Flask-Login's user loader: the member whose login this is, if it still holds."""
    user_id, token, key = (session_id.split(".") + ["", ""])[:3]
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 18) or not key:
        return None
    user = queries.user_with_login(int(user_id), token_digest(key), utcnow())
    # A suspended or deactivated member is logged out on their next request, and a session
    # from before a suspension or password change never comes back.
    if user is None or not user.is_active or token != user.session_token:
        return None
    user.login_key = key
    return user


def _lifetime():
    return min(current_app.config["REMEMBER_COOKIE_DURATION"], MAX_LOGIN_AGE)


def _renew_session():
    kept = {name: session[name] for name in KEPT_KEYS if name in session}
    session.clear()
    session.update(kept)
    g.pop("csrf_token", None)  # Flask-WTF's token of this request, from the old session
