"""Pages about one post outside the moderators' area: flagging it and its edit history."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import Post, Thread
from forum.moderation import actions, revisions
from forum.moderation.forms import FlagForm

bp = Blueprint("posts", __name__)


def _readable_post(post_id):
    post = db.session.get(Post, post_id, options=[joinedload(Post.thread).joinedload(Thread.board)])
    permissions.require(post is not None and permissions.can_read_post(post))
    return post


@bp.get("/p/<int:post_id>/history")
def show_history(post_id):
    post = _readable_post(post_id)
    permissions.require(permissions.can_view_history(post), hide=False)
    versions = revisions.versions_of(post)
    return render_template("moderation/history.html", post=post, versions=versions)


@bp.route("/p/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag_post(post_id):
    post = _readable_post(post_id)
    permissions.require(permissions.can_flag_post(post), hide=False)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            actions.flag_post(current_user, post, reason=form.reason.data, text=form.text.data)
        except actions.ModerationError as error:
            flash(str(error), "info")
        else:
            db.session.commit()
            flash(_("Thank you: the moderators will look at this post."), "success")
        return redirect(url_for("threads.show_post", post_id=post.id))
    status = 422 if form.errors else 200
    return render_template("moderation/flag.html", post=post, form=form), status
