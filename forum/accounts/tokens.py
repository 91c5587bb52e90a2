"""Signed, expiring links sent by mail: confirming an address and choosing a new password.

Nothing is stored for them: the link carries the account and a fingerprint of what it may
change, signed with SECRET_KEY. A reset link names the account's current password hash and
session token, so it works once: setting the password (or any logout everywhere) changes
them. A confirmation link names the address, so it confirms that address only.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY = "verify-email"
RESET = "reset-password"


class TokenError(ValueError):
    """The link is broken, altered, or for another purpose; `expired` says whether it was
    genuine but too old."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"tabadul-{purpose}")


def _fingerprint(*values):
    return hashlib.sha256("\0".join(values).encode()).hexdigest()[:32]


def verification_token(user):
    return _serializer(VERIFY).dumps({"user": user.id, "email": _fingerprint(user.email)})


def reset_token(user):
    state = _fingerprint(user.password_hash, user.session_token)
    return _serializer(RESET).dumps({"user": user.id, "state": state})


def read_verification(token, get_user):
    """The account whose address the link confirms; raises TokenError."""
    data = _load(VERIFY, token, current_app.config["VERIFY_EMAIL_MAX_AGE"])
    user = get_user(data["user"])
    if user is None or data.get("email") != _fingerprint(user.email):
        raise TokenError()
    return user


def read_reset(token, get_user):
    """The account whose password the link may set, if it is still unused; raises TokenError."""
    data = _load(RESET, token, current_app.config["RESET_PASSWORD_MAX_AGE"])
    user = get_user(data["user"])
    if user is None or data.get("state") != _fingerprint(user.password_hash, user.session_token):
        raise TokenError()
    return user


def _load(purpose, token, max_age):
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError(expired=True) from error
    except BadSignature as error:
        raise TokenError() from error
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise TokenError()
    return data
