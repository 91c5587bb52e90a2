"""Localised error pages (and JSON for JSON clients)."""

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from forum.extensions import db
from forum.reading.drafts import sent_from_here


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        # A form that carries typed text is shown again with it, asking to send it again
        # (forum.reading.drafts); the view's form fails on its token alone.
        view = current_app.view_functions.get(request.endpoint)
        if (
            request.method == "POST"
            and getattr(view, "resends_expired_form", False)
            and sent_from_here()
        ):
            try:
                return view(**(request.view_args or {}))
            except HTTPException as refused:  # not handled again from inside a handler
                return _render_error(refused)
        message = _("Your form had expired or came from another site. Please try again.")
        return render_template("errors/error.html", code=400, message=message), 400

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _render_error)
    app.register_error_handler(DataError, _value_out_of_range)
    # SQLite's driver refuses a number past 64 bits itself, before SQLAlchemy sees it.
    app.register_error_handler(OverflowError, _value_out_of_range)
    app.register_error_handler(OperationalError, _database_busy)


RETRY_AFTER_SECONDS = 5


def _database_busy(error):
    """A lock that outlasted the busy timeout (SQLite with writers in several processes, a
    PostgreSQL lock_timeout) is a moment's congestion: 503 and when to try again, not 500."""
    db.session.rollback()
    if not _is_lock_timeout(error):
        current_app.logger.error("database error", exc_info=error)
        return _page(500)
    current_app.logger.warning("database busy: %s", str(error.orig).splitlines()[0])
    body, code = _page(503)
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def _is_lock_timeout(error):
    message = str(error.orig).lower()
    return "database is locked" in message or getattr(error.orig, "sqlstate", None) == "55P03"


def _value_out_of_range(error):
    """A value the database cannot hold (a number past BIGINT, a malformed one) names no row:
    404 when reading, 422 when writing. Never 500: it is the request's fault."""
    db.session.rollback()
    current_app.logger.info("value refused by the database: %s", str(error).splitlines()[0])
    code = 404 if request.method in ("GET", "HEAD") else 422
    return _page(code)


def _render_error(error):
    if request.path.startswith("/api/v1/"):  # an address the API lacks: still its shape
        from forum.api.errors import http_error

        return http_error(error)
    return _page(getattr(error, "code", 500) or 500)


def _page(code):
    messages = {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do that."),
        404: _("The page you asked for does not exist."),
        405: _("That method is not allowed here."),
        413: _("What you sent is too large."),
        422: _("Some of what you sent cannot be used."),
        500: _("Something went wrong on our side. Please try again later."),
        503: _("The forum is busy. Please try again in a few seconds."),
    }
    message = messages.get(code, messages[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": message, "status": code}, code
    # A visitor may have followed a link to members-only content: every 404 a visitor gets
    # says so, for a thing that exists and one that does not alike, so it reveals nothing.
    login_hint = code == 404 and not current_user.is_authenticated
    page = render_template("errors/error.html", code=code, message=message, login_hint=login_hint)
    return page, code
