"""Unsubscribe links for mail (RFC 8058): a signed token naming a member and what to stop,
a board subscription, a thread watch, or a digest (every board followed at that level).

The token is signed with the app's SECRET_KEY under its own salt, and does not expire: a link
in an old mail must still work. It carries no secret (a member id and a board or thread id)
and grants nothing but stopping, or changing the level of, that one subscription.
"""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from forum import permissions
from forum.accounts.queries import get_user
from forum.boards.queries import get_board
from forum.following import actions, queries
from forum.mail import absolute_url
from forum.models import DIGEST_LEVELS, Level
from forum.threads.queries import get_thread

SALT = "forum.following.unsubscribe"


@dataclass(frozen=True)
class Unsubscription:
    """What a valid token names, and how things stand now."""

    user: object
    board: object = None
    thread: object = None
    level: str | None = None  # the member's level on the board, if they follow it
    watching: bool = False  # whether the member watches the thread
    digest: str | None = None  # a digest level (daily, weekly): every board followed at it
    digest_boards: int = 0  # how many boards the member follows at that level now


def unsubscribe_url(user, *, board=None, thread=None, digest=None):
    """The absolute link that stops the member's subscription to the board, watch of the
    thread, or digest of a level: for mail bodies and the List-Unsubscribe header (with
    List-Unsubscribe-Post: List-Unsubscribe=One-Click)."""
    token = make_token(user, board, thread, digest)
    return absolute_url("following.unsubscribe_page", token=token)


def make_token(user, board=None, thread=None, digest=None):
    if sum(target is not None for target in (board, thread, digest)) != 1:
        raise ValueError("an unsubscribe token names a board, a thread or a digest")
    if board is not None:
        target = {"b": board.id}
    elif thread is not None:
        target = {"t": thread.id}
    else:
        target = {"d": str(Level(digest))}
    return _serializer().dumps({"u": user.id, **target})


def read_token(token):
    """What the token names, or None when it is not one we signed (cut, changed, forged) or
    names an account or subject that is gone."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = get_user(payload["u"])
    if user is None:
        return None
    if isinstance(payload.get("b"), int):
        board = get_board(payload["b"])
        if board is None:
            return None
        subscription = queries.get_subscription(user, board)
        level = subscription.level if subscription is not None else None
        return Unsubscription(user, board=board, level=level)
    if isinstance(payload.get("t"), int):
        thread = get_thread(payload["t"])
        if thread is None:
            return None
        return Unsubscription(user, thread=thread, watching=queries.is_watching(user, thread))
    if payload.get("d") in DIGEST_LEVELS:
        level = payload["d"]
        return Unsubscription(user, digest=level, digest_boards=queries.count_at_level(user, level))
    return None


def readable(found):
    """Whether the page may name the board or thread: only while its member may read it."""
    if found.digest is not None:
        return True  # it names no board or thread
    if found.board is not None:
        return permissions.can_read_board(found.board, found.user)
    return permissions.can_read_thread(found.thread, found.user)


def stop(found):
    """Stop what the token names (nothing happens if it was already stopped)."""
    if found.digest is not None:
        actions.stop_digest(found.user, found.digest)
    elif found.board is not None:
        actions.stop_following(found.user, found.board)
    else:
        actions.unwatch_thread(found.user, found.thread)


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)
