"""HTTP caching: whole pages, exactly invalidated, and year-long static files.

A visitor's page (anonymous, GET, no flashed message) depends only on the address, the
language and the forum's content, so one copy serves every visitor. A member's page is kept
for that member's session alone (see _cache_key). Each worker keeps rendered pages under one
content version, read from the one-row `site_state` table at the start of every cacheable
request: that read is the only query a cached visitor page costs (a member's adds the
loading of their account, which also checks that they are still allowed in).

Every transaction that writes anything bumps the version before it commits, in the same
transaction (a session listener below, so no action, moderation tool, admin page or command
can forget it). Readers therefore see either the old version and the old content or the new
version and the new content; a page stored under an old version is never served again. The
version lives in the database rather than in a file or in process memory because it must
commit or roll back with the write, and be seen by every worker on every host.

A visitor's page is stored only when nothing in it can belong to one person: no flashed
message, no CSRF token rendered, no cookie set. Pages that show the time relative to
now ("5 minutes ago") must not be listed in CACHEABLE_ENDPOINTS.
"""

from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, g, request, session
from flask_login import current_user
from sqlalchemy import event, insert, select, update
from sqlalchemy.sql.elements import TextClause

from forum.extensions import db
from forum.i18n import current_language
from forum.models import SiteState

# Pages shown to visitors that depend on nothing but their address, language and content.
CACHEABLE_ENDPOINTS = frozenset(
    {"boards.home", "boards.show_board", "threads.show_thread", "accounts.profile"}
)
STATIC_MAX_AGE = 365 * 24 * 3600
_WRITE_VERBS = ("insert", "update", "delete")


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    headers: tuple


class PageCache:
    """Rendered pages of one content version; a newer version empties it."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.version = None
        self.pages = OrderedDict()
        self.size = 0

    def get(self, version, key):
        if version != self.version:
            self.pages.clear()
            self.size, self.version = 0, version
            return None
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def put(self, version, key, page):
        # A request that began under an older version may finish after the bump: drop it.
        if version != self.version or key in self.pages:
            return
        self.pages[key] = page
        self.size += len(page.body)
        while self.size > self.max_bytes and self.pages:
            _, evicted = self.pages.popitem(last=False)
            self.size -= len(evicted.body)


def init_app(app):
    """Page caching per worker (PAGE_CACHE_BYTES, 0 turns it off) and static file headers."""
    app.after_request(_static_cache_headers)
    max_bytes = app.config["PAGE_CACHE_BYTES"]
    if max_bytes <= 0:
        return
    app.extensions["page_cache"] = PageCache(max_bytes)
    app.before_request(_serve_cached_page)
    app.after_request(_store_page)


# Content version -------------------------------------------------------------------------


_SITE_STATE = SiteState.__table__
# Built once and run on the session's connection: the ORM layer adds nothing to one column.
_READ_VERSION = select(_SITE_STATE.c.version).where(_SITE_STATE.c.id == 1)
_BUMP_VERSION = (
    update(_SITE_STATE).where(_SITE_STATE.c.id == 1).values(version=_SITE_STATE.c.version + 1)
)


def content_version(*, in_session=True):
    """The current content version, or None before the first write created the row.

    Outside the session (in_session=False) it is read on an autocommit connection: one round
    trip instead of BEGIN, SELECT and ROLLBACK, which is most of what a visitor's cached page
    costs on PostgreSQL.
    """
    if in_session:
        return db.session.connection().execute(_READ_VERSION).scalar()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(_READ_VERSION).scalar()


def _bump(session):
    """Advance the version inside the session's transaction, once per transaction."""
    if session.info.get("content_version_bumped"):
        return
    session.info["content_version_bumped"] = True
    connection = session.connection()
    changed = connection.execute(_BUMP_VERSION)
    if changed.rowcount == 0:
        connection.execute(insert(_SITE_STATE).values(id=1, version=1))


@event.listens_for(db.session, "before_flush")
def _bump_before_flush(session, flush_context, instances):
    changed = session.new or session.deleted
    if not changed:
        changed = any(session.is_modified(obj) for obj in session.dirty)
    if changed:
        _bump(session)


@event.listens_for(db.session, "do_orm_execute")
def _bump_on_bulk_write(state):
    """UPDATE/DELETE/INSERT statements run through the session skip the flush: bump here."""
    statement = state.statement
    if isinstance(statement, TextClause):
        writes = statement.text.lstrip().lower().startswith(_WRITE_VERBS)
    else:
        writes = state.is_insert or state.is_update or state.is_delete
    if writes:
        _bump(state.session)


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_soft_rollback")
def _transaction_over(session, *args):
    session.info.pop("content_version_bumped", None)


# Pages ------------------------------------------------------------------------------------


def _cache_key():
    """The key of this request's page, or None when it must be rendered afresh.

    A visitor's page is shared by every visitor. A member's page is kept for their session
    only: the key holds their id and their session's CSRF secret, so the tokens rendered in
    it are theirs, and logging out and in again starts afresh.
    """
    place = (request.host, request.full_path, current_language())
    if not current_user.is_authenticated:
        return ("visitor", *place)
    secret = session.get("csrf_token")
    if not secret:
        return None
    return ("member", current_user.id, secret, *place)


def _serve_cached_page():
    if request.method != "GET" or request.endpoint not in CACHEABLE_ENDPOINTS:
        return None
    if "_flashes" in session:
        return None
    # Read the version before anything else, the reader's own account included, so that all
    # the page renders below is at least this new. A member's request then goes on in the same
    # transaction (one connection, not two); a visitor's may need nothing more.
    version = content_version(in_session="_user_id" in session)
    if version is None:
        return None
    key = _cache_key()
    if key is None:
        return None
    g.content_version = version  # forum.permissions keeps the board table under it
    page = current_app.extensions["page_cache"].get(version, key)
    if page is None:
        g.page_cache_slot = (version, key)
        return None
    response = current_app.response_class(page.body, headers=list(page.headers))
    response.headers["X-Page-Cache"] = "hit"
    return response


def _store_page(response):
    slot = g.pop("page_cache_slot", None)
    if slot is None or not _storable(response, visitor=slot[1][0] == "visitor"):
        return response
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("set-cookie", "content-length")
    )
    page = CachedPage(response.get_data(), headers)
    current_app.extensions["page_cache"].put(*slot, page)
    response.headers["X-Page-Cache"] = "miss"
    return response


def _storable(response, *, visitor):
    """Whether the response may be served again to the same key: nothing in it is personal
    (for a visitor) or changes from one request to the next (for a member)."""
    if visitor and ("csrf_token" in g or current_user.is_authenticated):
        return False  # a token was rendered, or someone logged in during the request
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not session.modified
        and "_flashes" not in session
        and "Set-Cookie" not in response.headers
    )


# Static files ----------------------------------------------------------------------------


def _static_cache_headers(response):
    """Static URLs carry the file's content hash (?v=), so they may be kept for a year."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response
