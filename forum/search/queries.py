"""What search reads: matching posts and titles, within what the reader may see.

The reader's visibility (forum.permissions.visible_posts / visible_threads) is a condition of
the search statement itself, so a post the reader may not see is neither shown nor counted,
whatever page is asked for. A search looks at the newest CANDIDATES matches the reader may see
and orders those by relevance or date: a word found in a hundred thousand posts still answers
in milliseconds, and the page says when more posts matched than were looked at.
"""

from datetime import datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from forum import permissions
from forum.cache import depends_on
from forum.extensions import db
from forum.i18n import current_language, pick
from forum.models import THREAD_KINDS, Board, LocalAuthority, Post, Thread, User
from forum.models.base import THREAD_TITLES
from forum.search import index, snippets
from forum.search.backends import for_dialect
from forum.search.normalise import tokens
from forum.search.terms import any_of

CANDIDATES = 1_000  # matches looked at per search
SIMILAR_CANDIDATES = 200
# Title words too common to say two threads are alike.
_COMMON = frozenset(
    tokens(
        "في من على إلى عن مع كيف ما ماذا هل أو ثم كل بعد قبل هذا هذه ذلك التي الذي "
        "the a an of in on for to and or how what with from by is are do we our"
    )
)


class Filters(NamedTuple):
    board_id: int | None = None
    kind: str | None = None
    author_name: str | None = None
    authority_id: int | None = None
    since: object = None  # a date: posts written on it or later
    until: object = None  # a date: posts written on it or earlier


class Results(NamedTuple):
    ranked: list  # post ids, in the order asked for
    more: bool  # more posts matched than the CANDIDATES looked at


class Hit(NamedTuple):
    post_id: int
    thread_id: int
    title: object  # Markup, matched words marked
    snippet: object  # Markup
    board_name: str
    board_slug: str
    kind: str
    author_id: int
    author_name: str
    created_at: datetime
    is_opening: bool


def _engine():
    return for_dialect(db.engine.dialect.name)


def find(reader, query, filters=Filters(), order="relevance"):
    """The reader's matches for the query: Results with post ids in relevance or date order."""
    index.apply_pending(db.session)  # this transaction's own writes are found too
    where = [permissions.visible_posts(reader), *_conditions(filters)]
    rows = _engine().candidates(
        db.session.connection(), query, titles_only=False, join_posts=True, where=where,
        limit=CANDIDATES + 1,
    )  # fmt: skip
    more = len(rows) > CANDIDATES
    rows = rows[:CANDIDATES]
    if order == "date":
        rows.sort(key=lambda row: (row.created_at, row.post_id), reverse=True)
    else:
        rows.sort(key=lambda row: (row.score, row.post_id), reverse=True)
    return Results([row.post_id for row in rows], more)


def _conditions(filters):
    found = []
    if filters.board_id is not None:
        found.append(Thread.board_id == filters.board_id)
    if filters.kind:
        found.append(Thread.kind == filters.kind)
    if filters.author_name:
        named = select(User.id).where(
            func.lower(User.display_name) == filters.author_name.strip().lower()
        )
        found.append(Post.author_id.in_(named))
    if filters.authority_id is not None:
        found.append(
            Post.author_id.in_(select(User.id).where(User.authority_id == filters.authority_id))
        )
    if filters.since is not None:
        found.append(Post.created_at >= datetime.combine(filters.since, time.min))
    if filters.until is not None:
        found.append(
            Post.created_at < datetime.combine(filters.until + timedelta(days=1), time.min)
        )
    return found


_HITS = (
    select(
        Post.id, Post.body_html, Post.created_at, Post.author_id, Thread.id.label("thread_id"),
        Thread.title, Thread.kind, Thread.first_post_id, Board.slug, Board.name_ar,
        Board.name_en, User.display_name,
    )
    .join(Thread, Post.thread_id == Thread.id)
    .join(Board, Thread.board_id == Board.id)
    .join(User, Post.author_id == User.id)
    .where(Post.id.in_(bindparam("ids", expanding=True)))
)  # fmt: skip


def hits(post_ids, query):
    """The posts shown on one page of results, in the order given, with their snippets."""
    if not post_ids:
        return []
    rows = {row.id: row for row in db.session.execute(_HITS, {"ids": list(post_ids)})}
    language = current_language()
    found = []
    for post_id in post_ids:
        row = rows.get(post_id)
        if row is None:
            continue
        is_opening = row.first_post_id == row.id
        found.append(
            Hit(
                row.id,
                row.thread_id,
                snippets.highlight(row.title, query),
                snippets.snippet(index.plain_text(row.body_html), query),
                pick(row.name_ar, row.name_en, language),
                row.slug,
                row.kind,
                row.author_id,
                row.display_name,
                row.created_at,
                is_opening,
            )  # fmt: skip
        )
    return found


def similar_threads(thread, reader, *, limit=5):
    """Threads the reader may see whose titles share words with this one's, best first:
    [(thread id, title)]. A cached page that shows them is dropped when any thread appears,
    leaves, moves or is renamed (THREAD_TITLES): a reply elsewhere does not drop it."""
    depends_on(THREAD_TITLES)
    words = [w for w in _title_words(thread.title) if w not in _COMMON]
    if not words:
        return []
    rows = _engine().candidates(
        db.session.connection(), any_of(words), titles_only=True, join_posts=False,
        where=[permissions.visible_threads(reader), Thread.id != thread.id],
        limit=SIMILAR_CANDIDATES,
    )  # fmt: skip
    return _best_titles(rows, limit)


def suggest_titles(query, reader, *, limit=5):
    """Threads the reader may see whose titles match what is being typed: [(id, title)]."""
    rows = _engine().candidates(
        db.session.connection(), query, titles_only=True, join_posts=False,
        where=[permissions.visible_threads(reader)], limit=SIMILAR_CANDIDATES,
    )  # fmt: skip
    return _best_titles(rows, limit)


def _best_titles(rows, limit):
    """The best rows' (thread id, title): read with the match, so no second query."""
    rows.sort(key=lambda row: (row.score, row.thread_id), reverse=True)
    return [(row.thread_id, row.title) for row in rows[:limit]]


def _title_words(title):
    return [word for word in dict.fromkeys(tokens(title)) if len(word) >= 3 and not word.isdigit()]


def filter_choices(reader):
    """The boards the reader may see and every local authority, for the search form."""
    language = current_language()
    boards = db.session.execute(
        select(Board.id, Board.name_ar, Board.name_en)
        .where(permissions.visible_boards(reader))
        .order_by(Board.position, Board.id)
    ).all()
    authorities = db.session.execute(
        select(LocalAuthority.id, LocalAuthority.name_ar, LocalAuthority.name_en)
    ).all()
    authority_choices = sorted(
        ((row.id, pick(row.name_ar, row.name_en, language)) for row in authorities),
        key=lambda choice: choice[1],
    )
    return {
        "boards": [(row.id, pick(row.name_ar, row.name_en, language)) for row in boards],
        "kinds": list(THREAD_KINDS.items()),
        "authorities": authority_choices,
    }
