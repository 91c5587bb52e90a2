"""The search index's tables, which SQLAlchemy's metadata cannot describe.

SQLite keeps the index in an FTS5 virtual table (and FTS5's own shadow tables); PostgreSQL
in a table of tsvectors with a GIN index. Both hold normalised text only, keyed by post id
(forum.search.index writes it). They are made beside the models' tables by `create_all`
(metadata events) and by the migration, and Alembic's comparison leaves them out
(`include_name`), because no model describes them.
"""

from sqlalchemy import event, text

from forum.extensions import db

TABLE = "search_posts"
# SQLite: every word ever indexed, for expanding a prefix into words (forum.search.backends).
# Never pruned: a word no post holds any more expands into a phrase that matches nothing.
TERMS_TABLE = "search_posts_terms"
# Column weights, highest first: the title, the title's words without their prefixes, the
# body, the body's words without their prefixes. A word typed as written outranks a match
# found only once a prefix was taken off.
COLUMNS = ("title", "title_variants", "body", "body_variants")

_SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"{', '.join(COLUMNS)}, "
    # Text arrives normalised (forum.search.normalise): the tokenizer must not fold again.
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
)
_POSTGRESQL_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "post_id integer PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_document ON {TABLE} USING gin (document)",
)


def create(connection):
    """Make the index's tables if they are missing (empty: forum.search.index fills them)."""
    if connection.dialect.name == "postgresql":
        for statement in _POSTGRESQL_CREATE:
            connection.execute(text(statement))
    else:
        connection.execute(text(_SQLITE_CREATE))
        connection.execute(
            text(f"CREATE TABLE IF NOT EXISTS {TERMS_TABLE} (term TEXT PRIMARY KEY) WITHOUT ROWID")
        )


def drop(connection):
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    connection.execute(text(f"DROP TABLE IF EXISTS {TERMS_TABLE}"))


def empty(connection):
    """Remove every entry, for tests and tools that empty the posts table outside the session."""
    connection.execute(text(f"DELETE FROM {TABLE}"))
    if connection.dialect.name != "postgresql":
        connection.execute(text(f"DELETE FROM {TERMS_TABLE}"))


def exists(connection):
    return TABLE in _table_names(connection)


def include_name(name, type_, parent_names):
    """For Alembic: the index's tables (FTS5 names its shadow tables after it) are not models."""
    return not (type_ == "table" and name and name.startswith(TABLE))


def _table_names(connection):
    from sqlalchemy import inspect

    return inspect(connection).get_table_names()


@event.listens_for(db.metadata, "after_create")
def _created(target, connection, **kw):
    create(connection)


@event.listens_for(db.metadata, "before_drop")
def _dropping(target, connection, **kw):
    drop(connection)
