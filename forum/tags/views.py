"""The tag pages, the moderators' list of tags, and changing the tags of a thread."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.extensions import db
from forum.pagination import Page
from forum.tags import actions, queries
from forum.tags.forms import TagForm, ThreadTagsForm
from forum.threads.queries import get_thread

bp = Blueprint("tags", __name__)


@bp.app_template_global()
def thread_tags(thread):
    return queries.tags_of_thread(thread)


@bp.get("/tags")
def list_tags():
    return render_template("tags/list.html", tags=queries.tags_with_counts(current_user))


@bp.get("/tags/<slug>")
def show_tag(slug):
    tag = queries.get_tag_by_slug(slug)
    permissions.require(tag is not None)
    total = queries.count_tagged_threads(tag, current_user)
    page = Page.from_request(total, current_app.config["THREADS_PER_PAGE"])
    threads = queries.list_tagged_threads(
        tag, current_user, limit=page.per_page, offset=page.offset
    )
    return render_template("tags/tag.html", tag=tag, threads=threads, page=page)


@bp.route("/tags/manage", methods=["GET", "POST"])
@login_required
def manage_tags():
    permissions.require(permissions.can_manage_tags(), hide=False)
    form = TagForm()
    if form.validate_on_submit() and _saved(form, actions.create_tag):
        flash(_("The tag was added."), "success")
        return redirect(url_for("tags.manage_tags"))
    status = 422 if form.errors else 200
    page = render_template("tags/manage.html", form=form, tags=queries.all_tags())
    return page, status


@bp.route("/tags/manage/<int:tag_id>", methods=["GET", "POST"])
@login_required
def edit_tag(tag_id):
    permissions.require(permissions.can_manage_tags(), hide=False)
    tag = queries.get_tag(tag_id)
    permissions.require(tag is not None)
    form = TagForm(obj=tag)
    if form.validate_on_submit() and _saved(form, actions.update_tag, tag):
        flash(_("The tag was saved."), "success")
        return redirect(url_for("tags.manage_tags"))
    status = 422 if form.errors else 200
    return render_template("tags/edit.html", form=form, tag=tag), status


@bp.route("/t/<int:thread_id>/tags", methods=["GET", "POST"])
@login_required
def retag_thread(thread_id):
    thread = get_thread(thread_id)
    permissions.require(permissions.can_read_thread(thread))
    permissions.require(permissions.can_retag_thread(thread), hide=False)
    current = [tag.id for tag in queries.tags_of_thread(thread)]
    form = ThreadTagsForm(data={"tags": current})
    form.tags.choices = queries.tag_choices()
    if form.validate_on_submit():
        try:
            actions.set_thread_tags(current_user, thread, queries.get_tags(form.tags.data))
        except actions.TagError as error:
            form.tags.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The thread's tags were saved."), "success")
            return redirect(url_for("threads.show_thread", thread_id=thread.id))
    status = 422 if form.errors else 200
    return render_template("tags/retag.html", form=form, thread=thread), status


def _saved(form, action, *target):
    try:
        action(current_user, *target, slug=form.slug.data, name_ar=form.name_ar.data,
               name_en=form.name_en.data)  # fmt: skip
    except actions.TagError as error:
        form.slug.errors.append(str(error))
        db.session.rollback()
        return False
    db.session.commit()
    return True
