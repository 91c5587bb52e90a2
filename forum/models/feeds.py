"""Feed tokens: the secret in a member's feed addresses, which a feed reader sends instead of
a login (forum.feeds)."""

from forum.clock import utcnow
from forum.extensions import db
from forum.models.base import PrivateState


class FeedToken(PrivateState, db.Model):
    """One member's feed token. The token itself is derived from `salt` with SECRET_KEY
    (forum.feeds.tokens), so that the member's page can show their feed addresses again while
    the table alone opens nothing; `token_digest` finds the row from an address. At most one
    token per member is active (revoked_at empty); regenerating revokes the one before."""

    __tablename__ = "feed_tokens"
    __table_args__ = (
        db.Index(
            "ix_feed_tokens_active",
            "user_id",
            unique=True,
            sqlite_where=db.text("revoked_at IS NULL"),
            postgresql_where=db.text("revoked_at IS NULL"),
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    salt = db.Column(db.String(32), nullable=False)
    token_digest = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revoked_at = db.Column(db.DateTime)

    user = db.relationship("User")
