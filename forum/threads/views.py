"""A thread's page, starting threads, replying, editing and deleting posts."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import markup, permissions, search
from forum.boards.queries import get_board_by_slug
from forum.extensions import db
from forum.models import Status
from forum.pagination import Page, requested_number
from forum.threads import actions, queries
from forum.threads.forms import ConfirmForm, EditPostForm, PostForm, ThreadForm

bp = Blueprint("threads", __name__)


def _readable_thread(thread_id):
    thread = queries.get_thread(thread_id)
    permissions.require(permissions.can_read_thread(thread))
    return thread


def _readable_post(post_id):
    post = queries.get_post(post_id)
    permissions.require(post is not None and permissions.can_read_thread(post.thread))
    return post


@bp.get("/t/<int:thread_id>")
def show_thread(thread_id):
    thread = _readable_thread(thread_id)
    number, per_page = requested_number(), current_app.config["POSTS_PER_PAGE"]
    posts, total = queries.page_of_posts(thread, current_user, number=number, per_page=per_page)
    page = Page.checked(number, per_page, total)
    return render_template(
        "threads/thread.html",
        thread=thread,
        posts=posts,
        post_permissions=permissions.for_posts(thread, posts, current_user),
        page=page,
        # The form class, not a form: the empty reply box is built only when the worker first
        # renders it in a language (forum.templating.rendered_once).
        reply_form=PostForm if permissions.can_reply(thread) else None,
        max_depth=current_app.config["MAX_REPLY_DEPTH"],
        similar=search.similar_threads(thread, current_user),
    )


@bp.get("/t/<int:thread_id>/<slug>")
def show_thread_with_slug(thread_id, slug):
    """Links with a slug keep working; the canonical address has none."""
    return redirect(url_for("threads.show_thread", thread_id=thread_id, **request.args), 301)


@bp.get("/p/<int:post_id>")
def show_post(post_id):
    """A post's permalink: the thread page it is on, scrolled to it."""
    post = _readable_post(post_id)
    before = queries.count_posts_before(post, current_user)
    page = before // current_app.config["POSTS_PER_PAGE"] + 1
    args = {"page": page} if page > 1 else {}
    target = url_for("threads.show_thread", thread_id=post.thread_id, **args)
    return redirect(f"{target}#post-{post.id}")


@bp.route("/t/new", methods=["GET", "POST"])
@login_required
def new_thread():
    board = get_board_by_slug(request.args.get("board", ""))
    permissions.require(permissions.can_read_board(board))
    permissions.require(permissions.can_start_thread(board), hide=False)
    form = ThreadForm()
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = markup.render(form.body.data)
        else:
            thread = actions.start_thread(
                current_user, board, title=form.title.data, kind=form.kind.data,
                body=form.body.data,
            )  # fmt: skip
            db.session.commit()
            if thread.status == Status.PENDING:
                flash(_("Your thread was sent to the moderators and will appear once approved."),
                      "info")  # fmt: skip
            return redirect(url_for("threads.show_thread", thread_id=thread.id))
    status = 422 if form.errors else 200
    return render_template("threads/new.html", form=form, board=board, preview=preview), status


@bp.route("/t/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
def reply(thread_id):
    thread = _readable_thread(thread_id)
    form = PostForm()
    parent_id = request.values.get("to", type=int) or _int_or_none(form.parent_id.data)
    parent = None
    if parent_id:
        parent = queries.get_post(parent_id)
        permissions.require(parent is not None and parent.thread_id == thread.id
                            and permissions.can_read_post(parent))  # fmt: skip
        form.parent_id.data = str(parent.id)
    if not permissions.can_reply(thread):
        message = _("This thread is locked.") if thread.locked else _("You cannot reply here.")
        return render_template("errors/error.html", code=403, message=message), 403
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = markup.render(form.body.data)
        else:
            post = actions.reply(current_user, thread, body=form.body.data, parent=parent)
            db.session.commit()
            if post.status == Status.PENDING:
                flash(_("Your reply will appear once a moderator approves it."), "info")
            return redirect(url_for("threads.show_post", post_id=post.id))
    status = 422 if form.errors else 200
    page = render_template(
        "threads/reply.html", thread=thread, parent=parent, form=form, preview=preview
    )
    return page, status


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    post = _readable_post(post_id)
    permissions.require(permissions.can_read_post(post))
    permissions.require(permissions.can_edit_post(post), hide=False)
    is_opening = post.thread.first_post_id == post.id
    form = EditPostForm(data={"title": post.thread.title, "body": post.body_source})
    preview = None
    if form.validate_on_submit():
        if is_opening and not (form.title.data or "").strip():
            form.title.errors.append(_("This field is required."))
        elif form.preview.data:
            preview = markup.render(form.body.data)
        else:
            actions.edit_post(
                current_user, post, body=form.body.data,
                title=form.title.data if is_opening else None,
            )  # fmt: skip
            db.session.commit()
            flash(_("Your changes were saved."), "success")
            return redirect(url_for("threads.show_post", post_id=post.id))
    status = 422 if form.errors else 200
    page = render_template(
        "threads/edit.html", post=post, form=form, preview=preview, is_opening=is_opening
    )
    return page, status


@bp.route("/p/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id):
    post = _readable_post(post_id)
    permissions.require(permissions.can_read_post(post))
    permissions.require(permissions.can_delete_post(post), hide=False)
    form = ConfirmForm()
    if form.validate_on_submit():
        thread = post.thread
        actions.delete_post(current_user, post)
        db.session.commit()
        flash(_("The post was deleted."), "success")
        if thread.status == Status.DELETED:
            return redirect(url_for("boards.show_board", slug=thread.board.slug))
        return redirect(url_for("threads.show_thread", thread_id=thread.id))
    return render_template("threads/delete.html", post=post, form=form)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
