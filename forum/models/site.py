"""Site-wide state: one row whose version changes with every write to the forum."""

from forum.extensions import db


class SiteState(db.Model):
    """The content version that page caches are keyed by (see forum.cache).

    There is exactly one row (id 1). Every transaction that writes anything bumps `version`
    before it commits, in the same transaction, so a reader that sees the new version also
    sees the new content.
    """

    __tablename__ = "site_state"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    version = db.Column(db.BigInteger, nullable=False, default=1)
