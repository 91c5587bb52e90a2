"""A member's notifications: the list, and marking them read."""

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import notifications, permissions
from forum.extensions import db
from forum.notifications import queries
from forum.pagination import Page
from forum.threads.forms import ConfirmForm

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def list_notifications():
    total = queries.count_notifications(current_user)
    page = Page.from_request(total, current_app.config["THREADS_PER_PAGE"])
    rows = queries.list_notifications(current_user, limit=page.per_page, offset=page.offset)
    shown = [notifications.show(row) for row in rows]
    # Seen now: they are marked read before the page is drawn, so that the header's count
    # drops at once; the list still marks them "new" this once (Shown.unread).
    notifications.mark_seen(current_user, [item.id for item in shown if item.unread])
    db.session.commit()
    return render_template(
        "notifications/list.html", notifications=shown, page=page, form=ConfirmForm()
    )


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.list_notifications"))


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id):
    """Mark one notification read and go to what it is about (a POST: it changes state)."""
    notification = queries.get_notification(notification_id)
    permissions.require(permissions.can_open_notification(notification))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    link = notifications.show(notification).link
    notifications.mark_read(current_user, notification.id)
    db.session.commit()
    return redirect(link or url_for("notifications.list_notifications"))
