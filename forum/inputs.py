"""What comes in, checked in one place before any view reads it.

- Control characters (NUL and the other C0 and C1 controls) are refused in the address, the
  query string and every form field: PostgreSQL cannot store NUL, and no one types the others.
  Form fields may hold tabs and line breaks; the address and query string may not.
- Ids are bounded: the `int` URL converter is replaced by one that stops at the largest BIGINT,
  so that an id no row can have is a 404 on both databases; `id_number` does the same for ids
  in query strings and forms.
- Files are taken only by the few endpoints that read them, in their one field (FILE_FIELDS,
  forum.attachments), with a larger body limit; a file sent anywhere else is refused before a
  form reads it.

forum.errors turns what still goes wrong in the database with a value (DataError, or SQLite's
OverflowError) into a 404 or 422.
"""

import re

from flask import current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**63 - 1  # BIGINT, and SQLite's INTEGER
_MAX_ID_DIGITS = len(str(MAX_ID))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF, CR allowed
# Endpoint → the one field whose files it reads (forum.attachments); the API's operations
# declared with `files=` add theirs (forum.api.operations).
FILE_FIELDS = {
    "attachments.upload_file": "file",
    "threads.new_thread": "attachments",
    "threads.reply": "attachments",
    "threads.edit_post": "attachments",
}


class IdConverter(IntegerConverter):
    """`<int:…>`: a non-negative number no greater than MAX_ID, or no match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max if max < MAX_ID else MAX_ID, signed)

    def to_python(self, value):
        if len(value) > _MAX_ID_DIGITS:  # before int(), which refuses past 4,300 digits
            raise ValidationError()
        return super().to_python(value)


def id_number(value):
    """An id from a query string or a form: ValueError unless 1 ≤ value ≤ MAX_ID (so that
    `request.args.get("to", type=id_number)` gives None for one no row can have)."""
    value = str(value).strip()
    if not value.isascii() or not value.isdigit() or len(value) > _MAX_ID_DIGITS:
        raise ValueError(f"not an id: {value[:30]!r}")
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"not an id: {value[:30]!r}")
    return number


class BadInput(BadRequest):
    """A request refused for what it holds; the message says what, in the reader's language."""

    def __init__(self, message):
        super().__init__()
        self.message = message


def init_app(app):
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_bad_input)
    app.register_error_handler(BadInput, _bad_input_page)


def has_control_characters(text, *, line_breaks=False):
    """Whether text holds a control character (tabs and line breaks allowed if asked)."""
    return bool((_CONTROL_IN_TEXT if line_breaks else _CONTROL).search(text or ""))


def _refuse_bad_input():
    if has_control_characters(request.path) or any(
        has_control_characters(key) or has_control_characters(value)
        for key, value in request.args.items(multi=True)
    ):
        raise BadInput(_("The address holds characters that are not allowed."))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    field = FILE_FIELDS.get(request.endpoint)
    if field is not None and request.mimetype == "multipart/form-data":
        from forum.attachments.queries import request_body_limit  # built on the app's models

        # Before anything reads the body: the form's CSRF check would stop at 1 MiB. Only a
        # multipart body carries files; its text fields stay under MAX_FORM_MEMORY_SIZE.
        request.max_content_length = request_body_limit()
    if any(name != field for name in request.files):
        raise BadInput(_("Files cannot be sent here."))
    if any(
        has_control_characters(key) or has_control_characters(value, line_breaks=True)
        for key, value in request.form.items(multi=True)
    ):
        raise BadInput(_("What you sent holds characters that are not allowed."))


def _bad_input_page(error):
    current_app.logger.info("refused input: %s %s", request.method, request.path[:200])
    if request.accept_mimetypes.best == "application/json":
        return {"error": error.message, "status": 400}, 400
    return render_template("errors/error.html", code=400, message=error.message), 400
