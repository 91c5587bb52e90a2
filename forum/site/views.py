"""Health check for monitors and the language switch that works without JavaScript."""

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user

from forum.extensions import db
from forum.site import queries
from forum.site.safety import safe_next_url

bp = Blueprint("site", __name__)


@bp.get("/healthz")
def healthz():
    error = queries.database_error()
    if error is not None:
        return {"status": "error", "database": error}, 503
    return {"status": "ok", "database": "ok"}


@bp.post("/language")
def switch_language():
    """Set the reader's language: on their account when logged in, in the session otherwise."""
    return _set_language(request.form.get("language"), request.form.get("next"))


@bp.get("/language/<code>")
def choose_language(code):
    """The header's language link: a plain link, so visitors' pages carry no form or token
    and can be served from the page cache."""
    return _set_language(code, request.args.get("next"))


def _set_language(language, next_url):
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    return redirect(safe_next_url(next_url) or url_for("boards.home"))
