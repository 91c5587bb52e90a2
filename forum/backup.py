"""Backups of the whole database, taken while the forum runs, and their restoration.

SQLite: the online backup API copies a consistent snapshot page by page (a plain file copy
during a write could tear). PostgreSQL: pg_dump's custom format, one consistent transaction;
pg_restore brings it back in one transaction, replacing every table. The database is the one
the configuration names; a password in its URL goes to the tools through PGPASSWORD, never
on their command line.

The attached files (forum.attachments, under UPLOAD_PATH) go beside the database, in
`<backup>.files.tar`; a restoration puts them back, replacing the folder's blobs.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from forum import changes
from forum.extensions import db


class BackupError(RuntimeError):
    """The backup or restoration could not be made; the message says why."""


def backup(path):
    """Write a snapshot of the database to `path` (a new file)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; a backup never overwrites a file")
    url = _url()
    if url.get_backend_name() == "sqlite":
        with closing(_sqlite(url)) as source, closing(sqlite3.connect(path)) as target:
            source.backup(target)
    else:
        _run_pg("pg_dump", "--format=custom", "--no-owner", f"--file={path}", url=url)
    _backup_files(files_archive(path))


def restore(path):
    """Replace the database's content by the snapshot at `path`, and tell every worker's page
    cache that everything changed."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    url = _url()
    seen = changes.head_version()
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds a lock the restoration must take
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(path)) as source, closing(_sqlite(url)) as target:
            source.backup(target)
    else:
        _run_pg("pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner",
                "--no-privileges", "--exit-on-error", str(path), url=url)  # fmt: skip
    changes.log_site_change(after=seen)
    if files_archive(path).is_file():
        _restore_files(files_archive(path))


def files_archive(path):
    """Where a backup keeps the attached files."""
    path = Path(path)
    return path.with_name(path.name + ".files.tar")


def _backup_files(archive):
    from forum.attachments import storage

    with tarfile.open(archive, "x") as tar:
        root = storage.root()
        for blob in sorted(root.glob("??/??/*")):
            tar.add(blob, arcname=str(blob.relative_to(root)))


def _restore_files(archive):
    from forum.attachments import storage

    root = storage.root()
    for folder in root.glob("??"):
        shutil.rmtree(folder)
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")  # refuses absolute paths, "..", links outside


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite(url):
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return sqlite3.connect(url.database)


def _run_pg(tool, *arguments, url):
    """Run a PostgreSQL client tool on the configured database."""
    libpq_url = url.set(drivername="postgresql", password=None)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    command = [tool, *arguments, f"--dbname={libpq_url.render_as_string(hide_password=False)}"]
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True,
                                check=False)  # fmt: skip
    except FileNotFoundError as error:
        raise BackupError(f"{tool} is not installed (apt-get install postgresql-client)") from error
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")
