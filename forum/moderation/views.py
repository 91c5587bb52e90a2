"""Moderation queues, flags, moderator tools on threads and posts, and the moderation log.

Every route asks the policy twice: content the moderator cannot read answers 404 (a moderator
of another board must not learn that a pending or restricted thread exists); content they can
read but not moderate answers 403.
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from forum import permissions
from forum.attachments.queries import attachments_of_posts
from forum.boards.queries import get_board
from forum.extensions import db
from forum.models import FLAG_REASONS
from forum.moderation import actions, queries
from forum.moderation.actions import Decision
from forum.moderation.forms import (
    ApproveEditForm,
    FlagEditForm,
    LogFilterForm,
    MoveForm,
    QueueForm,
    ReasonForm,
    RejectForm,
    ResolveFlagsForm,
)
from forum.moderation.log import ACTIONS, reason_label
from forum.pagination import Page
from forum.site.safety import safe_next_url
from forum.threads import actions as threads
from forum.threads.queries import get_post, get_thread

bp = Blueprint("moderation", __name__, url_prefix="/mod")
LOG_PER_PAGE = 50

bp.add_app_template_global(reason_label, "reason_label")


@bp.app_template_global()
def header_counts():
    """The header's counts for the current user, read once per page."""
    if "header_counts" not in g:
        g.header_counts = queries.header_counts(current_user)
    return g.header_counts


@bp.before_request
@login_required
def _moderators_only():
    """The moderation area is no secret, but it is only for people who moderate a board."""
    permissions.require(permissions.can_moderate_anything(), hide=False)


# The approval queue ------------------------------------------------------------------------


@bp.route("/queue", methods=["GET", "POST"])
def show_queue():
    form = QueueForm()
    if form.validate_on_submit():
        return _decide(form)
    items = queries.queue_items(current_user)
    status = 422 if form.errors else 200
    files = attachments_of_posts([item.post.id for item in items])
    return render_template("moderation/queue.html", items=items, form=form, files=files), status


def _decide(form):
    """Approve one item, or approve or reject the ticked ones; all in one transaction."""
    if form.approve_one.data:
        tokens, decision = [form.approve_one.data], Decision.APPROVED
    elif form.approve.data or form.reject.data:
        tokens = form.items.data
        decision = Decision.REJECTED if form.reject.data else Decision.APPROVED
    else:
        abort(400)  # no button was pressed: guess nothing
    if not tokens:
        flash(_("Tick at least one item first."), "info")
        return redirect(url_for("moderation.show_queue"))
    items = [_moderated_item(queries.find_item(token)) for token in tokens]
    done, skipped = actions.decide(current_user, items, decision, reason=form.reason_value())
    for message in skipped:
        flash(message, "info")
    db.session.commit()
    if decision == Decision.REJECTED:
        flash(ngettext("%(num)d item rejected.", "%(num)d items rejected.", done), "success")
    else:
        flash(ngettext("%(num)d item approved.", "%(num)d items approved.", done), "success")
    return redirect(safe_next_url(form.next.data) or url_for("moderation.show_queue"))


@bp.route("/queue/<any(thread, post):kind>/<int:item_id>/reject", methods=["GET", "POST"])
def reject_item(kind, item_id):
    item = _moderated_item(queries.find_item(f"{kind}-{item_id}"))
    if not item.is_pending:
        return _already_decided()
    form = RejectForm()
    if not form.is_submitted():
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        actions.reject(current_user, item, reason=form.reason_value())
        db.session.commit()
        flash(_("Rejected. The author was told why."), "success")
        return redirect(safe_next_url(form.next.data) or url_for("moderation.show_queue"))
    status = 422 if form.errors else 200
    return render_template("moderation/reject.html", item=item, form=form), status


