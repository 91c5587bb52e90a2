"""The two search engines behind one shape: SQLite FTS5 and PostgreSQL full-text search.

Each turns a Query (forum.search.terms) into a statement over the index joined to the live
posts and threads, with the caller's conditions (the reader's visibility, filters) inside it.
The statement yields the newest `limit` matches by post id, each with its relevance (higher
is better); callers order and page those in Python, the same way on both engines, so that the
same data gives the same results whichever database runs.
"""

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
    type_coerce,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from forum.models import Post, Thread
from forum.search.schema import TABLE

# bm25 weights of forum.search.schema.COLUMNS; ts_rank's {D, C, B, A} in the same proportions.
_BM25_WEIGHTS = (8.0, 4.0, 2.0, 1.0)
_TS_RANK_WEIGHTS = "{0.125, 0.25, 0.5, 1.0}"


class SQLiteEngine:
    _index = table(TABLE, column("rowid"))

    def candidates(self, query, *, titles_only, join_posts, where, limit):
        """(post_id, score, created_at, thread_id) of the newest `limit` matches; FTS5 walks
        its doclist from the newest id, and bm25 is computed for those rows alone."""
        match = literal_column(TABLE).op("MATCH")(bindparam("match", query.fts5(titles_only)))
        score = type_coerce(-func.bm25(literal_column(TABLE), *_BM25_WEIGHTS), Float)
        return _shape(self._index, self._index.c.rowid, match, score, join_posts, where, limit)


class PostgreSQLEngine:
    _index = table(TABLE, column("post_id"), column("document", TSVECTOR))

    def candidates(self, query, *, titles_only, join_posts, where, limit):
        """As SQLiteEngine's; ts_rank is computed outside the limited subquery, so that it runs
        for the rows kept, not for every match."""
        index = self._index
        tsquery = cast(bindparam("tsquery", query.tsquery(titles_only), String), TSQUERY)
        match = index.c.document.op("@@")(tsquery)
        inner = _shape(index, index.c.post_id, match, index.c.document, join_posts, where, limit)
        inner = inner.subquery()
        score = func.ts_rank(literal_column(f"'{_TS_RANK_WEIGHTS}'::float4[]"), inner.c.score,
                             tsquery, type_=Float)  # fmt: skip
        return select(inner.c.post_id, score.label("score"), inner.c.created_at,
                      inner.c.thread_id)  # fmt: skip


def _shape(index, key, match, score, join_posts, where, limit):
    """The statement both engines share: index, then post (or thread, for titles), where."""
    if join_posts:
        statement = (
            select(
                key.label("post_id"),
                score.label("score"),
                Post.created_at,
                Post.thread_id.label("thread_id"),
            )  # fmt: skip
            .select_from(index)
            .join(Post, Post.id == key)
            .join(Thread, Post.thread_id == Thread.id)
        )
    else:  # titles: the thread whose opening post this is
        statement = (
            select(
                key.label("post_id"),
                score.label("score"),
                Thread.created_at,
                Thread.id.label("thread_id"),
            )  # fmt: skip
            .select_from(index)
            .join(Thread, Thread.first_post_id == key)
        )
    return statement.where(match, *where).order_by(key.desc()).limit(limit)


def for_dialect(name):
    return PostgreSQLEngine() if name == "postgresql" else SQLiteEngine()
