"""Atom feeds, and the member's buttons that make and revoke their feed token.

A feed is never read as the browser's member: without a token it shows what a visitor sees,
with one what the token's owner may read at this moment (a suspended owner, a revoked token
or a member taken off a task force see nothing more). A feed sets no cookie, and a token's
answer is kept by the reader alone (`Cache-Control: private`), never by a shared cache or the
page cache (forum.cache stores only visitors' HTML pages).
"""

from typing import NamedTuple

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required

from forum import limits, permissions
from forum.boards import queries as board_queries
from forum.extensions import db
from forum.feeds import actions, atom, documents, queries, tokens
from forum.i18n import current_language
from forum.mail import absolute_url
from forum.models import Board, Status, Tag, Thread
from forum.tags import queries as tag_queries
from forum.threads import queries as thread_queries
from forum.threads.forms import ConfirmForm

bp = Blueprint("feeds", __name__)

# Entries in a feed: the newest ones.
ENTRIES = 30


class Reader(NamedTuple):
    access: permissions.Access
    language: str
    token: str | None
    feed_args: dict  # the address's own parameters, for the feed's self link


@bp.get("/b/<slug>/feed.atom")
@limits.apply(limits.feed_limits)
def board_feed(slug):
    reader = _reader()
    board = board_queries.get_board_by_slug(slug)
    permissions.require(permissions.can_read_board(board, reader.access))
    threads = board_queries.newest_threads(board, reader.access, limit=ENTRIES)
    with force_locale(reader.language):
        feed = documents.board_feed(
            board, threads, language=reader.language, feed_args=reader.feed_args
        )
    return _answer(feed, reader)


@bp.get("/t/<int:thread_id>/feed.atom")
@limits.apply(limits.feed_limits)
def thread_feed(thread_id):
    reader = _reader()
    thread = thread_queries.get_thread(thread_id)
    # Only a published thread has a feed: its author and its moderators read a pending one
    # on its page, but a feed carries nothing that is not shown to all its readers.
    permissions.require(
        permissions.can_read_thread(thread, reader.access) and thread.status == Status.PUBLISHED
    )
    posts = thread_queries.newest_posts(thread, reader.access, limit=ENTRIES)
    with force_locale(reader.language):
        feed = documents.thread_feed(
            thread, posts, language=reader.language, feed_args=reader.feed_args
        )
    return _answer(feed, reader)


@bp.get("/tags/<slug>/feed.atom")
@limits.apply(limits.feed_limits)
def tag_feed(slug):
    reader = _reader()
    tag = tag_queries.get_tag_by_slug(slug)
    permissions.require(tag is not None)
    threads = tag_queries.newest_tagged_threads(tag, reader.access, limit=ENTRIES)
    with force_locale(reader.language):
        feed = documents.tag_feed(
            tag, threads, language=reader.language, feed_args=reader.feed_args
        )
    return _answer(feed, reader)


@bp.errorhandler(404)
def _not_found(error):
    """A feed reader reads the status; the forum's error page would read the browser's
    session (its header) and could set a cookie, which a feed never does."""
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    return "404 Not Found\n", 404, headers


@bp.errorhandler(RateLimitExceeded)
def _too_many(error):
    """RATELIMIT_FEED, in plain text like the 404 above; Retry-After tells the reader when."""
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
               "Retry-After": str(limits.retry_after())}  # fmt: skip
    return "429 Too Many Requests\n", 429, headers


