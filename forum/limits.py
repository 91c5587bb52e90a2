"""Abuse limits: how often one address or one member may log in, register, post, flag…

Flask-Limiter (forum.extensions.limiter) counts in memory, or in Redis when REDIS_URL is set so
that every worker shares the counts. Each limit below is a decorator for a view, its rate read
from the configuration (RATELIMIT_*) on every request, so a test or an instance can change it.

Who is counted: the client's address (behind PROXY_COUNT trusted proxies, see create_app) for
what visitors do (log in, register, reset a password, search), and the member's account for
what members do (post, preview, flag), because a whole municipality may share one address.
Failed logins are counted twice, per address and per account, and only failures count.

A request over a limit is answered 429 with Retry-After and a localised page (JSON for JSON
clients; forum.feeds answers its own in plain text). For the search page: `@limits.search` on
its view applies RATELIMIT_SEARCH.
"""

import math
import time

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.extensions import limiter
from forum.models import User


def _rate(name):
    return lambda: current_app.config[name]


def by_address():
    return get_remote_address() or "unknown"


def by_member():
    """The member's account, or the address for a visitor."""
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return f"address:{by_address()}"


def by_login_email():
    """The account a login (or a reset request) names, whether or not it exists."""
    return f"email:{User.normalize_email(request.form.get('email', ''))[:254]}"


def _failed(response):
    # A login that succeeds redirects; a wrong password, a refused form or CSRF error do not.
    return response.status_code != 302


def _posting_rate():
    """A member's first posts are limited harder: until NEW_MEMBER_POSTS of theirs were
    approved (the counter the approval queue's trust threshold reads too)."""
    config = current_app.config
    trusted = (
        current_user.is_authenticated
        and current_user.approved_post_count >= config["NEW_MEMBER_POSTS"]
    )
    return config["RATELIMIT_POST"] if trusted else config["RATELIMIT_POST_NEW_MEMBER"]


def _limit(rate, scope, key_func=by_address, **options):
    return limiter.limit(_rate(rate), key_func=key_func, scope=scope, methods=["POST"], **options)


_TOO_MANY_LOGINS = _l("Too many failed logins.")

login = [
    _limit("RATELIMIT_LOGIN_ADDRESS", "login-address", deduct_when=_failed,
           error_message=_TOO_MANY_LOGINS),
    _limit("RATELIMIT_LOGIN_ACCOUNT", "login-account", by_login_email, deduct_when=_failed,
           error_message=_TOO_MANY_LOGINS),
]  # fmt: skip
registration = [_limit("RATELIMIT_REGISTER", "register")]
password_reset = [
    _limit("RATELIMIT_PASSWORD_RESET", "reset-address"),
    _limit("RATELIMIT_PASSWORD_RESET", "reset-account", by_login_email),
]
verify_resend = [_limit("RATELIMIT_VERIFY_RESEND", "verify-resend", by_member)]
flag = [_limit("RATELIMIT_FLAG", "flag", by_member)]


def _previewing():
    return "preview" in request.form


# The forms that post have a preview button: a preview counts against the preview limit only,
# and the posting limit counts only what was really sent (it redirects; a refused form does not).
preview = [_limit("RATELIMIT_PREVIEW", "preview", by_member,
                  exempt_when=lambda: not _previewing())]  # fmt: skip
# One budget for new threads and replies together (a shared limit: one count for both views).
post = [
    limiter.shared_limit(_posting_rate, "post", key_func=by_member, methods=["POST"],
                         exempt_when=_previewing,
                         deduct_when=lambda response: response.status_code == 302)
]  # fmt: skip
# The JSON API's writes (forum.api): the posting budget is the web's own (one shared count), spent
# by what was created; flags at the web's rate.
api_post = [
    limiter.shared_limit(_posting_rate, "post", key_func=by_member, methods=["POST"],
                         deduct_when=lambda response: response.status_code == 201)
]  # fmt: skip
api_flag = [limiter.shared_limit(_rate("RATELIMIT_FLAG"), "api-flag", key_func=by_member)]
search_limits = [limiter.limit(_rate("RATELIMIT_SEARCH"), key_func=by_address, scope="search")]
# One budget for every feed: a reader polls a board's, a thread's and a tag's alike.
feed_limits = [limiter.shared_limit(_rate("RATELIMIT_FEED"), "feed", key_func=by_address)]


def apply(*groups):
    """A decorator applying the given groups of limits to a view."""

    def decorate(view):
        for group in groups:
            for limit in group:
                view = limit(view)
        return view

    return decorate


def search(view):
    """For the search page: RATELIMIT_SEARCH per address, on every method."""
    return apply(search_limits)(view)


def retry_after():
    """Seconds until the limit this request broke lets it through again (at least 1)."""
    broken = limiter.current_limit
    if broken is None:
        return 60
    return max(1, math.ceil(broken.reset_at - time.time()))


def register(app):
    app.register_error_handler(RateLimitExceeded, too_many_requests)


def too_many_requests(error):
    """The 429 page: what was limited, and when to try again, in the reader's language."""
    seconds = retry_after()
    minutes = max(1, round(seconds / 60))  # the reset time is rounded up to a second
    reason = str(error.limit.error_message) if error.limit.error_message else None
    message = " ".join(
        [
            reason or _("You have done that too often."),
            _("Please try again in %(minutes)s minutes.", minutes=minutes)
            if minutes > 1
            else _("Please try again in a minute."),
        ]
    )
    headers = {"Retry-After": str(seconds)}
    if request.accept_mimetypes.best == "application/json":
        body = {"error": message, "status": 429, "retry_after": seconds}
        return body, 429, headers
    return render_template("errors/error.html", code=429, message=message), 429, headers
