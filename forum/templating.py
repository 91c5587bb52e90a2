"""What every template can use: the policy, localised values, dates and hashed static URLs."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone

from forum.i18n import current_language, pick, text_direction
from forum.models import Status
from forum.permissions import TemplatePolicy


def register(app):
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        can=TemplatePolicy,
        Status=Status,
        pick=pick,
        current_language=current_language,
        text_direction=text_direction,
        static_url=static_url,
        get_locale=get_locale,
    )
    app.jinja_env.filters.update(
        datetime=lambda value: _formatted(value, "datetime") if value else "",
        date=lambda value: _formatted(value, "date") if value else "",
        number=format_decimal,
        iso=lambda value: value.replace(microsecond=0).isoformat() + "Z" if value else "",
    )


def _formatted(value, kind):
    """A date as the reader's language writes it, in the forum's time zone."""
    return _format_once(value, kind, str(get_locale()), str(get_timezone()))


@lru_cache(maxsize=8192)
def _format_once(value, kind, locale, timezone):
    """Babel's formatting costs a tenth of a millisecond a date, and a thread page shows
    twenty of them again on every render: each (date, language, zone) is formatted once."""
    if kind == "date":
        return format_date(value, "long")
    return format_datetime(value, "medium")


def static_url(filename):
    """A URL with the file's content hash, so that static files can be cached for a year."""
    return url_for("static", filename=filename, v=_content_hash(filename))


@lru_cache(maxsize=64)
def _content_hash(filename):
    path = Path(current_app.static_folder) / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
