"""Keeping the search index in step with the posts, in the transaction that writes them.

The index holds each post's normalised words (and its thread's title, for an opening post),
nothing about who may read it: visibility is joined from the live posts, threads and boards
tables at query time, so a move, an approval, a deletion or a restore needs no index write.
Only text changes do: a new post, an edited body, a new title.

The session's flushes note which posts need (re)indexing; just before the transaction commits
(or before a search in the same transaction) the notes are turned into index writes on the
session's connection. Bulk UPDATE, DELETE and INSERT statements run through the session are
noted too. Writes made outside the session (raw SQL, bench.generate) are not:
`flask forum search reindex` rebuilds the whole index after them.
"""

import html
import re
from functools import lru_cache

from sqlalchemy import bindparam, event, func, select, text
from sqlalchemy.sql.elements import TextClause

from forum.extensions import db
from forum.models import Post, Thread
from forum.search import normalise
from forum.search.schema import TABLE, TERMS_TABLE

_PENDING = "search_pending"  # session.info: post ids to index again, and ids to remove
_TAG = re.compile(r"<[^>]+>")
BATCH = 2_000


# Documents --------------------------------------------------------------------------------


def plain_text(body_html):
    """A post's words as shown (its sanitised HTML without tags), for the index and snippets."""
    return html.unescape(_TAG.sub(" ", body_html or ""))


@lru_cache(maxsize=4096)
def _words(text):
    """(tokens, prefix-less variants of each) of a text; generated forums repeat texts."""
    found = normalise.tokens(text)
    return tuple(found), tuple(tuple(normalise.variants(token)) for token in found)


def document(title, body_html):
    """The four indexed columns of a post: forum.search.schema.COLUMNS."""
    title_words, title_variants = _words(title or "")
    body_words, body_variants = _words(plain_text(body_html))
    return (
        " ".join(title_words),
        " ".join(v for forms in title_variants for v in forms),
        " ".join(body_words),
        " ".join(v for forms in body_variants for v in forms),
    )


def tsvector_literal(title, body_html):
    """The post's document as PostgreSQL tsvector input: every word at its position, weighted
    A (title), B (title without prefixes), C (body), D (body without prefixes). Built here, not
    by to_tsvector, so that PostgreSQL splits words exactly as SQLite does."""
    positions = {}
    position = 0
    for text_, (plain, stripped) in ((title or "", "AB"), (plain_text(body_html), "CD")):
        words, variants = _words(text_)
        for word, forms in zip(words, variants, strict=True):
            position = min(position + 1, 16383)
            positions.setdefault(word, []).append(f"{position}{plain}")
            for form in forms:
                positions.setdefault(form, []).append(f"{position}{stripped}")
    # Tokens are letters and digits only (forum.search.normalise): nothing to escape.
    return " ".join(f"'{word}':{','.join(at)}" for word, at in positions.items())


# Writing ----------------------------------------------------------------------------------

_DOCUMENTS = (
    select(Post.id, Post.body_html, Thread.title, Thread.first_post_id)
    .join(Thread, Post.thread_id == Thread.id)
    .where(Post.id.in_(bindparam("ids", expanding=True)))
)


def write(connection, post_ids):
    """(Re)index these posts from their rows; ids of posts that no longer exist are removed."""
    post_ids = sorted(set(post_ids))
    for start in range(0, len(post_ids), BATCH):
        ids = post_ids[start : start + BATCH]
        rows = connection.execute(_DOCUMENTS, {"ids": ids}).all()
        remove(connection, ids)
        _insert(connection, rows)


def remove(connection, post_ids):
    if not post_ids:
        return
    key = "post_id" if connection.dialect.name == "postgresql" else "rowid"
    connection.execute(
        text(f"DELETE FROM {TABLE} WHERE {key} IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": list(post_ids)},
    )


def _insert(connection, rows, known=None):
    """Index the rows; `known` (a rebuild's) holds the words already in the list of words."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        values = [
            {"id": row.id, "document": tsvector_literal(_title_of(row), row.body_html)}
            for row in rows
        ]
        statement = (
            f"INSERT INTO {TABLE} (post_id, document) VALUES (:id, CAST(:document AS tsvector))"
        )
    else:
        values, words = [], set()
        for row in rows:
            columns = document(_title_of(row), row.body_html)
            values.append(dict(zip(("id", "t", "tv", "b", "bv"), (row.id, *columns), strict=True)))
            for column in columns:
                words.update(column.split())
        statement = (
            f"INSERT INTO {TABLE} (rowid, title, title_variants, body, body_variants) "
            "VALUES (:id, :t, :tv, :b, :bv)"
        )
        if known is not None:
            words -= known
            known |= words
        if words:
            connection.execute(
                text(f"INSERT OR IGNORE INTO {TERMS_TABLE} (term) VALUES (:term)"),
                [{"term": word} for word in sorted(words)],
            )
    connection.execute(text(statement), values)


def _title_of(row):
    """An opening post carries its thread's title; replies do not."""
    return row.title if row.first_post_id == row.id else ""


