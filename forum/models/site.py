"""Site-wide state: the version of the forum's content, the log of what each version changed,
and the settings an administrator chooses."""

from forum.extensions import db
from forum.models.base import PrivateState


class SiteState(PrivateState, db.Model):
    """The content version that page caches follow (see forum.changes).

    There is exactly one row (id 1). A transaction that changes content takes the next
    version when it commits, and logs the scopes it changed under it in `page_changes`.
    """

    __tablename__ = "site_state"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    version = db.Column(db.BigInteger, nullable=False, default=1)
    # Changes up to this version were pruned from page_changes: a cache older than it starts over.
    pruned_through = db.Column(db.BigInteger, nullable=False, default=0, server_default="0")


class PageChange(PrivateState, db.Model):
    """One scope a content version changed; every worker's page cache reads the new ones."""

    __tablename__ = "page_changes"

    version = db.Column(db.BigInteger, primary_key=True, autoincrement=False)
    scope = db.Column(db.String(80), primary_key=True)


# Who may create an account (forum.accounts.registration).
REGISTRATION_POLICIES = ("open", "domains", "invitation", "approval")


class SiteSettings(PrivateState, db.Model):
    """Settings an administrator changes in /admin; one row (id 1), absent until first saved.

    Apart from site_state, whose row every content change locks: saving a setting must not
    wait behind the forum's writers. No cached page shows these settings.
    """

    __tablename__ = "site_settings"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    registration_policy = db.Column(db.String(20), nullable=False, default="open")
    # One domain a line (e.g. "nablus.ps"), for the "domains" policy; subdomains count too.
    allowed_domains = db.Column(db.Text, nullable=False, default="")
