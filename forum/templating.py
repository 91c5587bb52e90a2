"""What every template can use: the policy, localised values, dates and hashed static URLs."""

import hashlib
from functools import lru_cache
from pathlib import Path

from babel.lists import format_list
from flask import current_app, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_timezone,
    get_translations,
)
from jinja2 import pass_context, pass_eval_context
from markupsafe import Markup

from forum.attachments.inspect import human_size
from forum.i18n import current_language, pick, text_direction
from forum.models import Status
from forum.people import avatar, bdi, staff_badge
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
        url_pattern=UrlPattern,
        rendered_once=rendered_once,
        get_locale=get_locale,
        avatar=avatar,
        staff_badge=staff_badge,
        when=pass_context(_when),
        date_time_zone=lambda: str(get_timezone()),
        ltr_code=ltr_code,
    )
    app.context_processor(_the_readers_language)
    app.jinja_env.filters.update(
        datetime=pass_context(lambda context, value: _formatted(context, value, "datetime")),
        date=pass_context(lambda context, value: _formatted(context, value, "date")),
        number=format_decimal,
        filesize=human_size,
        as_list=lambda items: format_list([str(item) for item in items], locale=get_locale()),
        iso=_iso,
        bdi=bdi,
    )


def _the_readers_language():
    """`_` bound to the reader's translations, and the language and zone of their dates, for
    one render.

    Flask-Babel looks these up again on every call, through several context-local proxies
    (about 15 microseconds for `_`), and a member's thread page translates fifty labels and
    shows twenty dates. Imported macros, which do not see the render's variables, look them
    up as before.
    """
    translations = get_translations()

    @pass_eval_context
    def gettext(eval_context, string, **variables):
        # What Jinja's own gettext does: escaped where the template is, always %-formatted.
        text = translations.ugettext(string)
        if eval_context.autoescape:
            text = Markup(text)
        return text % variables

    return {"_": gettext, "date_locale": _date_locale()}


def _formatted(context, value, kind):
    """A date as the reader's language writes it, in the forum's time zone."""
    if not value:
        return ""
    return _format_once(value, kind, *(context.get("date_locale") or _date_locale()))


@lru_cache(maxsize=8192)
def _iso(value):
    """A date for machines (<time datetime>), kept like _format_once's: the same again and
    again."""
    return value.replace(microsecond=0).isoformat() + "Z" if value else ""


def _date_locale():
    return str(get_locale()), str(get_timezone())


# Dates as people read them, without seconds: "3 Nov 2026, 6:52 PM", "3 نوفمبر 2026، 6:52 م".
# The comma is the language's own (Arabic writes "،").
_PATTERNS = {
    "datetime": {"ar": "d MMM y، h:mm a", "en": "d MMM y, h:mm a"},
    "full": {"ar": "EEEE d MMMM y، h:mm a", "en": "EEEE d MMMM y, h:mm a"},
}


@lru_cache(maxsize=8192)
def _format_once(value, kind, locale, timezone):
    """Babel's formatting costs a tenth of a millisecond a date, and a thread page shows
    twenty of them again on every render: each (date, language, zone) is formatted once."""
    if kind == "date":
        return format_date(value, "long")
    patterns = _PATTERNS[kind]
    return format_datetime(value, patterns.get(locale.split("_")[0], patterns["en"]))


def _when(context, value):
    """A date in a <time> element: the absolute date and time as text (the same whatever the
    day, so a cached page stays right), the full date on hover. static/js/dates.js then says
    "today 6:52 PM", "yesterday" or "3 Nov" in the reader's browser."""
    if not value:
        return ""
    return _time_element(value, *(context.get("date_locale") or _date_locale()))


@lru_cache(maxsize=8192)
def _time_element(value, locale, timezone):
    return Markup('<time datetime="{}" title="{}" data-when>{}</time>').format(
        _iso(value),
        _format_once(value, "full", locale, timezone),
        _format_once(value, "datetime", locale, timezone),
    )


class UrlPattern:
    """url_for(endpoint, key=number, **values) for any number, written `pattern % number`.

    A thread page links each of its posts, authors and actions: url_for costs about ten
    microseconds a call, and calling a function from a template a few more; `%` is a plain
    operator. The URL is built once, on first use (a page may not show every kind of link),
    with a number no row has in the varying place, which is then cut out.
    """

    _SLOT = 987_654_321_987_654_321

    def __init__(self, endpoint, key, **values):
        self._request = (endpoint, key, values)
        self._parts = None

    def __mod__(self, number):
        if self._parts is None:
            endpoint, key, values = self._request
            url = url_for(endpoint, **values, **{key: self._SLOT})
            before, slot, after = url.partition(str(self._SLOT))
            if not slot or str(self._SLOT) in after:
                raise ValueError(f"{endpoint} does not show {key} as a plain number")
            self._parts = before, after
        before, after = self._parts
        return f"{before}{int(number)}{after}"


def rendered_once(name, macro):
    """A macro's markup, kept by the worker for each language: for parts of a page that are
    the same for every reader of a language, whoever they are and whatever the forum holds.

    The thread page's empty reply box is one: wtforms formats each attribute of each field
    through string.Formatter, a seventh of a member's page when rendered every time.
    """
    kept = current_app.extensions.setdefault("rendered_once", {})
    key = (name, current_language())
    markup = kept.get(key)
    if markup is None:
        markup = kept[key] = Markup(macro())
    return markup


def static_url(filename):
    """A URL with the file's content hash, so that static files can be cached for a year."""
    return url_for("static", filename=filename, v=_content_hash(filename))


@lru_cache(maxsize=64)
def _content_hash(filename):
    path = Path(current_app.static_folder) / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def ltr_code(text):
    """A sample of code or markup, kept left-to-right inside text of either direction."""
    return Markup('<code dir="ltr">{}</code>').format(text)
