"""Uploading, attaching to a post, removing and pruning files. Actions flush, never commit.

A blob on the disk is never deleted by an action: the transaction that stopped using it may
still roll back. The prune deletes the blobs no attachment uses any more, once their grace
period has passed, and the staged uploads never sent with a post.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from forum.attachments import images, inspect, queries, storage
from forum.attachments.inspect import RefusedFile, human_size
from forum.clock import utcnow
from forum.extensions import db
from forum.inputs import id_number
from forum.models import Attachment, AttachmentSettings
from forum.moderation import log as moderation_log
from forum.threads.actions import render_post

# A blob written in the last hour is left alone by the prune: its row may not be committed yet.
GRACE_SECONDS = 3600


class AttachmentError(ValueError):
    """A rule about attachments was broken; the message is for the member."""


class FileTooLarge(AttachmentError):
    """The file is past the per-file limit (the API answers 413 for it, the web form 422)."""


def read_upload(stream, limit):
    """The bytes of an uploaded file, refused past `limit` without reading on."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(
            _("The file is larger than %(size)s, the most a file may be.", size=human_size(limit))
        )
    return data


def upload(uploader, stream, name):
    """Check and store one file; returns its staged Attachment, owned by the uploader."""
    limits = queries.current_limits()
    data = read_upload(stream, limits.max_file_bytes)
    try:
        kind = inspect.identify(data, name, limits.types)
        picture = images.reencode(data, kind) if kind in inspect.IMAGE_TYPES else None
    except RefusedFile as refusal:
        raise AttachmentError(str(refusal)) from None
    stored = picture.data if picture else data
    if queries.bytes_uploaded_today(uploader) + len(stored) > limits.max_daily_bytes:
        raise AttachmentError(
            _("You have uploaded as much as a member may in one day (%(size)s); try again "
              "tomorrow.", size=human_size(limits.max_daily_bytes))
        )  # fmt: skip
    sha256 = storage.save(stored)
    if picture:
        storage.save_thumbnail(sha256, picture.thumbnail)
    attachment = Attachment(
        sha256=sha256, size=len(stored), media_type=inspect.TYPES[kind].media_type,
        original_name=inspect.display_name(name, kind), uploader_id=uploader.id,
        width=picture.width if picture else None, height=picture.height if picture else None,
    )  # fmt: skip
    db.session.add(attachment)
    db.session.flush()
    return attachment


def check_room(post, attachments, removing=()):
    """AttachmentError unless the files fit on the post (None: a post not yet written) beside
    those it keeps: the number of files and their total size."""
    limits = queries.current_limits()
    shown = queries.attachments_of_post(post.id) if post is not None else []
    kept = [a for a in shown if a.id not in removing]
    if len(kept) + len(attachments) > limits.max_files:
        raise AttachmentError(_("A post may have at most %(count)d files.", count=limits.max_files))
    if sum(a.size for a in kept) + sum(a.size for a in attachments) > limits.max_post_bytes:
        raise AttachmentError(_("The files of one post may be %(size)s at most.",
                                size=human_size(limits.max_post_bytes)))  # fmt: skip


def attach(actor, post, attachments):
    """Make the actor's staged uploads part of the post (sent with it, or added on an edit), and
    place them in its text. The caller checked the room on the post (check_room)."""
    attachments = [a for a in attachments if a.post_id is None and a.uploader_id == actor.id]
    for attachment in attachments:
        attachment.post_id, attachment.thread_id = post.id, post.thread_id
    db.session.flush()
    refresh_post_html(post)
    return attachments


def discard(user, attachment):
    """A staged upload its owner took back before posting (permissions.can_discard_upload).
    The row stays, removed, until prune: it still counts against the day's limit."""
    attachment.removed_at = utcnow()
    attachment.removed_by_id = user.id
    db.session.flush()


def remove(actor, attachment, *, reason=""):
    """Take one file off its post: by the author editing it, or by a moderator, with a reason
    (logged). The row stays, for the log; readers get 404 for it at once."""
    if attachment.removed_at is not None or attachment.post_id is None:
        return
    post = attachment.post
    attachment.removed_at = utcnow()
    attachment.removed_by_id = actor.id
    attachment.removal_reason = (reason or "").strip()
    if actor.id != post.author_id:
        reason = f"{attachment.original_name}: {attachment.removal_reason}"
        moderation_log.record(actor, "remove_attachment", post=post, reason=reason)
    db.session.flush()
    refresh_post_html(post)


def refresh_post_html(post):
    """Render the post again when its text places files: which of its files exist changed."""
    if "attachment:" in (post.body_source or ""):
        post.body_html = render_post(post.body_source, post)


def prune(now=None):
    """Delete staged uploads (discarded ones too) older than ATTACHMENT_STAGED_HOURS. The
    caller commits, then calls sweep_blobs for the blobs no attachment uses any more, so a
    rolled-back deletion never loses a file still in use."""
    now = now or utcnow()
    hours = current_app.config["ATTACHMENT_STAGED_HOURS"]
    stale = queries.stale_staged(now - timedelta(hours=hours))
    for attachment in stale:
        db.session.delete(attachment)  # row by row: staged rows change no page
    db.session.flush()
    return len(stale)


def sweep_blobs(grace_seconds=GRACE_SECONDS):
    """Delete the stored files that no attachment uses; returns how many. Run after the commit
    of prune (a blob is found unused only once its rows are gone for good)."""
    in_use = queries.hashes_in_use()
    removed = 0
    for sha256 in list(storage.stored_hashes(older_than_seconds=grace_seconds)):
        if sha256 not in in_use:
            storage.delete(sha256)
            removed += 1
    removed += storage.remove_stale_temporary_files(grace_seconds)
    return removed


def update_settings(actor, *, types, max_file_bytes, max_post_bytes, max_daily_bytes):
    """An administrator's choice of accepted types and limits (logged in the admin log)."""
    from forum.admin.actions import log_change  # the admin area's log

    unknown = [kind for kind in types if kind not in inspect.TYPES]
    if unknown or not types:
        raise AttachmentError(_("Choose at least one known type."))
    settings = queries.saved_settings()
    if settings is None:
        settings = AttachmentSettings(id=1)
        db.session.add(settings)
    values = {
        "allowed_types": "\n".join(kind for kind in inspect.TYPES if kind in types),
        "max_file_bytes": max_file_bytes, "max_post_bytes": max_post_bytes,
        "max_daily_bytes": max_daily_bytes,
    }  # fmt: skip
    changes = []
    for column, value in values.items():
        old = getattr(settings, column)
        if old != value:
            setattr(settings, column, value)
            changes.append(f"{column}: {_shown(old)} → {_shown(value)}")
    if changes:
        log_change(actor, "settings.attachments", settings, "; ".join(changes))
    return settings


def _shown(value):
    return "—" if value is None else " ".join(str(value).split())


def stage_from_form(uploader, files, upload_ids):
    """The files of a post form: those sent with it (the form without JavaScript) uploaded
    now, and those uploaded before by the script (their ids). Returns (staged, refusals);
    every file that passed is staged, so that a form shown again keeps it."""
    staged, refusals = queries.staged_uploads(uploader, _ids(upload_ids)), []
    for sent in files:
        if not sent or not sent.filename:
            continue
        try:
            staged.append(upload(uploader, sent.stream, sent.filename))
        except AttachmentError as error:
            refusals.append(f"{inspect.display_name(sent.filename)}: {error}")
    return staged, refusals


def _ids(values):
    found = []
    for value in values:
        try:
            found.append(id_number(value))
        except ValueError:
            continue
    return found
