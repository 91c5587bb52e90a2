"""A thread's page, starting threads, replying, editing and deleting posts."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import limits, markup, permissions, search
from forum.attachments import actions as files
from forum.attachments import queries as file_queries
from forum.boards.queries import get_board_by_slug
from forum.extensions import db
from forum.inputs import id_number
from forum.models import Status
from forum.pagination import Page, requested_number
from forum.reading import actions as reading
from forum.reading import drafts
from forum.reading import queries as reading_queries
from forum.tags import queries as tag_queries
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
    html = render_template(
        "threads/thread.html",
        thread=thread,
        posts=posts,
        post_permissions=permissions.for_posts(thread, posts, current_user),
        # The page's files in one statement (forum.attachments).
        files=file_queries.attachments_of_posts([post.id for post in posts]),
        page=page,
        # The form class, not a form: the empty reply box is built only when the worker first
        # renders it in a language (forum.templating.rendered_once).
        reply_form=PostForm if permissions.can_reply(thread) else None,
        max_depth=current_app.config["MAX_REPLY_DEPTH"],
        similar=search.similar_threads(thread, current_user),
    )
    if current_user.is_authenticated:
        # Private state: one statement, and no page change logged (forum.models.reading).
        # After rendering: the commit expires the rows the page shows.
        reading.record_read(current_user, thread, [p.id for p in posts if p.is_visible_to_all])
        db.session.commit()
    return html


@bp.get("/t/<int:thread_id>/<slug>")
def show_thread_with_slug(thread_id, slug):
    """Links with a slug keep working; the canonical address has none. Only the page number
    goes along: any other parameter (`thread_id`, `_method`, `_external`) would steer url_for."""
    page = request.args.get("page", type=id_number)
    args = {"page": page} if page else {}
    return redirect(url_for("threads.show_thread", thread_id=thread_id, **args), 301)


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
@drafts.resends_expired_form
@limits.apply(limits.post, limits.preview)
def new_thread():
    board = get_board_by_slug(request.args.get("board", ""))
    if not current_user.is_authenticated:
        return drafts.log_in_keeping_text(board_id=board.id if board is not None else None)
    permissions.require(permissions.can_read_board(board))
    permissions.require(permissions.can_start_thread(board), hide=False)
    form = ThreadForm()
    preview, kept = None, None
    form.tags.choices = tag_queries.tag_choices()
    staged = []
    if form.validate_on_submit():
        staged, refusals = _staged_files(form)
        if form.preview.data:
            preview = markup.render(form.body.data)
        elif not refusals:
            thread = actions.start_thread(
                current_user, board, title=form.title.data, kind=form.kind.data,
                body=form.body.data, tags=tag_queries.get_tags(form.tags.data),
            )  # fmt: skip
            files.attach(current_user, thread.first_post, staged)
            reading.discard_draft(current_user.id, board_id=board.id)
            db.session.commit()
            if thread.status == Status.PENDING:
                flash(_("Your thread was sent to the moderators and will appear once approved."),
                      "info")  # fmt: skip
            # To the opening post: the browser's copy of the text (static/js/drafts.js) is
            # dropped on arriving at the post sent.
            return redirect(url_for("threads.show_post", post_id=thread.first_post_id))
    elif form.csrf_token.errors:
        _keep(form, board_id=board.id)
    elif form.is_submitted():
        staged, _refusals = _staged_files(form)  # the text was refused: its files wait with it
    else:
        kept = _restore(form, board_id=board.id)
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        "threads/new.html", form=form, board=board, preview=preview, kept=kept, staged=staged,
        file_limits=file_queries.current_limits(),
    )  # fmt: skip
    return page, status


@bp.route("/t/<int:thread_id>/reply", methods=["GET", "POST"])
@drafts.resends_expired_form
@limits.apply(limits.post, limits.preview)
def reply(thread_id):
    if not current_user.is_authenticated and request.method != "POST":
        return drafts.log_in_keeping_text()
    if not current_user.is_authenticated:
        thread = queries.get_thread(thread_id)
        parent = queries.get_post(_id_or_none(request.form.get("parent_id")) or 0)
        return drafts.log_in_keeping_text(
            thread_id=thread.id if thread is not None else None,
            parent_id=parent.id if parent is not None and parent.thread_id == thread_id else None,
        )
    thread = _readable_thread(thread_id)
    form = PostForm()
    kept = None if form.is_submitted() else _restore(form, thread_id=thread.id)
    parent_id = request.values.get("to", type=id_number) or _id_or_none(form.parent_id.data)
    parent = None
    if parent_id:
        parent = queries.get_post(parent_id)
        permissions.require(parent is not None and parent.thread_id == thread.id
                            and permissions.can_read_post(parent))  # fmt: skip
        form.parent_id.data = str(parent.id)
    if not permissions.can_reply(thread):
        message = _("This thread is locked.") if thread.locked else _("You cannot reply here.")
        return render_template("errors/error.html", code=403, message=message), 403
    preview, staged = None, []
    if form.validate_on_submit():
        staged, refusals = _staged_files(form)
        if form.preview.data:
            preview = markup.render(form.body.data)
        elif not refusals:
            post = actions.reply(current_user, thread, body=form.body.data, parent=parent)
            files.attach(current_user, post, staged)
            reading.discard_draft(current_user.id, thread_id=thread.id)
            db.session.commit()
            if post.status == Status.PENDING:
                flash(_("Your reply will appear once a moderator approves it."), "info")
            return redirect(url_for("threads.show_post", post_id=post.id))
    elif form.csrf_token.errors:
        _keep(form, thread_id=thread.id, parent_id=parent.id if parent else None)
    elif form.is_submitted():
        staged, _refusals = _staged_files(form)
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        "threads/reply.html", thread=thread, parent=parent, form=form, preview=preview, kept=kept,
        staged=staged, file_limits=file_queries.current_limits(),
    )  # fmt: skip
    return page, status


def _staged_files(form, post=None, removing=()):
    """The form's files staged (forum.attachments), and whether they fit on the post; the
    refusals go to the form. Staging is committed at once, as a script's upload is: a form
    shown again (a preview, a refused file, a refused text) keeps the files that passed."""
    # A file kept from a form shown again leaves with its "Remove" box ticked (no script
    # needed); its staged upload is pruned with the others never sent.
    dropped = set(request.form.getlist("remove_upload"))
    kept = [upload for upload in request.form.getlist("upload_ids") if upload not in dropped]
    staged, refusals = files.stage_from_form(
        current_user, request.files.getlist("attachments"), kept
    )
    if not refusals:
        try:
            files.check_room(post, staged, removing)
        except files.AttachmentError as error:
            refusals.append(str(error))
    form.form_errors.extend(refusals)
    if staged:
        db.session.commit()
    return staged, refusals


def _keep(form, **place):
    """The form's token was refused: keep the text server-side too, until it is sent."""
    title, kind = getattr(form, "title", None), getattr(form, "kind", None)
    reading.keep_draft(
        current_user.id, body=form.body.data or "", title=title.data if title else "",
        kind=kind.data if kind else "", **place,
    )  # fmt: skip
    db.session.commit()


