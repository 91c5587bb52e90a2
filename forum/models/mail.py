"""The mail outbox: every mail the forum sends, from the moment it is queued (forum.mail)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import PrivateState


class MailStatus(StrEnum):
    """Where a mail stands; the members are the very strings the database stores."""

    QUEUED = "queued"  # waits for its next attempt (next_attempt_at)
    SENDING = "sending"  # claimed by a sender since claimed_at
    SENT = "sent"  # the SMTP server accepted it
    KEPT = "kept"  # no MAIL_SERVER was set: kept for reading at /admin/mail, never sent
    FAILED = "failed"  # refused for good, or out of attempts; an administrator may retry it


MAIL_STATUS_LABELS = {
    MailStatus.QUEUED: _l("Queued"),
    MailStatus.SENDING: _l("Sending"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.KEPT: _l("Kept"),
    MailStatus.FAILED: _l("Failed"),
}


class Mail(PrivateState, db.Model):
    """One mail to one recipient, rendered in their language when it was queued."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        # The sender's claim: due mail, oldest first.
        db.Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        # The admin list of one status, newest first.
        db.Index("ix_mail_outbox_listing", "status", "id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    # The account it was queued for (None for a mail to a bare address, like the test mail).
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    to_address = db.Column(db.String(254), nullable=False)
    to_name = db.Column(db.String(80), nullable=False, default="")
    kind = db.Column(db.String(40), nullable=False)
    language = db.Column(db.String(5), nullable=False)
    subject = db.Column(db.String(300), nullable=False)
    text_body = db.Column(db.Text, nullable=False)
    html_body = db.Column(db.Text, nullable=False)
    # Extra headers from the caller, e.g. List-Unsubscribe; name → value.
    headers = db.Column(db.JSON, nullable=False, default=dict)
    # Kept from the first attempt to the last, so that a mail sent twice (a sender that died
    # between the SMTP server's answer and its own commit) is recognised as one by mail clients.
    message_id = db.Column(db.String(250), nullable=False)
    # A second mail with the same key is never queued (forum.mail.queue); NULLs never clash.
    dedupe_key = db.Column(db.String(200), unique=True)

    status = db.Column(db.String(10), nullable=False, default=MailStatus.QUEUED)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The sender that holds the mail: its token and when it took it (stale after a timeout).
    claimed_by = db.Column(db.String(32))
    claimed_at = db.Column(db.DateTime)
    last_error = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    sent_at = db.Column(db.DateTime)

    user = db.relationship("User")

    @property
    def status_label(self):
        return MAIL_STATUS_LABELS.get(self.status, self.status)
