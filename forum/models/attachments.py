"""Files attached to posts: one row per attachment, the bytes stored once per content hash."""

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import Content, PrivateState, scope


class Attachment(Content, db.Model):
    """A file a member uploaded: staged (no post yet, seen by its uploader alone) until the
    post it was chosen for is sent, then part of that post.

    The bytes live in forum.attachments.storage under their SHA-256, shared by every row with
    the same content; a blob is deleted only when no row refers to it any more.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        db.Index("ix_attachments_post", "post_id"),
        # The uploads of one member (the daily limit) and the staged ones (the prune).
        db.Index("ix_attachments_uploader", "uploader_id", "created_at"),
        db.Index("ix_attachments_sha256", "sha256"),
    )

    id = db.Column(db.Integer, primary_key=True)
    sha256 = db.Column(db.String(64), nullable=False)
    size = db.Column(db.BigInteger, nullable=False)
    media_type = db.Column(db.String(100), nullable=False)
    # As shown to readers (forum.attachments.inspect.display_name): never used on the disk.
    original_name = db.Column(db.String(255), nullable=False)
    width = db.Column(db.Integer)  # images only
    height = db.Column(db.Integer)
    uploader_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    # Both null while staged; thread_id is the post's, kept here so that a change names the
    # thread page it changes without loading the post.
    post_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Taken off its post by the author's edit or a moderator (with a reason, logged).
    removed_at = db.Column(db.DateTime)
    removed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    removal_reason = db.Column(db.Text)

    post = db.relationship("Post", foreign_keys=[post_id])
    uploader = db.relationship("User", foreign_keys=[uploader_id])

    @property
    def is_image(self):
        return self.media_type.startswith("image/")

    @property
    def file_type(self):
        """The type's label and icon (forum.attachments.inspect.TYPES)."""
        from forum.attachments.inspect import BY_MEDIA_TYPE, TYPES  # the model stays a table

        return TYPES[BY_MEDIA_TYPE[self.media_type]]

    @property
    def size_label(self):
        from forum.attachments.inspect import human_size

        return human_size(self.size)

    @property
    def is_staged(self):
        return self.post_id is None

    @property
    def markdown(self):
        """What places the file in its post's text (forum.markup)."""
        return f"![{self.original_name}](attachment:{self.id})"

    def read_scope(self):
        thread_id = self.__dict__.get("thread_id")
        return scope("thread", thread_id) if thread_id is not None else None

    def written_scopes(self, change):
        """An attachment shows on its post's thread page; a staged upload on no page at all."""
        if self.thread_id is None:
            return set()
        return {scope("thread", self.thread_id)}


class AttachmentSettings(PrivateState, db.Model):
    """The types and limits an administrator chose (/admin/attachments); one row (id 1),
    absent until first saved, each value null for the configuration's default. Only the post
    forms show them, and members' pages are never cached."""

    __tablename__ = "attachment_settings"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    # Type keys (forum.attachments.inspect.TYPES), one a line.
    allowed_types = db.Column(db.Text)
    max_file_bytes = db.Column(db.BigInteger)
    max_post_bytes = db.Column(db.BigInteger)
    max_daily_bytes = db.Column(db.BigInteger)