@bp.route("/queue/<any(thread, post):kind>/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(kind, item_id):
    """Correct a pending text, then publish it: the author's words stay in the history."""
    item = _moderated_item(queries.find_item(f"{kind}-{item_id}"))
    if not item.is_pending:
        return _already_decided()
    form = ApproveEditForm(data={"title": item.thread.title, "body": item.post.body_source})
    if form.validate_on_submit():
        title = form.title.data if kind == "thread" and (form.title.data or "").strip() else None
        actions.edit_and_approve(current_user, item, body=form.body.data, title=title)
        db.session.commit()
        flash(_("Saved and approved."), "success")
        return redirect(url_for("moderation.show_queue"))
    status = 422 if form.errors else 200
    page = render_template("moderation/edit.html", item=item, post=item.post, form=form,
                           show_title=kind == "thread")  # fmt: skip
    return page, status


def _already_decided():
    flash(_("This is no longer waiting for approval."), "info")
    return redirect(url_for("moderation.show_queue"))


def _moderated_item(item):
    if item is None:
        abort(404)
    if item.kind == "thread":
        permissions.require(permissions.can_read_thread(item.thread))
    else:
        permissions.require(permissions.can_read_post(item.post))
    permissions.require(permissions.can_moderate_thread(item.thread), hide=False)
    return item


# Flags -------------------------------------------------------------------------------------


@bp.get("/flags")
def show_flags():
    flagged = queries.flagged_posts(current_user)
    return render_template(
        "moderation/flags.html", flagged=flagged, form=ResolveFlagsForm(),
        flag_reasons=FLAG_REASONS, files=attachments_of_posts([e.post.id for e in flagged]),
    )  # fmt: skip


@bp.post("/flags/<int:post_id>")
def resolve_flags(post_id):
    post = moderated_post(post_id)
    form = ResolveFlagsForm()
    if not form.validate_on_submit() or not (form.keep.data or form.hide.data):
        abort(400)
    if form.hide.data:
        actions.hide_post(current_user, post, reason=form.reason.data)
        flash(_("The post is hidden. Its author was told."), "success")
    else:
        actions.dismiss_flags(current_user, post, reason=form.reason.data)
        flash(_("The post is kept and its flags are closed."), "success")
    db.session.commit()
    return redirect(safe_next_url(form.next.data) or url_for("moderation.show_flags"))


@bp.route("/flags/<int:post_id>/edit", methods=["GET", "POST"])
def edit_flagged(post_id):
    post = moderated_post(post_id)
    is_opening = post.thread.first_post_id == post.id
    form = FlagEditForm(data={"title": post.thread.title, "body": post.body_source})
    if form.validate_on_submit():
        title = form.title.data if is_opening and (form.title.data or "").strip() else None
        actions.edit_flagged_post(current_user, post, body=form.body.data, title=title,
                                  reason=form.reason.data)  # fmt: skip
        db.session.commit()
        flash(_("The post was corrected and its flags are closed."), "success")
        return redirect(url_for("moderation.show_flags"))
    status = 422 if form.errors else 200
    page = render_template("moderation/edit.html", item=None, post=post, form=form,
                           show_title=is_opening)  # fmt: skip
    return page, status


# Moderator tools on one thread or post -----------------------------------------------------

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
        for b in queries.moderated_boards(current_user)
        if b.id != thread.board_id
    ]
    if form.validate_on_submit():
        board = get_board(form.board.data)
        permissions.require(permissions.can_move_thread_to(thread, board), hide=False)
        actions.move_thread(current_user, thread, board, reason=form.reason.data or "")
        db.session.commit()
        flash(_("The thread was moved to %(board)s.", board=board.name), "success")
        return redirect(url_for("threads.show_thread", thread_id=thread.id))
    status = 422 if form.errors else 200
    return render_template("moderation/move.html", thread=thread, form=form), status


def moderated_post(post_id):
    post = get_post(post_id)
    permissions.require(post is not None and permissions.can_read_post(post))
    permissions.require(permissions.can_moderate_post(post), hide=False)
    return post


def moderated_thread(thread_id):
    thread = get_thread(thread_id)
    permissions.require(permissions.can_read_thread(thread))
    permissions.require(permissions.can_moderate_thread(thread), hide=False)
    return thread


# The log -----------------------------------------------------------------------------------


@bp.get("/log")
def show_log():
    """The moderation log, newest first. Append-only: no route edits or deletes an entry."""
    form = LogFilterForm(formdata=request.args)
    boards = queries.moderated_boards(current_user)
    form.board.choices = [(0, _("All boards"))] + [(b.id, b.name) for b in boards]
    moderators = queries.log_moderators(current_user)
    form.moderator.choices = [(0, _("All moderators"))] + [
        (u.id, u.display_name) for u in moderators
    ]
    narrowed = {
        "board_id": form.board.data or None,
        "moderator_id": form.moderator.data or None,
        "action": form.action.data if form.action.data in ACTIONS else None,
    }
    total = queries.count_log_entries(current_user, **narrowed)
    page = Page.from_request(total, LOG_PER_PAGE)
    entries = queries.list_log_entries(
        current_user, **narrowed, limit=page.per_page, offset=page.offset
    )
    # Only the form's own fields go into the page links' url_for: any other parameter
    # (`_external`, `_scheme`, `_method`) would steer it.
    filters = {field.name: field.data for field in (form.board, form.moderator, form.action)
               if field.data}  # fmt: skip
    return render_template("moderation/log.html", entries=entries, form=form, page=page,
                           filters=filters, actions=ACTIONS)  # fmt: skip
