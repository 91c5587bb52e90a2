"""Helpers of the API tests: tokens made the way the settings page makes them, and requests."""

from datetime import timedelta

from forum.api import tokens
from forum.clock import utcnow
from forum.extensions import db
from forum.models import User

READ_WRITE = ("read", "write")


def make_token(person_id, *, scopes=READ_WRITE, state="active"):
    """A committed token of the person (call inside an app context): active, or `revoked`,
    `expired`; returns the secret."""
    user = db.session.get(User, person_id)
    expires = utcnow() - timedelta(days=1) if state == "expired" else None
    token, secret = tokens.create_token(user, name="script", scopes=scopes, expires_at=expires)
    if state == "revoked":
        tokens.revoke_token(user, token)
    db.session.commit()
    return secret


def call(client, method, url, token=None, *, json=None, headers=None, **options):
    """An API request, with the token as a bearer token when given."""
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    return client.open(url, method=method, json=json, headers=sent, **options)
