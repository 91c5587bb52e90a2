"""Tabadul (تبادل): the forum engine of the Experience Exchange Platforms."""

from pathlib import Path

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config=None):
    """Build the app: configuration, extensions, blueprints, commands and template globals."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    from forum import config

    config.load(app, test_config)
    from forum import inputs

    inputs.init_app(app)  # before the blueprints: their ids use its URL converter
    _init_extensions(app)
    _register_blueprints(app)
    from forum import api

    api.init_app(app)  # the JSON API, its reference and the members' tokens

    from forum import cache, cli, compression, errors, headers, templating

    cli.register(app)
    errors.register(app)
    templating.register(app)
    cache.init_app(app)
    headers.init_app(app)
    compression.init_app(app)
    return app


def _init_extensions(app):
    from flask_babel import gettext
    from werkzeug.middleware.proxy_fix import ProxyFix

    from forum import changes, database, limits, models  # noqa: F401  (tables and listeners)
    from forum.accounts import sessions
    from forum.extensions import babel, csrf, db, limiter, login_manager, migrate
    from forum.following import listeners  # noqa: F401  (following hears of new content)
    from forum.i18n import mark, select_locale
    from forum.notifications import mailing  # noqa: F401  (some notifications go by mail)
    from forum.search import index  # noqa: F401  (the search index follows every write)

    db.init_app(app)
    with app.app_context():
        database.configure(db.engine)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = mark("Please log in to see this page.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.user_loader(sessions.load_user)
    # The client's address (which the abuse limits count by) is the one the outermost
    # trusted proxy saw; with no proxy configured, X-Forwarded-For is ignored.
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    limiter.init_app(app)
    limits.register(app)


def _register_blueprints(app):
    from forum.accounts.views import bp as accounts
    from forum.admin.views import bp as admin
    from forum.attachments.views import bp as attachments
    from forum.authorities.views import bp as authorities
    from forum.boards.views import bp as boards
    from forum.feeds.views import bp as feeds
    from forum.following.views import bp as following
    from forum.moderation.views import bp as moderation
    from forum.notifications.views import bp as notifications
    from forum.outcomes.views import bp as outcomes
    from forum.posts.views import bp as posts
    from forum.reading.views import bp as reading
    from forum.reports.views import bp as reports
    from forum.search.views import bp as search
    from forum.site.views import bp as site
    from forum.tags.views import bp as tags
    from forum.threads.views import bp as threads

    for blueprint in (site, accounts, boards, threads, posts, moderation, notifications, following,
                      reading, search, outcomes, tags, authorities, reports, admin,
                      attachments):  # fmt: skip
        app.register_blueprint(blueprint)
    app.register_blueprint(feeds)
