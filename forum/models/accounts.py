"""Local authorities, the people who work for them, their logins and their invitations."""

import hashlib
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import or_
from sqlalchemy.ext.hybrid import hybrid_property
from werkzeug.security import check_password_hash, generate_password_hash

from forum.clock import utcnow
from forum.extensions import db
from forum.i18n import pick
from forum.models.base import Content, PrivateState, changed_columns, scope

# An analyst is a member who may also read the participation reports (forum.reports).
ROLES = ("member", "analyst", "moderator", "admin")
# An account made under the "approval" registration policy waits until an administrator
# approves or refuses it; every other account is approved from the start.
APPROVAL_STATES = ("approved", "pending", "refused")
AUTHORITY_KINDS = {
    "municipality": _l("Municipality"),
    "village_council": _l("Village council"),
    "other": _l("Other local body"),
}
# Optional and self-declared, for the Inclusion and Gender task force's reporting: set by the
# member in /settings, never shown on any page about one person, counted only in aggregate
# by the reports (small cells suppressed). The key is what the database stores.
GENDERS = {
    "woman": _l("Woman"),
    "man": _l("Man"),
    "undisclosed": _l("Prefer not to say"),
}
JOB_CATEGORIES = {
    "engineering": _l("Engineering and planning"),
    "finance": _l("Finance and accounting"),
    "administration": _l("Administration and human resources"),
    "legal": _l("Legal affairs"),
    "it": _l("Information technology"),
    "public_relations": _l("Public relations and media"),
    "community_services": _l("Community services"),
    "elected": _l("Elected official (council member or mayor)"),
    "other": _l("Other"),
}
# Key → (Arabic, English); the key is what the database stores.
GOVERNORATES = {
    "jenin": ("جنين", "Jenin"),
    "tubas": ("طوباس", "Tubas"),
    "tulkarm": ("طولكرم", "Tulkarm"),
    "nablus": ("نابلس", "Nablus"),
    "qalqilya": ("قلقيلية", "Qalqilya"),
    "salfit": ("سلفيت", "Salfit"),
    "ramallah": ("رام الله والبيرة", "Ramallah and Al-Bireh"),
    "jericho": ("أريحا والأغوار", "Jericho and Al-Aghwar"),
    "jerusalem": ("القدس", "Jerusalem"),
    "bethlehem": ("بيت لحم", "Bethlehem"),
    "hebron": ("الخليل", "Hebron"),
    "north_gaza": ("شمال غزة", "North Gaza"),
    "gaza": ("غزة", "Gaza"),
    "deir_al_balah": ("دير البلح", "Deir al-Balah"),
    "khan_yunis": ("خانيونس", "Khan Yunis"),
    "rafah": ("رفح", "Rafah"),
}


class LocalAuthority(Content, db.Model):
    """Renamed rarely; a change reaches every page (the default site-wide scope)."""

    __tablename__ = "local_authorities"

    id = db.Column(db.Integer, primary_key=True)
    name_ar = db.Column(db.String(200), nullable=False)
    name_en = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(20), nullable=False, default="municipality")
    governorate = db.Column(db.String(30), nullable=False)

    @property
    def name(self):
        return pick(self.name_ar, self.name_en)

    @property
    def governorate_name(self):
        return pick(*GOVERNORATES.get(self.governorate, (self.governorate, self.governorate)))

    @property
    def kind_label(self):
        return AUTHORITY_KINDS.get(self.kind, self.kind)


