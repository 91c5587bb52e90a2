"""Configuration layers: safe defaults here, then instance/config.py, then FORUM_* variables."""

import os
import secrets
from pathlib import Path


class Defaults:
    # SQLite in instance/ unless FORUM_DATABASE_URL says otherwise.
    DATABASE_URL = None
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # Merged over the defaults below for the database in use (ENGINE_DEFAULTS).
    SQLALCHEMY_ENGINE_OPTIONS = {}

    BABEL_DEFAULT_LOCALE = "ar"
    BABEL_DEFAULT_TIMEZONE = "Asia/Hebron"
    LANGUAGES = ("ar", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit

    PASSWORD_HASH_METHOD = "scrypt"

    # Rendered pages kept per worker, exactly invalidated on every write (forum.cache).
    PAGE_CACHE_BYTES = 64 * 1024 * 1024

    THREADS_PER_PAGE = 20
    POSTS_PER_PAGE = 20
    SEARCH_RESULTS_PER_PAGE = 20
    MAX_REPLY_DEPTH = 4  # deeper replies render flat with an "in reply to" link
    TITLE_MAX_LENGTH = 200
    BODY_MAX_LENGTH = 50_000

    # Where the forum is reached: the links in mail, and the domain of their Message-IDs.
    BASE_URL = "http://127.0.0.1:5000"

    # Outgoing mail (forum.mail). With no MAIL_SERVER mail is kept, never sent, and
    # administrators read it at /admin/mail: a laptop needs nothing set.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USERNAME = None  # log in only when set
    MAIL_PASSWORD = None
    MAIL_FROM = "Tabadul <tabadul@localhost>"
    MAIL_MAX_ATTEMPTS = 8  # then the mail is "failed", for an administrator to look at
    MAIL_SEND_INTERVAL = 10  # seconds between the worker's runs of the sender


ENGINE_DEFAULTS = {
    # A server connection can die between requests; a file cannot.
    "postgresql": {"pool_pre_ping": True},
    # Writers wait for each other (up to 30 s) instead of failing with "database is locked".
    "sqlite": {"connect_args": {"timeout": 30}},
}


def load(app, test_config=None):
    """Fill app.config from the layers, lowest first, so a later layer always wins."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FORUM")
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    url = app.config.get("DATABASE_URL") or f"sqlite:///{instance / 'forum.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **ENGINE_DEFAULTS[dialect],
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")


def _instance_secret(path):
    """Read the generated key, creating it on first start; the code never holds a key."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()
