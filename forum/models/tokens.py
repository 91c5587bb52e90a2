"""Personal access tokens for the JSON API (forum.api): a member's scripts act as the member."""

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import PrivateState

# What a token may do: `read` answers the API's reads, `write` its writes.
TOKEN_SCOPES = ("read", "write")


class PersonalToken(PrivateState, db.Model):
    """A named token a member made at /settings/tokens. The secret is shown once and only its
    digest is kept (forum.models.accounts.token_digest), like a login session's key."""

    __tablename__ = "personal_tokens"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False)
    token_digest = db.Column(db.String(64), nullable=False, unique=True)
    scopes = db.Column(db.String(40), nullable=False, default="read")  # space-separated
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime)
    last_used_at = db.Column(db.DateTime)
    revoked_at = db.Column(db.DateTime)

    user = db.relationship("User")

    @property
    def scope_set(self):
        return frozenset(self.scopes.split())

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def is_usable(self):
        return self.revoked_at is None and not self.is_expired
