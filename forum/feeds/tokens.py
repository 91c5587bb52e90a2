"""The secret of a feed token, derived from its row's salt with SECRET_KEY.

Stored hashed like every other secret (forum.models.accounts.token_digest), a token could be
shown once only; but a member copies feed addresses into a reader whenever they like, and
the pages they read offer them in their head. So the token is HMAC(SECRET_KEY, salt): the
forum can write it again for its member, while a copy of the database alone (salts and
digests) opens no feed. A new SECRET_KEY makes every feed token worthless, as it ends every
login.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app

from forum.models.accounts import token_digest

_PURPOSE = b"tabadul-feed-token\0"


def new_salt():
    return secrets.token_hex(16)


def secret_of(salt):
    """The token written in the member's feed addresses (43 URL-safe characters)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    mac = hmac.new(key, _PURPOSE + salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def secret_for(row):
    """The token of a FeedToken row, to write in its member's addresses; None when the row was
    made under another SECRET_KEY (its addresses no longer work: the member makes a new one)."""
    token = secret_of(row.salt)
    return token if hmac.compare_digest(token_digest(token), row.token_digest) else None
