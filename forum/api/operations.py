"""The API's blueprint and its operations: each view declares its schemas, its scope and its
limits once, and this module validates the request, answers in JSON (with ETag, Last-Modified
and 304 on reads) and keeps the list the OpenAPI document is built from."""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC
from functools import wraps

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from pydantic import ValidationError

from forum import inputs, limits
from forum.api import errors, pagination, tokens
from forum.api.errors import ApiError
from forum.clock import utcnow
from forum.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.register(bp)


@dataclass(frozen=True)
class Operation:
    """One documented operation: a route, a method and the schemas of its parts."""

    endpoint: str
    rule: str
    method: str
    summary: str
    response: type
    status: int = 200
    query: type | None = None
    body: type | None = None
    scope: str | None = "read"  # None: answered to anyone, token or not
    errors: tuple = field(default=())
    signed_in: bool = False  # needs a token even to read (the caller's own things)
    files: str | None = None  # a multipart body: the one field holding the file sent


OPERATIONS = []


def _api_rate():
    return current_app.config["RATELIMIT_API"]


# Every request to the API counts against one budget per member (or address, without a token).
_every_request = [limiter.shared_limit(_api_rate, "api", key_func=limits.by_member)]


def operation(method, rule, *, response, summary, status=200, query=None, body=None,
              scope="read", errors=(), signed_in=False, limited=(), files=None):  # fmt: skip
    """Register the view as an operation of the API (see Operation); `limited` are groups of
    forum.limits applied besides the API's own budget. With `files`, the body is
    multipart/form-data and the view gets the file of that field as its argument."""

    def decorate(view):
        described = Operation(
            f"api.{view.__name__}", rule, method, summary, response, status, query, body,
            scope, tuple(errors), signed_in, files,
        )  # fmt: skip
        OPERATIONS.append(described)
        if files is not None:
            # forum.inputs takes files at this endpoint only, in this field, and lets its body
            # grow to the attachments' limit (API_MAX_BODY_BYTES is for JSON bodies).
            inputs.FILE_FIELDS[described.endpoint] = files

        @wraps(view)
        def run(**arguments):
            _require_scope(described)
            if query is not None:
                arguments["query"] = validated(query, request.args.to_dict())
            if body is not None:
                arguments["body"] = validated(body, _json_body())
            if files is not None:
                arguments[files] = _sent_file(files)
            return respond(view(**arguments), status)

        bp.add_url_rule(rule, view.__name__, limits.apply(_every_request, *limited)(run),
                        methods=[method])  # fmt: skip
        return run

    return decorate


def _require_scope(described):
    token = tokens.current_token()
    if described.scope is None:
        return
    if token is None and (described.scope == "write" or described.signed_in):
        raise ApiError(401, headers={"WWW-Authenticate": "Bearer"})
    if token is not None and described.scope not in token.scope_set:
        raise ApiError(403, "insufficient_scope", scope=described.scope)


def _json_body():
    limit = current_app.config["API_MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json")
    return data


def _sent_file(name):
    sent = request.files.get(name)
    if sent is None or not sent.filename:
        raise ApiError(422, fields={name: [_("Choose a file.")]})
    return sent


# Messages for pydantic's own error types, in the caller's language.
_MESSAGES = {
    "missing": lambda error: _("This field is required."),
    "extra_forbidden": lambda error: _("This field is not known here."),
    "string_too_short": lambda error: _("At least %(min)d characters.",
                                        min=error["ctx"]["min_length"]),
    "string_too_long": lambda error: _("At most %(max)d characters.",
                                       max=error["ctx"]["max_length"]),
    "too_long": lambda error: _("At most %(max)d items.", max=error["ctx"]["max_length"]),
    "literal_error": lambda error: _("Not one of the choices: %(choices)s.",
                                     choices=error["ctx"]["expected"]),
}  # fmt: skip


def validated(schema, data):
    """The data as the schema's instance; 422 with every field's errors."""
    try:
        return schema.model_validate(data)
    except ValidationError as refused:
        fields = {}
        for error in refused.errors(include_url=False):
            name = ".".join(str(part) for part in error["loc"]) or "body"
            kind = error["type"]
            if kind.startswith("text_"):
                message = error["msg"]  # ours (forum.api.schemas), in the caller's language
            elif kind in _MESSAGES and "ctx" in error or kind in ("missing", "extra_forbidden"):
                message = _MESSAGES[kind](error)
            elif kind.endswith(("_parsing", "_type")):
                message = _("This value has the wrong type.")
            else:
                message = _("This value cannot be used.")
            fields.setdefault(name, []).append(str(message))
        raise ApiError(422, fields=fields) from None


# Answers ------------------------------------------------------------------------------------


def respond(model, status=200):
    """The view's answer (a schema instance) as JSON; a read with its validators."""
    response = current_app.response_class(model.model_dump_json(), status=status,
                                          mimetype="application/json")  # fmt: skip
    if request.method in ("GET", "HEAD") and status == 200:
        etag = hashlib.sha256(response.get_data()).hexdigest()[:32]
        response.set_etag(etag)
        # Many changes have no date of their own (a lock, a post hidden after flags), and the
        # workers share no memory to date them: Last-Modified says when this answer was made,
        # and only the ETag earns a 304 (If-Modified-Since alone always gets the answer).
        response.last_modified = utcnow().replace(tzinfo=UTC)
        if request.if_none_match:
            response.make_conditional(request)
    next_page = getattr(model, "next", None)
    if next_page:
        response.headers["Link"] = f'<{next_page}>; rel="next"'
    return response


def after_api_request(response):
    """Every API answer depends on its token and language; one with a token is the caller's."""
    response.vary.update(("Authorization", "Accept-Language"))
    # Revalidated (ETag) rather than kept blind; a member's answers by no shared cache.
    private = g.get("api_token") is not None
    response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    return response


bp.after_request(after_api_request)


def page_of(items, limit, key):
    """(the page's items, its next address): one item more than the page is asked for tells
    whether another page follows; key(item) gives the cursor's values."""
    more = len(items) > limit
    items = items[:limit]
    cursor = pagination.encode(*key(items[-1])) if more and items else None
    return items, pagination.next_url(cursor)
