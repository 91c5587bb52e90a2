"""Uploading a file (JSON, for static/js/attachments.js), reading one through the policy, a
moderator's removal with a reason, and the administrators' choice of types and limits."""

import io
from urllib.parse import quote

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.attachments import actions, queries, storage
from forum.attachments.forms import RemoveForm, SettingsForm
from forum.extensions import db

bp = Blueprint("attachments", __name__)


# A file answer runs nothing and embeds nothing, whatever a browser makes of its bytes.
FILE_POLICY = "default-src 'none'; sandbox"


@bp.post("/attachments")
@login_required
def upload_file():
    """One file, staged for the post being written; the form sends its id with the post."""
    permissions.require(permissions.can_attach_files(), hide=False)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return jsonify(error=_("Choose a file.")), 422
    try:
        attachment = actions.upload(current_user, sent.stream, sent.filename)
    except actions.AttachmentError as error:
        return jsonify(error=str(error)), 422
    db.session.commit()
    return jsonify(describe(attachment)), 201


@bp.post("/attachments/<int:attachment_id>/discard")
@login_required
def discard_upload(attachment_id):
    """Take back a staged upload before posting; another's, or one on a post, is 404."""
    attachment = queries.get_attachment(attachment_id)
    permissions.require(permissions.can_discard_upload(attachment))
    actions.discard(current_user, attachment)
    db.session.commit()
    return "", 204


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id):
    return _send(_readable(attachment_id), thumbnail=False)


@bp.get("/attachments/<int:attachment_id>/thumbnail")
def thumbnail(attachment_id):
    attachment = _readable(attachment_id)
    permissions.require(attachment.is_image)
    return _send(attachment, thumbnail=True)


def _readable(attachment_id):
    """The file, if the policy lets the reader read its post; 404 otherwise, whoever asks."""
    attachment = queries.get_attachment(attachment_id)
    permissions.require(permissions.can_read_attachment(attachment))
    return attachment


def _send(attachment, *, thumbnail):
    """The bytes, by Flask or by the web server in front, with headers that keep them inert."""
    suffix = storage.THUMBNAIL if thumbnail else ""
    mode = current_app.config["ATTACHMENT_SEND_FILE"]
    if mode == "x-accel":
        response = current_app.response_class(status=200)
        prefix = current_app.config["ATTACHMENT_INTERNAL_PREFIX"].rstrip("/")
        location = storage.relative_path(attachment.sha256, suffix)
        response.headers["X-Accel-Redirect"] = f"{prefix}/{location}"
    elif mode == "x-sendfile":
        response = current_app.response_class(status=200)
        response.headers["X-Sendfile"] = str(storage.path(attachment.sha256, suffix))
    else:
        stored = storage.path(attachment.sha256, suffix)
        permissions.require(stored.is_file())
        # Read whole (a file is at most ATTACHMENT_MAX_FILE_BYTES): no handle stays open on a
        # response nobody reads to its end. Production lets the web server send the bytes.
        response = send_file(
            io.BytesIO(stored.read_bytes()), mimetype=attachment.media_type, conditional=True,
            etag=attachment.sha256 + suffix, max_age=0,
        )  # fmt: skip
    response.mimetype = attachment.media_type
    disposition = "inline" if attachment.is_image else "attachment"
    response.headers["Content-Disposition"] = _disposition(disposition, attachment.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    # Never in a shared cache: whether the next reader may read it is Flask's to say again.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _disposition(kind, name):
    """RFC 6266: an ASCII fallback, and the real (Arabic) name as RFC 5987's filename*."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_"
                       for c in name)  # fmt: skip
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def describe(attachment):
    """What the upload script shows of a staged file."""
    return {
        "id": attachment.id,
        "name": attachment.original_name,
        "size": attachment.size_label,
        "type": str(attachment.file_type.label),
        "markdown": attachment.markdown,
        "thumbnail": url_for("attachments.thumbnail", attachment_id=attachment.id)
        if attachment.is_image else None,
        "discard": url_for("attachments.discard_upload", attachment_id=attachment.id),
    }  # fmt: skip


# Moderators: one file off a post, with a reason -------------------------------------------


@bp.route("/mod/attachments/<int:attachment_id>/remove", methods=["GET", "POST"])
@login_required
def remove_attachment(attachment_id):
    attachment = queries.get_attachment(attachment_id)
    permissions.require(attachment is not None and attachment.post_id is not None
                        and permissions.can_read_post(attachment.post))  # fmt: skip
    permissions.require(permissions.can_remove_attachment(attachment), hide=False)
    form = RemoveForm()
    if form.validate_on_submit():
        actions.remove(current_user, attachment, reason=form.reason.data)
        db.session.commit()
        flash(_("The file was removed."), "success")
        return redirect(url_for("threads.show_post", post_id=attachment.post_id))
    status = 422 if form.errors else 200
    return render_template("attachments/remove.html", attachment=attachment, form=form), status


# Administrators: the accepted types and the limits ----------------------------------------


# As the rest of /admin: 404 for everyone else, visitors included.
@bp.route("/admin/attachments", methods=["GET"])
def show_settings():
    permissions.require(permissions.can_administer())
    limits = queries.current_limits()
    form = SettingsForm(formdata=None, data=SettingsForm.data_from(limits))
    return render_template("attachments/settings.html", form=form)


@bp.route("/admin/attachments", methods=["POST"])
def update_settings():
    permissions.require(permissions.can_administer())
    form = SettingsForm()
    if form.validate_on_submit():
        actions.update_settings(current_user, **form.limits())
        db.session.commit()
        flash(_("The attachment settings were saved."), "success")
        return redirect(url_for("attachments.show_settings"))
    return render_template("attachments/settings.html", form=form), 422
