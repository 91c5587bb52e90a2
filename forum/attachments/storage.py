"""Where attachments' bytes live: the local backend, files named by their SHA-256.

A blob is `UPLOAD_PATH/ab/cd/<sha256>` (its thumbnail beside it, `<sha256>.thumb`): never a
name a member chose, so no name can reach outside the folder, and the same file uploaded
twice is stored once. Writes go to a temporary file first and are renamed into place, so a
reader never sees half a file and an upload that dies midway leaves only a temporary file,
which the prune removes.
"""

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from flask import current_app

_HASH = re.compile(r"[0-9a-f]{64}")
THUMBNAIL = ".thumb"
_TEMPORARY = "tmp"


def root():
    """The folder of every blob (created on first use)."""
    configured = current_app.config.get("UPLOAD_PATH")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def relative_path(sha256, suffix=""):
    """The blob's path under the root, as the web server's internal location sees it."""
    if not _HASH.fullmatch(sha256 or "") or suffix not in ("", THUMBNAIL):
        raise ValueError("not a blob's name")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{suffix}"


def path(sha256, suffix=""):
    return root() / relative_path(sha256, suffix)


def digest(data):
    return hashlib.sha256(data).hexdigest()


def save(data):
    """Store the bytes (once per content) and return their SHA-256."""
    return _write(digest(data), data, "")


def save_thumbnail(sha256, data):
    _write(sha256, data, THUMBNAIL)


def _write(sha256, data, suffix):
    target = path(sha256, suffix)
    if target.exists():
        os.utime(target)  # a fresh upload of it: not an orphan for the prune's grace period
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = root() / _TEMPORARY
    temporary.mkdir(exist_ok=True)
    handle, name = tempfile.mkstemp(dir=temporary)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(name, 0o640)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return sha256


def delete(sha256):
    """Remove a blob and its thumbnail."""
    for suffix in ("", THUMBNAIL):
        path(sha256, suffix).unlink(missing_ok=True)


def stored_hashes(older_than_seconds=0):
    """The hashes of the blobs stored, but those written in the last older_than_seconds."""
    limit = time.time() - older_than_seconds
    for file in root().glob("??/??/*"):
        if _HASH.fullmatch(file.name) and file.stat().st_mtime <= limit:
            yield file.name


def remove_stale_temporary_files(older_than_seconds):
    """Temporary files of uploads that died midway."""
    limit = time.time() - older_than_seconds
    removed = 0
    for file in (root() / _TEMPORARY).glob("*"):
        if file.is_file() and file.stat().st_mtime <= limit:
            file.unlink(missing_ok=True)
            removed += 1
    return removed
