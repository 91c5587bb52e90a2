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
    _init_extensions(app)
    _register_blueprints(app)

    from forum import cache, cli, errors, templating

    cli.register(app)
    errors.register(app)
    templating.register(app)
    cache.init_app(app)
    return app


def _init_extensions(app):
    from flask_babel import gettext

    from forum import changes, database, models  # noqa: F401  (tables and their listeners)
    from forum.accounts.queries import get_user
    from forum.extensions import babel, csrf, db, login_manager, migrate
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

    @login_manager.user_loader
    def load_user(session_id):
        user_id, _, token = session_id.partition(".")
        user = get_user(int(user_id)) if user_id.isdigit() else None
        # A suspended or deactivated member is logged out on their next request, and a session
        # from before a suspension or password change never comes back.
        if user is None or not user.is_active or token != user.session_token:
            return None
        return user


def _register_blueprints(app):
    from forum.accounts.views import bp as accounts
    from forum.admin.views import bp as admin
    from forum.boards.views import bp as boards
    from forum.following.views import bp as following
    from forum.moderation.views import bp as moderation
    from forum.notifications.views import bp as notifications
    from forum.posts.views import bp as posts
    from forum.search.views import bp as search
    from forum.site.views import bp as site
    from forum.threads.views import bp as threads

    for blueprint in (site, accounts, boards, threads, posts, moderation, notifications,
                      following, search, admin):  # fmt: skip
        app.register_blueprint(blueprint)
