"""A post's edit history and the form to flag it: open to readers, outside the /mod area.

Flags and revisions belong to moderation (forms, actions and the diff live there); these two
pages are the members' side of it.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import limits, permissions
from forum.extensions import db
from forum.moderation import actions, revisions
from forum.moderation.forms import FlagForm
from forum.threads.queries import get_post

bp = Blueprint("posts", __name__)


def _readable_post(post_id):
    post = get_post(post_id)
    permissions.require(post is not None and permissions.can_read_post(post))
    return post


@bp.get("/p/<int:post_id>/history")
def show_history(post_id):
    post = _readable_post(post_id)
    permissions.require(permissions.can_view_history(post), hide=False)
    versions = revisions.versions_of(post)
    return render_template("posts/history.html", post=post, versions=versions)


@bp.route("/p/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
@limits.apply(limits.flag)
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
    return render_template("posts/flag.html", post=post, form=form), status
