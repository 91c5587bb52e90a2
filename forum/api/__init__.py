"""The JSON API (version 1, under /api/v1) with personal access tokens, its OpenAPI document
and reference page, and the members' token settings.

The API never reads the session cookie, nor writes one: its caller is the owner of the bearer
token it carries, or a visitor. Without cookie authentication there is nothing for a forged
cross-site request to ride on, so the API is exempt from CSRF checks.
"""

from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface

PREFIX = "/api/v1"


def init_app(app):
    from forum.api import pages, uploads, views  # noqa: F401  (registers the operations)
    from forum.api.operations import bp
    from forum.extensions import csrf

    app.session_interface = _NoCookieOnApi()
    # First of all: Flask-Limiter, the page cache and the language all ask who the caller is.
    app.before_request_funcs.setdefault(None, []).insert(0, _authenticate)
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(pages.bp)


class _NoCookieOnApi(SecureCookieSessionInterface):
    """Sessions as usual, but an API request gets an empty one, never saved."""

    def open_session(self, app, request):
        if request.path.startswith(PREFIX + "/"):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request.path.startswith(PREFIX + "/"):
            return None
        return super().save_session(app, session, response)


def _authenticate():
    """Make the token's owner the request's user (Flask-Login's, so that the policy, the
    limits and the language see them), or a visitor; 401 for a token that opens nothing."""
    if not request.path.startswith(PREFIX + "/"):
        return None
    from forum.api import tokens
    from forum.api.errors import ApiError, error_response

    # A visitor until the token says otherwise: Flask-Login must never look for the user in
    # the session or the remember cookie, not even to pick the language of an error.
    g._login_user = current_app.login_manager.anonymous_user()
    if request.blueprint != "api":
        return None  # an address the API lacks: 404 in its shape (forum.errors)
    try:
        token, owner = tokens.authenticate()
    except tokens.TokenError as refused:
        return error_response(ApiError(401, refused.code, headers={"WWW-Authenticate": "Bearer"}))
    g.api_token = token
    g._login_user = owner if owner is not None else current_app.login_manager.anonymous_user()
    return None