def _reader():
    """Who the feed is read as: a visitor, or the owner of the address's token. A token that
    is unknown, revoked or whose owner may not log in now answers 404 on every feed, public
    ones included, so that the reader's subscription shows it is dead."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    feed_args = {"lang": asked} if asked in languages else {}
    token = request.args.get("token")
    if token is None:
        language = feed_args.get("lang", languages[0])
        return Reader(permissions.access_of(None), language, None, feed_args)
    owner = queries.feed_token_owner(token)
    if owner is None or not owner.is_active:
        abort(404)
    language = feed_args.get("lang", _own_language(owner))
    return Reader(permissions.access_of(owner), language, token, feed_args)


def _answer(feed, reader):
    response = current_app.response_class(atom.render(feed))
    response.headers["Content-Type"] = f"{atom.MEDIA_TYPE}; charset=utf-8"
    if reader.token is None:
        # Anyone may keep a public feed, and ask again with its ETag.
        response.headers["Cache-Control"] = "public, no-cache"
    else:
        # For the token's owner alone; the address is a secret: not to be sent on as a
        # Referer by a browser that shows the feed, nor indexed.
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    # No Last-Modified: a post hidden or a board closed changes the feed without a newer date,
    # so only the content's own tag can say that nothing changed.
    response.add_etag()
    return response.make_conditional(request)


# The member's feed token -------------------------------------------------------------------


@bp.post("/settings/tokens/feed")
@login_required
def issue_token():
    """Make the member's feed token, or a new one in place of the one before."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    had_one = queries.active_feed_token(current_user) is not None
    actions.issue_feed_token(current_user)
    db.session.commit()
    if had_one:
        flash(_("Your feed addresses were renewed: the ones before no longer work."), "success")
    else:
        flash(_("Your feed addresses are ready: copy them into your feed reader."), "success")
    return redirect(_tokens_page())


@bp.post("/settings/tokens/feed/revoke")
@login_required
def revoke_token():
    """Stop the member's feed token: every address carrying it answers 404 from now on."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if actions.revoke_feed_token(current_user):
        db.session.commit()
        flash(_("Your feed addresses no longer work."), "success")
    return redirect(_tokens_page())


def _tokens_page():
    """The member's tokens page (forum.api's), which shows templates/feeds/_token_section.html."""
    return url_for("api_pages.show_tokens", _anchor="feed-token")


# For templates -----------------------------------------------------------------------------


class FeedLink(NamedTuple):
    board: Board
    url: str


@bp.app_template_global()
def feed_url(item):
    """The address of the feed that follows a board's, thread's or tag's page for the reader,
    or None. A non-public board's feed needs the reader's token, which they make themselves
    (a page never makes one); a tag's feed carries it when they have one, since it then shows
    what they read beyond the public boards."""
    needs_token = wants_token = False
    if isinstance(item, Board):
        endpoint, values = "feeds.board_feed", {"slug": item.slug}
        needs_token = item.is_members_only
    elif isinstance(item, Thread):
        if item.status != Status.PUBLISHED:
            return None
        endpoint, values = "feeds.thread_feed", {"thread_id": item.id}
        needs_token = item.board.is_members_only
    elif isinstance(item, Tag):
        endpoint, values = "feeds.tag_feed", {"slug": item.slug}
        wants_token = True
    else:
        raise TypeError(f"no feed for {item!r}")
    token = _readers_token() if needs_token or wants_token else None
    if needs_token and token is None:
        return None
    return url_for(endpoint, **values, **_link_args(token))


@bp.app_template_global()
def feed_token_state():
    """What the member's tokens page shows of their feed token: None without one, else the
    token's row and each board they read with its feed's address."""
    if not current_user.is_authenticated:
        return None
    found = queries.active_feed_token(current_user)
    token = tokens.secret_for(found) if found is not None else None
    if token is None:
        return None
    links = [
        FeedLink(board, _absolute_feed_url(board, token if board.is_members_only else None))
        for board in board_queries.list_boards(current_user)
    ]
    return {"token": found, "boards": links}


def _absolute_feed_url(board, token):
    return absolute_url("feeds.board_feed", slug=board.slug, **_link_args(token))


def _readers_token():
    """The signed-in reader's feed token, looked up once per request (members' pages only:
    they are never stored in the page cache)."""
    if not current_user.is_authenticated:
        return None
    if "feed_token" not in g:
        found = queries.active_feed_token(current_user)
        g.feed_token = tokens.secret_for(found) if found is not None else None
    return g.feed_token


def _own_language(member):
    """The language a member's feeds speak unless their address asks for another."""
    languages = current_app.config["LANGUAGES"]
    return member.language if member.language in languages else languages[0]


def _link_args(token):
    """The token, and the page's language when the feed would not be in it by itself."""
    args = {} if token is None else {"token": token}
    default = (
        _own_language(current_user) if token is not None else current_app.config["LANGUAGES"][0]
    )
    if current_language() != default:
        args["lang"] = current_language()
    return args
