"""Moderator tools on one thread or post: lock, pin, move, delete and restore, show again."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from forum import permissions
from forum.extensions import db
from forum.models import Board
from forum.moderation import actions
from forum.moderation.forms import MoveForm, ReasonForm
from forum.moderation.queries import moderated_boards
from forum.moderation.views import bp, moderated_post, moderated_thread
from forum.site.safety import safe_next_url
from forum.threads import actions as threads

THREAD_TOOLS = {
    "lock": (actions.lock_thread, _l("The thread is locked.")),
    "unlock": (actions.unlock_thread, _l("The thread is open for replies again.")),
    "pin": (actions.pin_thread, _l("The thread is pinned to the top of its board.")),
    "unpin": (actions.unpin_thread, _l("The thread is no longer pinned.")),
    "delete": (threads.delete_thread, _l("The thread was deleted.")),
    "restore": (threads.restore_thread, _l("The thread was restored.")),
}
POST_TOOLS = {
    "restore": (threads.restore_post, _l("The post was restored.")),
    "unhide": (actions.unhide_post, _l("The post is shown again.")),
}


@bp.post("/t/<int:thread_id>/<any(lock, unlock, pin, unpin, delete, restore):verb>")
def act_on_thread(thread_id, verb):
    thread = moderated_thread(thread_id)
    back = url_for("threads.show_thread", thread_id=thread.id)
    return _act(THREAD_TOOLS[verb], thread, back)


@bp.post("/p/<int:post_id>/<any(restore, unhide):verb>")
def act_on_post(post_id, verb):
    post = moderated_post(post_id)
    return _act(POST_TOOLS[verb], post, url_for("threads.show_post", post_id=post.id))


def _act(tool, target, back):
    """Run one moderator tool with the optional reason from its button's form."""
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    action, message = tool
    action(current_user, target, reason=form.reason.data or "")
    db.session.commit()
    flash(str(message), "success")
    return redirect(safe_next_url(form.next.data) or back)


@bp.route("/t/<int:thread_id>/move", methods=["GET", "POST"])
def move_thread(thread_id):
    thread = moderated_thread(thread_id)
    form = MoveForm()
    form.board.choices = [
        SelectChoice(b.id, b.name)
        for b in moderated_boards(current_user)
        if b.id != thread.board_id
    ]
    if form.validate_on_submit():
        board = db.session.get(Board, form.board.data)
        permissions.require(permissions.can_move_thread_to(thread, board), hide=False)
        actions.move_thread(current_user, thread, board, reason=form.reason.data or "")
        db.session.commit()
        flash(_("The thread was moved to %(board)s.", board=board.name), "success")
        return redirect(url_for("threads.show_thread", thread_id=thread.id))
    status = 422 if form.errors else 200
    return render_template("moderation/move.html", thread=thread, form=form), status
