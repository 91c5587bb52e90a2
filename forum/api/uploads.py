"""Files through the API: a script uploads each file first (staged for it, as the web's upload
script does), then sends the ids with a new thread, a reply or an edit (forum.api.views).

Uploading, discarding and attaching are forum.attachments' actions, with the web's checks,
limits and refusals; only the status of a refusal is the API's own (413 for a file past the
per-file limit, 422 for the rest).
"""

from flask_babel import gettext as _
from flask_login import current_user

from forum import permissions
from forum.api import answers, schemas
from forum.api.errors import ApiError
from forum.api.operations import operation
from forum.attachments import actions as files
from forum.attachments import queries
from forum.extensions import db
from forum.i18n import mark

INVALID = 422


@operation(
    "POST",
    "/uploads",
    response=schemas.UploadOut,
    status=201,
    files="file",
    scope="write",
    errors=(400, 401, 403, 413, 422, 429),
    summary=mark("Upload a file for a post to come, then send its id in the post's attachments"),
)
def upload_file(file):
    permissions.require(permissions.can_attach_files(), hide=False)
    try:
        uploaded = files.upload(current_user, file.stream, file.filename)
    except files.FileTooLarge as refusal:
        raise ApiError(413, message=str(refusal), fields={"file": [str(refusal)]}) from None
    except files.AttachmentError as refusal:
        raise ApiError(INVALID, fields={"file": [str(refusal)]}) from None
    db.session.commit()
    return answers.upload(uploaded)


@operation(
    "DELETE",
    "/uploads/<int:upload_id>",
    response=schemas.Done,
    scope="write",
    errors=(401, 403, 404, 429),
    summary=mark("Take back one's upload not yet sent with a post"),
)
def discard_upload(upload_id):
    attachment = queries.get_attachment(upload_id)
    permissions.require(permissions.can_discard_upload(attachment))
    files.discard(current_user, attachment)
    db.session.commit()
    return schemas.Done(done=True)


# The files of a post being written (forum.api.views) ---------------------------------------


def staged(ids, post=None, removing=()):
    """The caller's staged uploads of these ids, checked to fit on the post (None: one not yet
    written) beside the files it keeps; 422 on `attachments` otherwise."""
    ids = list(dict.fromkeys(ids))
    found = queries.staged_uploads(current_user, ids)
    missing = sorted(set(ids) - {upload.id for upload in found})
    if missing:
        message = _("Not one of your uploads waiting for a post: %(ids)s.",
                    ids=", ".join(map(str, missing)))  # fmt: skip
        raise ApiError(INVALID, fields={"attachments": [message]})
    try:
        files.check_room(post, found, removing)
    except files.AttachmentError as refusal:
        raise ApiError(INVALID, fields={"attachments": [str(refusal)]}) from None
    return found


def removing(post, ids):
    """The post's files of these ids, to take off as the edit form's Remove boxes do; 422 on
    `remove_attachments` for an id that is not one of them."""
    if not ids:
        return []
    shown = {attachment.id: attachment for attachment in queries.attachments_of_post(post.id)}
    missing = sorted(set(ids) - set(shown))
    if missing:
        message = _("This post has no such file: %(ids)s.", ids=", ".join(map(str, missing)))
        raise ApiError(INVALID, fields={"remove_attachments": [message]})
    return [shown[number] for number in dict.fromkeys(ids)]