def rebuild(connection, progress=None):
    """Index every post again, in batches; `progress(count)` is told of each batch."""
    from forum.search.schema import create, drop

    # Made afresh: deleting a million rows from FTS5 writes a delete marker for every word of
    # every post, which later inserts then pay to merge away.
    drop(connection)
    create(connection)
    last, known = 0, set()
    while True:
        ids = connection.execute(
            select(Post.id).where(Post.id > last).order_by(Post.id).limit(BATCH)
        ).scalars().all()  # fmt: skip
        if not ids:
            break
        _insert(connection, connection.execute(_DOCUMENTS, {"ids": ids}).all(), known)
        last = ids[-1]
        if progress is not None:
            progress(len(ids))


def count_posts(connection):
    return connection.execute(select(func.count()).select_from(Post)).scalar()


# Upkeep: what the session's writes change -------------------------------------------------


# The columns whose change changes a post's document: its text, and its thread's title where
# it is the opening post. Visibility is not in the index (the search joins it live).
_INDEXED = {"posts": frozenset({"body_html"}), "threads": frozenset({"title", "first_post_id"})}


def _pending(session):
    return session.info.setdefault(_PENDING, {"posts": set(), "threads": set(), "after": None})


@event.listens_for(db.session, "after_flush")
def _note_writes(session, flush_context):
    pending = None
    for row in session.new:
        if isinstance(row, Post):
            pending = pending or _pending(session)
            pending["posts"].add(row.id)
    for row in session.dirty:
        if isinstance(row, Post) and _changed(session, row, *_INDEXED["posts"]):
            pending = pending or _pending(session)
            pending["posts"].add(row.id)
        elif isinstance(row, Thread) and _changed(session, row, *_INDEXED["threads"]):
            pending = pending or _pending(session)
            pending["threads"].add(row.id)
    for row in session.deleted:
        if isinstance(row, Post):
            pending = pending or _pending(session)
            pending["posts"].add(row.id)  # gone by then: write() removes it


def _may_set(state, columns):
    """Whether the UPDATE may set one of the columns: those of its .values(), or of the
    parameter sets of an update by primary key; when neither tells, it may."""
    values = getattr(state.statement, "_values", None)
    if values:
        assigned = {getattr(column, "key", column) for column in values}
    else:
        parameters = state.parameters
        parameters = [parameters] if isinstance(parameters, dict) else parameters or []
        assigned = {name for row in parameters for name in row}
    return not assigned or bool(assigned & columns)


def _changed(session, row, *columns):
    from forum.models.base import changed_columns

    return session.is_modified(row) and bool(changed_columns(row) & set(columns))


@event.listens_for(db.session, "do_orm_execute")
def _note_bulk_writes(state):
    """UPDATE, DELETE and INSERT statements through the session skip the flush: note the rows
    they reach (found with their own WHERE clause before they run)."""
    statement = state.statement
    if isinstance(statement, TextClause) or not (
        state.is_update or state.is_delete or state.is_insert
    ):
        return
    name = getattr(getattr(statement, "table", None), "name", None)
    if name == Post.__tablename__:
        id_column, noted = Post.__table__.c.id, "posts"
    elif name == Thread.__tablename__:
        id_column, noted = Thread.__table__.c.id, "threads"
    else:
        return
    if state.is_update and not _may_set(state, _INDEXED[noted]):
        return  # e.g. `flask forum recount` setting every thread's counters
    pending = _pending(state.session)
    if state.is_insert:
        if noted == "posts" and pending["after"] is None:
            # New rows get ids above today's largest.
            largest = state.session.connection().execute(select(func.max(id_column))).scalar()
            pending["after"] = largest or 0
        return
    where = statement.whereclause
    query = select(id_column) if where is None else select(id_column).where(where)
    pending[noted].update(state.session.connection().execute(query).scalars())


def apply_pending(session):
    """Write the index changes the transaction's writes call for (before a commit, or before a
    search that must see the transaction's own writes)."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # its listener notes what the flush writes
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    post_ids = set(pending["posts"])
    threads = sorted(pending["threads"])
    for start in range(0, len(threads), BATCH):  # a statement takes at most 65,535 parameters
        post_ids.update(
            connection.execute(
                select(Thread.first_post_id).where(
                    Thread.id.in_(threads[start : start + BATCH]), Thread.first_post_id.is_not(None)
                )
            ).scalars()
        )
    if pending["after"] is not None:
        post_ids.update(
            connection.execute(select(Post.id).where(Post.id > pending["after"])).scalars()
        )
    write(connection, post_ids)


# First of the before_commit listeners: forum.changes takes the content version last, so that
# its lock is held from there to the commit only.
@event.listens_for(db.session, "before_commit", insert=True)
def _before_commit(session):
    apply_pending(session)


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_soft_rollback")
def _forget(session, *args):
    session.info.pop(_PENDING, None)
