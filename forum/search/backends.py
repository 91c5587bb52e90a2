"""The two search engines behind one shape: SQLite FTS5 and PostgreSQL full-text search.

Each runs a Query (forum.search.terms) over the index joined to the live posts and threads,
with the caller's conditions (the reader's visibility, filters) inside the statement, and
answers the newest `limit` matches by post id, each with its relevance (higher is better).
Callers order and page those in Python, the same way on both engines, so the same data gives
the same results whichever database runs.

SQLite: a prefix query ("بلد"*) makes FTS5 merge the whole doclist of every word it begins
before the first row comes out, and bm25 counts every row of every phrase for its IDF: each
costs tens of milliseconds for a common word on a million posts. So a prefix is expanded here
into the words it begins (from the index's list of words, up to MAX_EXPANSION of them; past
that FTS5 expands it itself), which FTS5 walks lazily from the newest post; and the rows kept
are ranked in Python from their indexed columns (forum.search.ranking), without IDF.
"""

from typing import NamedTuple

from sqlalchemy import (
    Float,
    String,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from forum.models import Post, Thread
from forum.search import ranking
from forum.search.schema import COLUMNS, TABLE, TERMS_TABLE

# ts_rank's weights {D, C, B, A}: body variants, body, title variants, title (ranking.WEIGHTS).
_TS_RANK_WEIGHTS = "{0.125, 0.25, 0.5, 1.0}"
MAX_EXPANSION = 64


class Candidate(NamedTuple):
    post_id: int
    score: float
    created_at: object
    thread_id: int
    title: str | None = None  # the thread's, when titles are searched


_COMPLETIONS = text(
    f"SELECT term FROM {TERMS_TABLE} WHERE term >= :start AND term < :stop ORDER BY term "
    "LIMIT :limit"
)


class SQLiteEngine:
    _index = table(TABLE, column("rowid"), *(column(name) for name in COLUMNS))

    def candidates(self, connection, query, *, titles_only, join_posts, where, limit):
        """[(post_id, score, created_at, thread_id)] of the newest `limit` matches."""
        expression = query.fts5(titles_only, self._expansions(connection, query))
        match = literal_column(TABLE).op("MATCH")(bindparam("match", expression))
        index = self._index
        statement = _shape(index, index.c.rowid, match, join_posts, where, limit)
        statement = statement.add_columns(*(index.c[name] for name in COLUMNS))
        rows = connection.execute(statement).all()
        return [
            Candidate(row.post_id, ranking.score(query, row[-4:], titles_only), row.created_at,
                      row.thread_id, row.title if titles_only else None)
            for row in rows
        ]  # fmt: skip

    def _expansions(self, connection, query):
        """Prefix form → the indexed words it begins (None: too many, FTS5 expands it)."""
        found = {}
        for term in query.terms:
            if not term.prefix:
                continue
            for form in term.forms:
                words = connection.execute(
                    _COMPLETIONS,
                    {"start": form, "stop": form + "\U0010ffff", "limit": MAX_EXPANSION + 1},
                ).scalars().all()  # fmt: skip
                found[form] = words if len(words) <= MAX_EXPANSION else None
        return found


class PostgreSQLEngine:
    _index = table(TABLE, column("post_id"), column("document", TSVECTOR))

    def candidates(self, connection, query, *, titles_only, join_posts, where, limit):
        """As SQLiteEngine's; ts_rank runs outside the limited subquery, for the rows kept."""
        index = self._index
        tsquery = cast(bindparam("tsquery", query.tsquery(titles_only), String), TSQUERY)
        match = index.c.document.op("@@")(tsquery)
        inner = _shape(index, index.c.post_id, match, join_posts, where, limit)
        inner = inner.add_columns(index.c.document.label("document")).subquery()
        score = func.ts_rank(literal_column(f"'{_TS_RANK_WEIGHTS}'::float4[]"),
                             inner.c.document, tsquery, type_=Float)  # fmt: skip
        columns = [inner.c.post_id, score, inner.c.created_at, inner.c.thread_id]
        if titles_only:
            columns.append(inner.c.title)
        return [Candidate(*row) for row in connection.execute(select(*columns))]


def _shape(index, key, match, join_posts, where, limit):
    """The statement both engines share: index, then post (or thread, for titles), where."""
    if join_posts:
        statement = (
            select(key.label("post_id"), Post.created_at, Post.thread_id.label("thread_id"))
            .select_from(index)
            .join(Post, Post.id == key)
            .join(Thread, Post.thread_id == Thread.id)
        )
    else:  # titles: the thread whose opening post this is
        statement = (
            select(
                key.label("post_id"), Thread.created_at, Thread.id.label("thread_id"), Thread.title
            )  # fmt: skip
            .select_from(index)
            .join(Thread, Thread.first_post_id == key)
        )
    return statement.where(match, *where).order_by(key.desc()).limit(limit)


def for_dialect(name):
    return PostgreSQLEngine() if name == "postgresql" else SQLiteEngine()
