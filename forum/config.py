"""Configuration layers: safe defaults here, then instance/config.py, then FORUM_* variables."""

import os
import secrets
from datetime import timedelta
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
    # "Keep me logged in" lasts this long, and so does any login on the server side
    # (forum.models.LoginSession). Both cookies are Secure when BASE_URL is https (load()).
    SESSION_COOKIE_SECURE = None  # None: decided by BASE_URL
    REMEMBER_COOKIE_SECURE = None
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # The largest request body read (a post is at most 50,000 characters, 300 KB as a form);
    # past it the answer is 413.
    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit

    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10
    # Links sent by mail: confirming an address, choosing a new password, an invitation.
    VERIFY_EMAIL_MAX_AGE = 3 * 24 * 3600  # seconds
    RESET_PASSWORD_MAX_AGE = 3600  # seconds
    INVITATION_DAYS = 14  # the default an administrator can change per invitation

    # Proxies in front of the forum that set X-Forwarded-For/-Proto (nginx: 1). The client
    # address that the abuse limits count by is the one the outermost trusted proxy saw.
    PROXY_COUNT = 0
    # Redis, when set (FORUM_REDIS_URL), keeps the abuse limits' counters for every worker;
    # without it each worker counts in its own memory.
    REDIS_URL = None

    # Abuse limits (forum.limits): Flask-Limiter's notation, e.g. "10 per 15 minutes".
    RATELIMIT_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "tabadul"
    # If Redis stops answering, each worker counts in memory until it is back: a limit must
    # not take the forum down.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_LOGIN_ACCOUNT = "10 per 15 minutes"  # failed logins to one account
    RATELIMIT_LOGIN_ADDRESS = "30 per 15 minutes"  # failed logins from one address
    RATELIMIT_REGISTER = "10 per hour"  # per address: a training room shares one
    RATELIMIT_PASSWORD_RESET = "5 per hour"  # requests per address, and per account
    RATELIMIT_VERIFY_RESEND = "3 per hour"  # per account
    RATELIMIT_POST = "30 per hour"  # new threads and replies, per member
    RATELIMIT_POST_NEW_MEMBER = "5 per hour"  # the same for a member's first posts
    NEW_MEMBER_POSTS = 5  # approved posts after which a member counts as trusted
    RATELIMIT_PREVIEW = "30 per minute"  # per member
    RATELIMIT_FLAG = "10 per hour"  # per member
    RATELIMIT_SEARCH = "30 per minute"  # per address (forum.limits.search)
    RATELIMIT_API = "600 per minute"  # every JSON API request, per member (token) or address
    RATELIMIT_FEED = "120 per minute"  # Atom feeds, per address (a reader polls each feed)
    API_MAX_BODY_BYTES = 256 * 1024  # a JSON API request's body; more is refused (413)

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
    MAIL_BATCH_SIZE = 100  # mails one sender claims at a time
    # A claim older than this belongs to a sender that died (or hangs): its mail is released
    # and sent by another. Far longer than one SMTP conversation can take (forum.mail).
    MAIL_CLAIM_TIMEOUT = 600  # seconds
    MAIL_KEEP_DAYS = 90  # sent and kept mail is deleted after this (forum.jobs mail.prune)

    # Background jobs (forum.jobs). Digests run hourly, a minute past, unless DIGEST_INTERVAL
    # (seconds) is set, e.g. by a test; each reader still gets one digest per period.
    DIGEST_INTERVAL = None
    LOGIN_PRUNE_INTERVAL = 3600  # seconds
    ATTACHMENT_PRUNE_INTERVAL = 3600  # seconds: unsent uploads and unused files (forum.jobs)
    MAIL_PRUNE_INTERVAL = 24 * 3600  # seconds: delivered mail past MAIL_KEEP_DAYS (forum.jobs)
    # The production profile's job runner (forum.celery_app): Celery with this broker, or
    # REDIS_URL's server when it is not set. Unused by `flask forum worker`.
    CELERY_BROKER_URL = None

    # Attachments (forum.attachments). Files are kept under UPLOAD_PATH (None: instance/uploads),
    # named by their SHA-256. Administrators may change the types and the three limits at
    # /admin/attachments; these are the defaults.
    UPLOAD_PATH = None
    ATTACHMENT_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt",
                        "png", "jpeg", "webp")  # fmt: skip
    ATTACHMENT_MAX_FILE_BYTES = 10 * 1024 * 1024
    ATTACHMENT_MAX_POST_BYTES = 25 * 1024 * 1024  # all the files of one post
    ATTACHMENT_MAX_DAILY_BYTES = 100 * 1024 * 1024  # uploaded by one member in 24 hours
    ATTACHMENT_MAX_FILES_PER_POST = 10
    # Images are re-encoded, their longer side brought down to this; thumbnails to the second.
    ATTACHMENT_IMAGE_MAX_SIDE = 2560
    ATTACHMENT_THUMBNAIL_SIDE = 320
    # Larger images are refused before they are decoded (a decompression bomb).
    ATTACHMENT_IMAGE_MAX_PIXELS = 40_000_000
    # Uploads never sent with a post are removed after this long (`flask forum attachments prune`).
    ATTACHMENT_STAGED_HOURS = 24
    # Who sends a file's bytes once Flask has said who may: "flask" itself, or the web server
    # in front ("x-accel": nginx's X-Accel-Redirect to ATTACHMENT_INTERNAL_PREFIX; "x-sendfile":
    # Apache's or lighttpd's X-Sendfile with the file's full path).
    ATTACHMENT_SEND_FILE = "flask"
    ATTACHMENT_INTERNAL_PREFIX = "/_uploads/"


# No login lasts longer, whatever the configuration says.
MAX_LOGIN_AGE = timedelta(days=30)

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
    _secure_cookies(app.config)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"


def _secure_cookies(config):
    """Behind https, cookies never travel over plain http (unless a layer said otherwise)."""
    https = str(config["BASE_URL"]).startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(name) is None:
            config[name] = https
    duration = config["REMEMBER_COOKIE_DURATION"]
    if isinstance(duration, int | float):
        duration = timedelta(seconds=duration)
    config["REMEMBER_COOKIE_DURATION"] = min(duration, MAX_LOGIN_AGE)


def _instance_secret(path):
    """Read the generated key, creating it on first start; the code never holds a key."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()
