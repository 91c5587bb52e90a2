"""Cursors for the API's lists: an opaque token naming where the next page starts.

A cursor holds the sort key of the last item given (a keyset), not a page number, so a page
never repeats or skips an item when new ones arrive between requests; the ordering always
ends on a unique column, so it is total and stable. A cursor is not signed: what it names is
still filtered by the policy, so an altered one can only give a wrong position, never a row
the caller may not read.
"""

import base64
import json
from datetime import datetime

from flask import request, url_for
from flask_babel import gettext as _

from forum.api.errors import ApiError


def encode(*values):
    """The cursor for these sort-key values (ints, strings, booleans, datetimes)."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode(cursor, *kinds):
    """The sort-key values in a cursor, each converted by `kinds` (int, str, bool, datetime);
    400 for a cursor that was not made here."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        values = json.loads(text)
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError(cursor)
        return [_convert(kind, value) for kind, value in zip(kinds, values, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError):
        refused = _("This cursor was not given by this API.")
        raise ApiError(400, fields={"cursor": [refused]}) from None


def _convert(kind, value):
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise TypeError(value)
        return value
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(value)
    return value


def next_url(cursor):
    """The address of the same list from the cursor on, or None without a cursor."""
    if cursor is None:
        return None
    arguments = {**request.args.to_dict(), "cursor": cursor}
    return url_for(request.endpoint, **(request.view_args or {}), **arguments, _external=True)
