"""What each transaction changed, logged at commit for every worker's page cache to read.

While a transaction runs, its flushes collect the scopes of the content rows they write
(forum.models.base). When it commits, it takes the next content version (an UPDATE of the
one `site_state` row, so the row lock is held only from there to the commit) and logs each
scope under that version in `page_changes`, in the same transaction: a reader that sees a
change's rows also sees its log entry, on every worker of every host. Versions are taken
under that lock, so they commit in order and a reader that has read up to one version has
missed none before it.

A transaction that writes only private state (notifications read, read marks, the outbox)
logs nothing and takes no lock. Bulk statements and raw SQL on content cannot say which rows
they touch, so they change the whole site.
"""

from sqlalchemy import event, insert, literal, select, update
from sqlalchemy.sql.elements import TextClause

from forum.extensions import db
from forum.models import PageChange, SiteState
from forum.models.base import SITE

# Keep this many versions of the log; a worker further behind than that empties its cache.
KEEP_VERSIONS = 10_000
PRUNE_EVERY = 1_000

_SCOPES = "page_scopes"
_WRITE_VERBS = ("insert", "update", "delete")
_SITE_STATE = SiteState.__table__
_LOG = PageChange.__table__
_NEXT_VERSION = (
    update(_SITE_STATE)
    .where(_SITE_STATE.c.id == 1)
    .values(version=_SITE_STATE.c.version + 1)
    .returning(_SITE_STATE.c.version)
)
_HEAD = select(_SITE_STATE.c.version).where(_SITE_STATE.c.id == 1)


def touch(session, *scopes):
    """Mark scopes as changed by the session's transaction."""
    session.info.setdefault(_SCOPES, set()).update(scopes)


def log_site_change(after=0):
    """Record a change to everything, for writes made outside the application; commits.

    after: a version the change's must pass. A restored database's log stops at the version
    of its backup, older than what the workers have read, who would never read further.
    """
    if after:
        db.session.execute(
            update(_SITE_STATE)
            .where(_SITE_STATE.c.id == 1, _SITE_STATE.c.version < after)
            .values(version=after)
        )
    touch(db.session, SITE)
    db.session.commit()


def head_version():
    """The newest content version (0 for a database with none yet)."""
    return db.session.execute(_HEAD).scalar() or 0


@event.listens_for(db.session, "after_flush")
def _collect(session, flush_context):
    for change, rows in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):  # fmt: skip
        for row in rows:
            if not getattr(row, "page_content", True):
                continue
            if change == "update" and not session.is_modified(row):
                continue
            touch(session, *row.written_scopes(change))


@event.listens_for(db.session, "do_orm_execute")
def _collect_bulk(state):
    """UPDATE, DELETE and INSERT statements run through the session skip the flush."""
    statement = state.statement
    if isinstance(statement, TextClause):
        writes = statement.text.lstrip().lower().startswith(_WRITE_VERBS)
    else:
        writes = state.is_insert or state.is_update or state.is_delete
        writes = writes and _table_is_content(statement.table)
    if writes:
        touch(state.session, SITE)


def _table_is_content(table):
    for mapper in db.Model.registry.mappers:
        if table in mapper.tables:
            return mapper.class_.page_content
    return True


@event.listens_for(db.session, "before_commit")
def _log_changes(session):
    session.flush()  # the last flush collects its scopes too
    scopes = session.info.pop(_SCOPES, None)
    if not scopes:
        return
    connection = session.connection()
    version = connection.execute(_NEXT_VERSION).scalar()
    if version is None:  # a database made by create_all, not by the migrations
        version = 1
        connection.execute(insert(_SITE_STATE).values(id=1, version=version))
    connection.execute(insert(_LOG), [{"version": version, "scope": s} for s in sorted(scopes)])
    if version % PRUNE_EVERY == 0 and version > KEEP_VERSIONS:
        _prune(connection, version - KEEP_VERSIONS)


def _prune(connection, through):
    connection.execute(_LOG.delete().where(_LOG.c.version <= through))
    connection.execute(
        update(_SITE_STATE).where(_SITE_STATE.c.id == 1).values(pruned_through=through)
    )


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_soft_rollback")
def _forget(session, *args):
    session.info.pop(_SCOPES, None)


# Reading the log ---------------------------------------------------------------------------


def read_changes(since):
    """(head version, changed scopes) after version `since`, in one round trip.

    With since=None (a worker's first look) only the head is read. A scope of SITE in the
    answer means "everything": a site-wide change, or a log pruned past `since`.
    """
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if since is None:
            return connection.execute(_HEAD).scalar() or 0, set()
        rows = connection.execute(
            select(_LOG.c.version, _LOG.c.scope)
            .where(_LOG.c.version > since)
            .union_all(
                select(_SITE_STATE.c.pruned_through, literal(SITE)).where(
                    _SITE_STATE.c.id == 1, _SITE_STATE.c.pruned_through > since
                )
            )
        ).all()
    head = max((row[0] for row in rows), default=since)
    return head, {row[1] for row in rows}
