"""What is read about attachments: one file, a page's files in one statement, the limits."""

from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select

from forum.attachments.inspect import TYPES
from forum.clock import utcnow
from forum.extensions import db
from forum.links import path_for
from forum.markup import AttachmentRef
from forum.models import Attachment, AttachmentSettings


class Limits(NamedTuple):
    types: tuple  # type keys (forum.attachments.inspect.TYPES)
    max_file_bytes: int
    max_post_bytes: int
    max_daily_bytes: int
    max_files: int

    def type_labels(self):
        """The accepted types as members read them (the form's hint)."""
        return [TYPES[key].label for key in self.types if key in TYPES]

    def accept(self):
        """The accepted types for a file input's `accept`: their extensions."""
        return ",".join(ext for key in self.types if key in TYPES for ext in TYPES[key].extensions)


def current_limits():
    """The types and limits in force: an administrator's choice, else the configuration's."""
    config = current_app.config
    saved = db.session.get(AttachmentSettings, 1)

    def chosen(column, setting):
        value = getattr(saved, column, None) if saved is not None else None
        return value if value is not None else config[setting]

    types = saved.allowed_types.split() if saved is not None and saved.allowed_types else None
    return Limits(
        tuple(types if types is not None else config["ATTACHMENT_TYPES"]),
        chosen("max_file_bytes", "ATTACHMENT_MAX_FILE_BYTES"),
        chosen("max_post_bytes", "ATTACHMENT_MAX_POST_BYTES"),
        chosen("max_daily_bytes", "ATTACHMENT_MAX_DAILY_BYTES"),
        config["ATTACHMENT_MAX_FILES_PER_POST"],
    )


def saved_settings():
    return db.session.get(AttachmentSettings, 1)


def get_attachment(attachment_id):
    """The attachment with its post, thread and board loaded lazily; the caller asks the policy."""
    return db.session.get(Attachment, attachment_id)


def staged_uploads(user, ids):
    """The member's own staged uploads among the ids (others' are silently left out)."""
    ids = [int(i) for i in ids]
    if not ids or user is None or not user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            select(Attachment)
            .where(
                Attachment.id.in_(ids),
                Attachment.uploader_id == user.id,
                Attachment.post_id.is_(None),
                Attachment.removed_at.is_(None),
            )
            .order_by(Attachment.id)
        )  # fmt: skip
    )


def attachments_of_posts(post_ids):
    """The files shown on these posts, by post id: one statement for a whole thread page."""
    found = {}
    if not post_ids:
        return found
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.post_id.in_(list(post_ids)), Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
    )
    for attachment in rows:
        found.setdefault(attachment.post_id, []).append(attachment)
    return found


def attachments_of_post(post_id):
    return attachments_of_posts([post_id]).get(post_id, [])


def bytes_uploaded_today(user):
    """What the member uploaded in the last 24 hours (discarded files count too: the limit is
    on the work the server did)."""
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.uploader_id == user.id, Attachment.created_at >= since
        )
    )


def stale_staged(older_than):
    """Staged uploads never sent with a post, uploaded before `older_than`."""
    return list(
        db.session.scalars(
            select(Attachment).where(
                Attachment.post_id.is_(None), Attachment.created_at < older_than
            )
        )
    )


def hashes_in_use():
    """The hashes that some attachment still shows (staged or on a post, not removed)."""
    return set(
        db.session.scalars(
            select(Attachment.sha256).where(Attachment.removed_at.is_(None)).distinct()
        )
    )


def markup_refs(post_id):
    """The post's own files as its Markdown places them (forum.markup.AttachmentRef)."""
    refs = {}
    for attachment in attachments_of_post(post_id):
        url = path_for("attachments.download", attachment_id=attachment.id)
        thumbnail = (
            path_for("attachments.thumbnail", attachment_id=attachment.id)
            if attachment.is_image
            else None
        )
        refs[attachment.id] = AttachmentRef(url, thumbnail, attachment.original_name)
    return refs


def request_body_limit():
    """The largest request that may carry files: a post's files and its text (forum.inputs)."""
    limits = current_limits()
    return (
        max(limits.max_post_bytes, limits.max_file_bytes) + current_app.config["MAX_CONTENT_LENGTH"]
    )
