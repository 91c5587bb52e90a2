"""The OpenAPI 3.1 document, built from the operations the API registered and the very
schemas that validate their requests and shape their answers (forum.api.schemas).

pydantic writes JSON Schema 2020-12, which is OpenAPI 3.1's own dialect: the components are
its output as it is.
"""

import re

from flask import current_app
from pydantic.json_schema import models_json_schema

from forum import __version__
from forum.api import schemas
from forum.api.operations import OPERATIONS, bp
from forum.i18n import mark

REF = "#/components/schemas/{model}"
SECURITY = "bearerToken"
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Marked for the catalogs: the reference page (templates/api/docs.html) shows them translated.
DESCRIPTIONS = {
    200: mark("Done; the answer"),
    201: mark("Created"),
    304: mark("Not modified since the ETag given (If-None-Match)"),
    400: mark("The request could not be understood (a broken body or cursor)"),
    401: mark("No token where one is needed, or a token that is not valid, revoked, expired "
              "or whose account cannot be used now"),
    403: mark("The token's scope, or the member, may not do this to content they can see"),
    404: mark("No such thing, or nothing the caller may read"),
    409: mark("The action does not fit the current state (a locked thread, a second flag…)"),
    413: mark("The body is too large"),
    422: mark("Some fields cannot be used: see error.fields"),
    429: mark("Too many requests: see Retry-After"),
}  # fmt: skip


def document():
    """The document (built once per app: it depends on the code only)."""
    built = current_app.extensions.get("api_openapi")
    if built is None:
        built = current_app.extensions["api_openapi"] = _build()
    return built


def _build():
    models = {op.response for op in OPERATIONS} | {schemas.ErrorResponse}
    inputs = {op.body for op in OPERATIONS if op.body is not None}
    pairs = [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)]
    pairs += [(model, "validation") for model in sorted(inputs, key=lambda m: m.__name__)]
    _, definitions = models_json_schema(pairs, ref_template=REF)
    components = dict(definitions.get("$defs", {}))
    paths = {}
    for op in OPERATIONS:
        path = _CONVERTER.sub(r"{\2}", bp.url_prefix + op.rule)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, components)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Tabadul API",
            "version": f"1 ({__version__})",
            "description": (
                "The forum's JSON API. Authenticate with a personal access token from "
                "/settings/tokens, sent as `Authorization: Bearer <token>`; without one, the "
                "caller reads what a visitor reads. Lists are paged by cursor: follow `next` "
                "(also in the `Link` header). Errors have one shape: "
                '`{"error": {"code", "message", "fields"}}`, the message in the language of '
                "Accept-Language, else the account's."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {SECURITY: {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(op, components):
    described = {
        "operationId": op.endpoint.removeprefix("api."),
        "summary": op.summary,
        "parameters": _path_parameters(op.rule) + _query_parameters(op.query, components),
        "responses": _responses(op),
    }
    if op.scope is None:
        described["security"] = []
    elif op.scope == "write" or op.signed_in:
        described["security"] = [{SECURITY: []}]
    else:  # a visitor reads too; a token reads what its member may
        described["security"] = [{}, {SECURITY: []}]
    if op.scope is not None:
        described["x-scope"] = op.scope
    if op.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}
            },
        }
    if op.files is not None:
        described["requestBody"] = {"required": True, "content": _multipart(op.files)}
    return described


def _multipart(field):
    """A body of one file, in `field`: OpenAPI 3.1 says binary with contentMediaType."""
    sent = {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "description": "The file, with its name; typed by its content, not its name",
    }
    schema = {"type": "object", "required": [field], "properties": {field: sent}}
    return {"multipart/form-data": {"schema": schema}}


def _path_parameters(rule):
    return [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 1} if converter == "int" else {"type": "string"}}
        for converter, name in _CONVERTER.findall(rule)
    ]  # fmt: skip


def _query_parameters(model, components):
    if model is None:
        return []
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.get("$defs", {}))
    required = set(schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def _responses(op):
    answer = {"$ref": REF.format(model=op.response.__name__)}
    responses = {str(op.status): {"description": DESCRIPTIONS[op.status],
                                  "content": {"application/json": {"schema": answer}}}}  # fmt: skip
    if op.method == "GET":
        responses[str(op.status)]["headers"] = {
            "ETag": {"schema": {"type": "string"}},
            "Link": {"description": 'The next page, rel="next", on a paged list',
                     "schema": {"type": "string"}},
        }  # fmt: skip
        responses["304"] = {"description": DESCRIPTIONS[304]}
    error = {"$ref": REF.format(model="ErrorResponse")}
    for status in sorted({*op.errors, 401, 429}):
        responses[str(status)] = {"description": DESCRIPTIONS[status],
                                  "content": {"application/json": {"schema": error}}}  # fmt: skip
    return responses
