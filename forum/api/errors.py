"""The API's one error shape: `{"error": {"code", "message", "fields"}}`, in the caller's
language, with the status that says what went wrong."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from forum import limits
from forum.extensions import db
from forum.i18n import mark

# The message of each code; codes are stable and for programs, messages for people.
MESSAGES = {
    "bad_request": mark("The request could not be understood."),
    "invalid_json": mark("The body must be a JSON object."),
    "unauthenticated": mark("This needs a personal access token (Authorization: Bearer)."),
    "invalid_token": mark("The access token is not valid."),
    "revoked_token": mark("The access token was revoked."),
    "expired_token": mark("The access token has expired."),
    "inactive_account": mark("The access token's account cannot be used now."),
    "insufficient_scope": mark(
        "The access token does not allow this (it needs the %(scope)s scope)."
    ),
    "forbidden": mark("You are not allowed to do that."),
    "not_found": mark("Nothing was found at this address."),
    "method_not_allowed": mark("That method is not allowed here."),
    "conflict": mark("That cannot be done in the current state."),
    "too_large": mark("What you sent is too large."),
    "invalid": mark("Some of what you sent cannot be used."),
    "too_many_requests": mark("Too many requests. Try again in %(seconds)s seconds."),
    "server_error": mark("Something went wrong on our side. Please try again later."),
}
STATUS_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
    429: "too_many_requests", 500: "server_error",
}  # fmt: skip


class ApiError(Exception):
    """Stop the request with the API's error: raise ApiError(404) or ApiError(409, message=…)."""

    def __init__(self, status, code=None, *, message=None, fields=None, headers=None, **values):
        super().__init__(code or STATUS_CODES[status])
        self.status = status
        self.code = code or STATUS_CODES[status]
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}
        self.values = values


def error_response(error):
    message = error.message or _(MESSAGES[error.code], **error.values)
    body = {"error": {"code": error.code, "message": str(message), "fields": error.fields}}
    response = jsonify(body)
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def register(bp):
    bp.register_error_handler(ApiError, error_response)
    # By code too: the app's handlers by code would answer before one by class.
    bp.register_error_handler(HTTPException, http_error)
    for status in STATUS_CODES:
        if status != 422:
            bp.register_error_handler(status, http_error)
    bp.register_error_handler(RateLimitExceeded, _too_many_requests)
    # A number past what the database holds names no row (as forum.errors says for pages).
    bp.register_error_handler(DataError, _out_of_range)
    bp.register_error_handler(OverflowError, _out_of_range)


def http_error(error):
    status = error.code if error.code in STATUS_CODES else 400
    allowed = getattr(error, "valid_methods", None)
    headers = {"Allow": ", ".join(allowed)} if allowed else {}
    return error_response(ApiError(status, headers=headers))


def _too_many_requests(error):
    seconds = limits.retry_after()
    return error_response(ApiError(429, headers={"Retry-After": str(seconds)}, seconds=seconds))


def _out_of_range(error):
    db.session.rollback()
    return error_response(ApiError(404 if request.method in ("GET", "HEAD") else 422))
