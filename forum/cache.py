"""HTTP caching: visitors' pages kept per worker and invalidated by scope, members' pages kept
by no one, and year-long static files.

A visitor's page (anonymous, GET, no flashed message) depends only on the address, the
language and the forum's content, so one copy serves every visitor. While it renders, the
page records the scope of every content row it loads (forum.models.base: a thread, a board,
a person); a write logs the scopes it changed (forum.changes). At the start of every
cacheable request the worker reads the log entries newer than the last it read — one query,
usually answered by no row — and drops the pages that read a changed scope. A reply thus
drops its thread, its board and the home page, not every page of the forum; a change whose
reach is unknown (a board's access, raw SQL, `flask forum cache bump`) drops everything.

A page is stored only when no change was read while it rendered, so a page can never be
older than the log the worker has read. Pages must not show the time relative to now ("5
minutes ago"): tests render each cacheable page a day apart and compare.

Members' pages carry their own header, tokens and state: they are not stored here, and
`Cache-Control: private, no-store` keeps them out of the browser's cache and any proxy's, so that
the next person at a shared computer cannot page back through them after logout. (They used to
be revalidated by ETag; a browser that may keep no copy has nothing to revalidate.)
"""

import threading
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event

from forum.changes import read_changes
from forum.extensions import db
from forum.i18n import current_language
from forum.models.base import SITE

# Pages shown to visitors that depend on nothing but their address, language and content.
CACHEABLE_ENDPOINTS = frozenset(
    {"boards.home", "boards.show_board", "threads.show_thread", "accounts.profile"}
)
STATIC_MAX_AGE = 365 * 24 * 3600
# The scopes read so far by the visitor's page being rendered for the cache (g.page_reads),
# for the listener that every loaded row calls: flask.g's proxy cost more than the rest of it.
_page_reads = ContextVar("page_reads", default=None)


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    headers: tuple
    scopes: frozenset


class PageCache:
    """Rendered pages with the scopes they read; safe to share between a worker's threads."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.seen = None  # the newest version of the change log applied here
        # Counts site-wide changes seen: what a worker keeps beside its pages (the board
        # table of forum.permissions) is valid for one generation.
        self.generation = 0
        self._pages = OrderedDict()
        self._readers = {}  # scope → keys of the pages that read it
        self._size = 0
        self._lock = threading.Lock()

    def sync(self, read_changes):
        """Apply the change log's entries newer than those already applied."""
        with self._lock:
            since = self.seen
        head, scopes = read_changes(since)
        with self._lock:
            if since is None or SITE in scopes:
                self._clear()
            else:
                for changed in scopes:
                    for key in self._readers.pop(changed, ()):
                        self._drop(key)
            self.seen = head if self.seen is None else max(self.seen, head)
            return self.seen

    def get(self, key):
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key, page, seen):
        """Keep a page rendered after applying the log up to `seen`, unless newer entries
        have been applied since: they may have changed what it shows."""
        with self._lock:
            if seen != self.seen or key in self._pages:
                return
            self._pages[key] = page
            self._size += len(page.body)
            for scope in page.scopes:
                self._readers.setdefault(scope, set()).add(key)
            while self._size > self.max_bytes and self._pages:
                self._drop(next(iter(self._pages)))

    def _drop(self, key):
        page = self._pages.pop(key, None)
        if page is None:
            return
        self._size -= len(page.body)
        for scope in page.scopes:
            readers = self._readers.get(scope)
            if readers is not None:
                readers.discard(key)
                if not readers:
                    del self._readers[scope]

    def _clear(self):
        self._pages.clear()
        self._readers.clear()
        self._size = 0
        self.generation += 1


def init_app(app):
    """Page caching per worker (PAGE_CACHE_BYTES, 0 turns it off) and HTTP cache headers."""
    app.after_request(_static_cache_headers)
    app.after_request(_keep_members_pages_private)
    max_bytes = app.config["PAGE_CACHE_BYTES"]
    if max_bytes <= 0:
        return
    app.extensions["page_cache"] = PageCache(max_bytes)
    app.before_request(_serve_cached_page)
    app.after_request(_store_page)
    app.teardown_request(_stop_recording)


def depends_on(*scopes):
    """Declare that the page being rendered lists rows by these scopes (a list that a new
    row joins, which the page could not have loaded)."""
    if has_request_context():
        reads = g.get("page_reads")
        if reads is not None:
            reads.update(scopes)


@event.listens_for(db.Model, "load", propagate=True)
def _note_read(row, context):
    reads = _page_reads.get()
    if reads is not None and row.page_content:
        scope = row.read_scope()
        if scope is not None:
            reads.add(scope)


def _serve_cached_page():
    if request.method != "GET" or request.endpoint not in CACHEABLE_ENDPOINTS:
        return None
    cache = current_app.extensions["page_cache"]
    seen = cache.sync(read_changes)
    g.cache_generation = cache.generation  # forum.permissions keeps the board table under it
    if "_user_id" in session or "_flashes" in session:
        return None  # a member's page, or a message for this visitor alone
    key = (request.host, request.full_path, current_language())
    page = cache.get(key)
    if page is None:
        g.page_slot = (key, seen)
        g.page_reads = set()
        g.page_reads_token = _page_reads.set(g.page_reads)
        return None
    response = current_app.response_class(page.body, headers=list(page.headers))
    response.headers["X-Page-Cache"] = "hit"
    return response


def _store_page(response):
    slot = g.pop("page_slot", None)
    reads = g.pop("page_reads", None)
    if slot is None or not _storable(response):
        return response
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("set-cookie", "content-length")
    )
    key, seen = slot
    page = CachedPage(response.get_data(), headers, frozenset(reads))
    current_app.extensions["page_cache"].put(key, page, seen)
    response.headers["X-Page-Cache"] = "miss"
    return response


def _stop_recording(error=None):
    token = g.pop("page_reads_token", None)
    if token is not None:
        _page_reads.reset(token)


def _storable(response):
    """Whether nothing in the response can belong to one visitor."""
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and "csrf_token" not in g  # a form token was rendered
        and not current_user.is_authenticated  # someone logged in during the request
        and not session.modified
        and "_flashes" not in session
        and "Set-Cookie" not in response.headers
    )


def _keep_members_pages_private(response):
    """Anything answered to a member (pages, redirects, errors) is kept by no cache."""
    if "_user_id" in session and request.endpoint != "static":
        response.headers["Cache-Control"] = "private, no-store"
        response.headers.pop("ETag", None)
    return response


# Static files ----------------------------------------------------------------------------


def _static_cache_headers(response):
    """Static URLs carry the file's content hash (?v=), so they may be kept for a year."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response