class User(Content, UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    display_name = db.Column(db.String(80), nullable=False)
    # Stored lower-cased: uniqueness is case-insensitive on every database.
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    authority_id = db.Column(db.Integer, db.ForeignKey("local_authorities.id"), index=True)
    job_title = db.Column(db.String(120), nullable=False, default="")
    role = db.Column(db.String(20), nullable=False, default="member")
    moderates_all_boards = db.Column(db.Boolean, nullable=False, default=False)
    language = db.Column(db.String(5), nullable=False, default="ar")
    active = db.Column(db.Boolean, nullable=False, default=True)
    joined_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    suspended_at = db.Column(db.DateTime)
    suspended_until = db.Column(db.DateTime)
    suspension_reason = db.Column(db.Text)
    # Part of every login session's id: changing it (suspension, new password) ends them all.
    session_token = db.Column(db.String(32), nullable=False, default=lambda: secrets.token_hex(8))
    # Approved posts across the forum; the trust threshold of the approval queue reads it.
    approved_post_count = db.Column(db.Integer, nullable=False, default=0)
    # When the member opened the link mailed to the address; until then the policy treats them
    # almost as a visitor (forum.permissions). Accounts made by an administrator, the command
    # line or the demo count as verified.
    email_verified_at = db.Column(db.DateTime)
    approval = db.Column(db.String(10), nullable=False, default="approved",
                         server_default="approved")  # fmt: skip
    # Self-declared, optional (GENDERS, JOB_CATEGORIES): None when not given.
    gender = db.Column(db.String(20))
    job_category = db.Column(db.String(30))

    authority = db.relationship(LocalAuthority, lazy="joined")

    # Columns no page shows: changing them (a login, a new post counted) invalidates nothing.
    UNSHOWN_COLUMNS = frozenset(
        {"password_hash", "session_token", "approved_post_count", "language", "email",
         "email_verified_at", "gender", "job_category"}
    )  # fmt: skip

    def read_scope(self):
        return scope("user", self.id)

    def written_scopes(self, change):
        if change == "update" and changed_columns(self) <= self.UNSHOWN_COLUMNS:
            return set()
        return {scope("user", self.id)}

    def set_password(self, password):
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        """The id Flask-Login keeps in the session and the remember cookie: the account, its
        session token and the key of this login (forum.models.LoginSession), all checked on
        every request (forum.accounts.sessions)."""
        return f"{self.id}.{self.session_token}.{getattr(self, 'login_key', '')}"

    def end_sessions(self):
        """Log the user out everywhere: sessions carry the old token and stop matching."""
        self.session_token = secrets.token_hex(8)

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    @hybrid_property
    def is_suspended(self):
        """Suspended now: until suspended_until, or for good when it has no end.

        Also a SQL condition (`User.is_suspended`) for counts and lists of accounts.
        """
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > utcnow()

    @is_suspended.inplace.expression
    @classmethod
    def _is_suspended_expression(cls):
        return cls.suspended_at.is_not(None) & or_(
            cls.suspended_until.is_(None), cls.suspended_until > utcnow()
        )

    @property
    def is_active(self):
        # Flask-Login treats an inactive user as unable to log in or stay logged in.
        return self.active and not self.is_suspended and self.approval == "approved"

    @staticmethod
    def normalize_email(email):
        return (email or "").strip().lower()


def token_digest(token):
    """What the database keeps of a secret token: a stolen table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


class LoginSession(PrivateState, db.Model):
    """One login on one browser: logging out deletes it, so a copy of the cookie taken before
    is worth nothing after. The key itself lives only in the cookie; this keeps its digest."""

    __tablename__ = "login_sessions"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    key_digest = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)


class Invitation(PrivateState, db.Model):
    """A single-use, expiring link an administrator hands out to let someone register."""

    __tablename__ = "invitations"

    id = db.Column(db.Integer, primary_key=True)
    token_digest = db.Column(db.String(64), nullable=False, unique=True)
    # When set, only this address may register with the invitation.
    email = db.Column(db.String(254))
    note = db.Column(db.String(200), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime)
    used_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    revoked_at = db.Column(db.DateTime)

    created_by = db.relationship(User, foreign_keys=[created_by_id])
    used_by = db.relationship(User, foreign_keys=[used_by_id])

    @property
    def is_usable(self):
        return self.used_at is None and self.revoked_at is None and self.expires_at > utcnow()
