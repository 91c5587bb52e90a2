"""Connection settings the database engines need beyond their URL."""

from sqlalchemy import event


def configure(engine):
    """SQLite: write-ahead logging (readers never wait for the writer), foreign keys enforced."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(connection, record):
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no commit
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
