"""What each table is to the page cache: content that pages show, or private state.

Every model inherits exactly one of `Content` or `PrivateState` (a test fails on a table that
has not chosen). A write to content invalidates the cached pages that read it; a write to
private state (read marks, notifications, the logs, the outbox…) changes no one else's page
and must never empty a cache.

Invalidation is scoped: a page records the scope of every content row it loads
(`read_scope`), and a write names the scopes it changes (`written_scopes`). The default is
the whole site, which is always exact; the tables written on every reply narrow it.
"""

from sqlalchemy import inspect

# Every cached page depends on this scope; a write to it empties every cache.
SITE = "site"
# Every profile page depends on this: it lists posts across threads whose visibility can change.
PROFILES = "profiles"
# Every page that lists threads found by their titles (similar threads) depends on this: a
# thread that appears, disappears, moves or is renamed may join or leave such a list.
THREAD_TITLES = "thread-titles"


def scope(kind, key):
    return f"{kind}:{key}"


class Content:
    """Rows that pages show."""

    page_content = True

    def read_scope(self):
        """The scope a page that loaded this row depends on (None: changes reach it as SITE)."""
        return None

    def written_scopes(self, change):
        """The scopes that a change to this row invalidates; change is "insert", "update" or
        "delete"."""
        return {SITE}


class PrivateState:
    """Rows that no shared page shows: a change to them invalidates nothing."""

    page_content = False


def changed_columns(row):
    """The names of the row's columns with a pending change (in a flush's listeners)."""
    state = inspect(row)
    return {
        attribute.key
        for attribute in state.mapper.column_attrs
        if state.attrs[attribute.key].history.has_changes()
    }


def previous_value(row, column):
    """The value a column had before this flush changed it, or its current one."""
    history = inspect(row).attrs[column].history
    return history.deleted[0] if history.deleted else getattr(row, column)
