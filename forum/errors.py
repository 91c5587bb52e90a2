"""Localised error pages (and JSON for JSON clients)."""

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def _render_error(error):
    code = getattr(error, "code", 500) or 500
    messages = {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do that."),
        404: _("The page you asked for does not exist."),
        405: _("That method is not allowed here."),
        413: _("What you sent is too large."),
        500: _("Something went wrong on our side. Please try again later."),
    }
    message = messages.get(code, messages[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": message, "status": code}, code
    # A visitor may have followed a link to members-only content: every 404 a visitor gets
    # says so, for a thing that exists and one that does not alike, so it reveals nothing.
    login_hint = code == 404 and not current_user.is_authenticated
    page = render_template("errors/error.html", code=code, message=message, login_hint=login_hint)
    return page, code