def _restore(form, **place):
    """Fill an unsent form with the member's kept draft for it, if any; returns the draft."""
    draft = reading_queries.get_draft(current_user, **place)
    if draft is None:
        return None
    form.body.data = draft.body
    if hasattr(form, "title"):
        form.title.data = draft.title
        form.kind.data = draft.kind or form.kind.data
    if draft.parent_id and not request.args.get("to"):
        form.parent_id.data = str(draft.parent_id)
    return draft


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@drafts.resends_expired_form
@login_required
@limits.apply(limits.preview)
def edit_post(post_id):
    post = _readable_post(post_id)
    permissions.require(permissions.can_read_post(post))
    permissions.require(permissions.can_edit_post(post), hide=False)
    is_opening = post.thread.first_post_id == post.id
    form = EditPostForm(data={"title": post.thread.title, "body": post.body_source})
    preview, staged = None, []
    shown = file_queries.attachments_of_post(post.id)
    removing = {a.id for a in shown if str(a.id) in request.form.getlist("remove_attachment")}
    if form.validate_on_submit():
        staged, refusals = _staged_files(form, post, removing)
        if is_opening and not (form.title.data or "").strip():
            form.title.errors.append(_("This field is required."))
        elif form.preview.data:
            preview = markup.render(form.body.data)
        elif not refusals:
            was_rejected = post.thread.status == Status.REJECTED
            for attachment in shown:
                if attachment.id in removing:
                    files.remove(current_user, attachment)
            files.attach(current_user, post, staged)
            actions.edit_post(
                current_user, post, body=form.body.data,
                title=form.title.data if is_opening else None,
            )  # fmt: skip
            db.session.commit()
            if was_rejected and post.thread.status == Status.PENDING:
                flash(_("Your thread was sent to the moderators again and will appear once "
                        "approved."), "info")  # fmt: skip
            else:
                flash(_("Your changes were saved."), "success")
            return redirect(url_for("threads.show_post", post_id=post.id))
    elif form.is_submitted() and not form.csrf_token.errors:
        staged, _refusals = _staged_files(form, post, removing)
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        "threads/edit.html", post=post, form=form, preview=preview, is_opening=is_opening,
        staged=staged, shown=shown, removing=removing,
        file_limits=file_queries.current_limits(),
    )  # fmt: skip
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


def _id_or_none(value):
    try:
        return id_number(value)
    except (TypeError, ValueError):
        return None
