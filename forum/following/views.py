"""Following a board, watching a thread, a member's subscriptions page, and the unsubscribe
links of mail (which work without logging in)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import digests, permissions
from forum.boards.queries import get_board_by_slug
from forum.extensions import csrf, db
from forum.following import actions, queries, unsubscribe
from forum.following.forms import NOT_FOLLOWING, LevelForm, SettingsForm, board_levels_form
from forum.models import LEVELS, Level
from forum.pagination import Page
from forum.site.safety import safe_next_url
from forum.threads.forms import ConfirmForm
from forum.threads.queries import get_thread

bp = Blueprint("following", __name__)


# The controls on the board and thread pages ------------------------------------------------
# Rendered only for members who may follow or watch (asked first in the templates): a
# visitor's page, which the page cache keeps, never holds one.


@bp.app_template_global()
def follow_control(board):
    """The board page's level form, set to the member's level, and their subscription."""
    subscription = queries.get_subscription(current_user, board)
    level = subscription.level if subscription is not None else NOT_FOLLOWING
    return LevelForm(formdata=None, data={"level": level}), subscription


@bp.app_template_global()
def is_watching(thread):
    return queries.is_watching(current_user, thread)


@bp.post("/b/<slug>/follow")
@login_required
def follow_board(slug):
    board = get_board_by_slug(slug)
    permissions.require(permissions.can_read_board(board))
    permissions.require(permissions.can_follow_board(board), hide=False)
    form = LevelForm()
    if not form.validate_on_submit():
        abort(400)
    level = form.level.data or None
    actions.follow_board(current_user, board, level)
    db.session.commit()
    flash(_level_message(level), "success")
    return _back(url_for("boards.show_board", slug=board.slug))


@bp.post("/t/<int:thread_id>/watch")
@login_required
def watch_thread(thread_id):
    thread = _watchable_thread(thread_id)
    actions.watch_thread(current_user, thread)
    db.session.commit()
    flash(_("You are watching this thread: every new reply will be in your notifications."),
          "success")  # fmt: skip
    return _back(url_for("threads.show_thread", thread_id=thread.id))


@bp.post("/t/<int:thread_id>/unwatch")
@login_required
def unwatch_thread(thread_id):
    thread = _watchable_thread(thread_id)
    actions.unwatch_thread(current_user, thread)
    db.session.commit()
    flash(_("You are no longer watching this thread."), "success")
    return _back(url_for("threads.show_thread", thread_id=thread.id))


def _watchable_thread(thread_id):
    thread = get_thread(thread_id)
    permissions.require(permissions.can_read_thread(thread))
    permissions.require(permissions.can_watch_thread(thread), hide=False)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return thread


def _level_message(level):
    if level is None:
        return _("You no longer follow this board.")
    if level == Level.MUTED:
        return _("This board is muted: it will send you nothing.")
    return _("You follow this board: %(level)s.", level=LEVELS[Level(level)])


def _back(default):
    return redirect(safe_next_url(request.form.get("next")) or default)


# The member's subscriptions page -----------------------------------------------------------


@bp.get("/settings/subscriptions")
@login_required
def show_subscriptions():
    return _subscriptions_page(_settings_form(), None)


@bp.post("/settings/subscriptions/preferences")
@login_required
def save_preferences():
    form = SettingsForm()
    if form.validate_on_submit():
        actions.update_settings(
            current_user,
            auto_watch=form.auto_watch.data,
            new_board_level=form.new_board_level.data or None,
            digest_weekday=form.digest_weekday.data,
            digest_hour=form.digest_hour.data,
            digest_timezone=form.digest_timezone.data,
        )
        db.session.commit()
        flash(_("Your following settings were saved."), "success")
        return redirect(url_for("following.show_subscriptions"))
    return _subscriptions_page(form, None)


@bp.post("/settings/subscriptions/boards")
@login_required
def save_board_levels():
    rows = queries.board_levels(current_user)
    form = board_levels_form(rows)
    if not form.validate_on_submit():
        return _subscriptions_page(_settings_form(), form)
    for board, subscription in rows:
        chosen = form[f"board-{board.id}"].data or None
        current = subscription.level if subscription is not None else None
        if chosen != current:
            actions.follow_board(current_user, board, chosen)
    db.session.commit()
    flash(_("Your boards were saved."), "success")
    return redirect(url_for("following.show_subscriptions"))


def _settings_form():
    settings = queries.get_settings(current_user)
    return SettingsForm(
        formdata=None,
        data={
            "auto_watch": settings.auto_watch,
            "new_board_level": settings.new_board_level or NOT_FOLLOWING,
            "digest_weekday": settings.digest_weekday,
            "digest_hour": settings.digest_hour,
            "digest_timezone": settings.digest_timezone,
        },
    )


def _subscriptions_page(settings_form, boards_form):
    rows = queries.board_levels(current_user)
    boards_form = boards_form or board_levels_form(rows, formdata=None)
    total = queries.count_watched_threads(current_user)
    page = Page.from_request(total, current_app.config["THREADS_PER_PAGE"])
    watched = queries.list_watched_threads(current_user, limit=page.per_page, offset=page.offset)
    status = 422 if settings_form.errors or boards_form.errors else 200
    return render_template(
        "following/subscriptions.html", settings_form=settings_form, boards_form=boards_form,
        boards=rows, watched=watched, page=page,
    ), status  # fmt: skip


# Unsubscribe links (RFC 8058) ----------------------------------------------------------------
# They work without logging in: the signed token names the member and what to stop.


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token):
    """Confirm, or choose another level; nothing changes on a GET (mail scanners open links)."""
    found = _from_token(token)
    return render_template(
        "following/unsubscribe.html", found=found, token=token,
        form=LevelForm(formdata=None, data={"level": found.level or NOT_FOLLOWING}),
        level_label=LEVELS[Level(found.level)] if found.level else None,
        readable=unsubscribe.readable(found),
    )  # fmt: skip


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # mail clients post `List-Unsubscribe=One-Click` here, with no form token
def unsubscribe_at_once(token):
    found = _from_token(token)
    unsubscribe.stop(found)
    db.session.commit()
    return render_template(
        "following/unsubscribed.html", found=found, readable=unsubscribe.readable(found)
    )


@bp.post("/unsubscribe/<token>/choose")
def unsubscribe_choose(token):
    """The confirmation page's forms: stop, or (for a board) follow at another level."""
    found = _from_token(token)
    form = LevelForm()
    if not form.validate_on_submit():
        abort(400)
    if found.digest is not None:
        unsubscribe.stop(found)
        db.session.commit()
        flash(_digest_stopped(found.digest), "success")
        return redirect(url_for("following.unsubscribe_page", token=token))
    level = form.level.data or None
    if found.board is not None and level is not None:
        # Another level only while its member may still follow the board; stopping, always.
        permissions.require(permissions.can_follow_board(found.board, found.user), hide=False)
        actions.follow_board(found.user, found.board, level)
        message = _level_message(level)
    else:
        unsubscribe.stop(found)
        message = (
            _("You no longer follow this board.")
            if found.board is not None
            else _("You are no longer watching this thread.")
        )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("following.unsubscribe_page", token=token))


def _digest_stopped(level):
    if level == Level.DAILY:
        return _("You will get no more daily digests.")
    return _("You will get no more weekly digests.")


def _from_token(token):
    found = unsubscribe.read_token(token)
    if found is None:
        message = _("This unsubscribe link is not valid: it may have been cut or changed. "
                    "Open the link from the email again, or change what you follow in your "
                    "settings.")  # fmt: skip
        abort(make_response(render_template("errors/error.html", code=404, message=message), 404))
    return found


@bp.get("/settings/digest")
@login_required
def preview_digest():
    """What the member's next digests would hold if they were built now."""
    return render_template("following/digest.html", previews=digests.preview(current_user))
