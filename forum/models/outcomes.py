"""What came of a thread: a question's accepted answer, a challenge's status, the local
authorities that adopted a success story, and every change to them."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import Content, scope
from forum.models.threads import Thread


class ChallengeStatus(StrEnum):
    """Where a challenge stands; the members are the strings the database stores."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"  # closed without a solution


CHALLENGE_STATUSES = {
    ChallengeStatus.OPEN: _l("Open"),
    ChallengeStatus.IN_PROGRESS: _l("In progress"),
    ChallengeStatus.RESOLVED: _l("Resolved"),
    ChallengeStatus.CLOSED: _l("Closed without a solution"),
}


class ThreadOutcome(Content, db.Model):
    """A thread's current outcome; made by its first change, so that a thread without one
    costs its page a single lookup."""

    __tablename__ = "thread_outcomes"

    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), primary_key=True)
    # A question's accepted answer: one reply of the thread.
    accepted_post_id = db.Column(db.Integer, db.ForeignKey("posts.id"), index=True)
    accepted_at = db.Column(db.DateTime)
    # A challenge's status, with the note and the solution (a reply, or another thread).
    challenge_status = db.Column(db.String(20), nullable=False, default=ChallengeStatus.OPEN)
    status_note = db.Column(db.Text, nullable=False, default="")
    solution_post_id = db.Column(db.Integer, db.ForeignKey("posts.id"))
    solution_thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    thread = db.relationship(
        Thread, foreign_keys=[thread_id], backref=db.backref("outcome", uselist=False)
    )
    accepted_post = db.relationship("Post", foreign_keys=[accepted_post_id])
    solution_post = db.relationship("Post", foreign_keys=[solution_post_id])
    solution_thread = db.relationship(Thread, foreign_keys=[solution_thread_id])

    def read_scope(self):
        return scope("thread", self.thread_id)

    def written_scopes(self, change):
        """The thread's page, and its board's list, which marks answered and resolved threads."""
        return {scope("thread", self.thread_id), scope("board", self.thread.board_id)}

    @property
    def status_label(self):
        return CHALLENGE_STATUSES.get(self.challenge_status, self.challenge_status)


class Adoption(Content, db.Model):
    """A local authority that adopted the practice a success story describes: one per
    authority and story, withdrawn by deleting it (the change log keeps that it was)."""

    __tablename__ = "adoptions"
    __table_args__ = (
        db.UniqueConstraint("thread_id", "authority_id", name="uq_adoptions_thread_authority"),
    )

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), nullable=False)
    authority_id = db.Column(
        db.Integer, db.ForeignKey("local_authorities.id"), nullable=False, index=True
    )
    # The member who recorded it for their authority; they (or a moderator) may withdraw it.
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    note = db.Column(db.Text, nullable=False)
    contact = db.Column(db.String(200), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    thread = db.relationship(Thread)
    authority = db.relationship("LocalAuthority")
    user = db.relationship("User")

    def read_scope(self):
        return scope("thread", self.thread_id)

    def written_scopes(self, change):
        return {scope("thread", self.thread_id)}


class OutcomeChange(Content, db.Model):
    """One change of a thread's outcome: who, when, from what to what. Shown on the thread,
    never edited."""

    __tablename__ = "outcome_changes"

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), nullable=False, index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    # "answer" (post ids), "status" (ChallengeStatus values) or "adoption" ("" ↔ "adopted").
    kind = db.Column(db.String(20), nullable=False)
    from_value = db.Column(db.String(40), nullable=False, default="")
    to_value = db.Column(db.String(40), nullable=False, default="")
    note = db.Column(db.Text, nullable=False, default="")
    # For an adoption: the authority that adopted or withdrew.
    authority_id = db.Column(db.Integer, db.ForeignKey("local_authorities.id"))
    # The reports count changes by their time (challenges resolved in a range).
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    actor = db.relationship("User")
    authority = db.relationship("LocalAuthority")

    def read_scope(self):
        return scope("thread", self.thread_id)

    def written_scopes(self, change):
        return {scope("thread", self.thread_id)}
